from django.db import migrations

from archive.search.index import article_terms, create_sql, drop_sql, rows_write


def create_index(apps, schema_editor):
    for statement in create_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)
    Article = apps.get_model("archive", "Article")
    articles = Article.objects.select_related("language").iterator(chunk_size=500)
    rows_write([(article.pk, article_terms(article)) for article in articles])


def drop_index(apps, schema_editor):
    for statement in drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("archive", "0004_suggestion_article_index")]

    operations = [migrations.RunPython(create_index, drop_index)]
