from itertools import islice

from django.db import migrations

from archive.search.index import TABLE, article_terms, row_values

BATCH = 500


def add_pair_terms(apps, schema_editor):
    """PostgreSQL only: rewrite every index row with its pair terms (analysis.pair_term),
    which phrase queries now look up. SQLite's index is unchanged."""
    if schema_editor.connection.vendor != "postgresql":
        return
    Article = apps.get_model("archive", "Article")
    articles = Article.objects.select_related("language").order_by("pk").iterator(BATCH)
    with schema_editor.connection.cursor() as cursor:
        while batch := list(islice(articles, BATCH)):
            cursor.executemany(
                f"UPDATE {TABLE} SET document = %s::tsvector, headline = %s::tsvector "
                "WHERE article_id = %s",
                [(*row_values(article_terms(article)), article.pk) for article in batch],
            )


class Migration(migrations.Migration):
    dependencies = [("archive", "0010_thesaurus_data_version")]

    # Going back leaves the pair terms: earlier code never asks for them.
    operations = [migrations.RunPython(add_pair_terms, migrations.RunPython.noop)]
