from django.db import migrations

from archive.search.index import TABLE, article_terms, headline_sql, row_values


def add_headlines(apps, schema_editor):
    """PostgreSQL only: a headline tsvector beside each document (SQLite filters by column)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in headline_sql():
        schema_editor.execute(statement)
    Article = apps.get_model("archive", "Article")
    articles = Article.objects.select_related("language").iterator(chunk_size=500)
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {TABLE} SET headline = %s::tsvector WHERE article_id = %s",
            [(row_values(article_terms(article))[1], article.pk) for article in articles],
        )


def drop_headlines(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS headline")


class Migration(migrations.Migration):
    dependencies = [("archive", "0007_data_version")]

    operations = [migrations.RunPython(add_headlines, drop_headlines)]
