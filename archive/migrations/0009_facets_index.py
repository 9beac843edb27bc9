from django.db import migrations

# Facet counts for a word in most articles read this index instead of the articles. Made with
# each date's precision, as 0011 makes it again: what a new database has from here on.
CREATE = {
    "sqlite": "CREATE INDEX IF NOT EXISTS article_facets_idx ON archive_article "
    "(language_id, (CAST(substr(published, 1, 4) AS integer)), source_name, published, "
    "date_precision)",
    "postgresql": "CREATE INDEX IF NOT EXISTS article_facets_idx ON archive_article "
    "(language_id, (CAST(EXTRACT(YEAR FROM published) AS integer)), source_name, published) "
    "INCLUDE (id, date_precision)",
}


def create(apps, schema_editor):
    schema_editor.execute(CREATE[schema_editor.connection.vendor])


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS article_facets_idx")


class Migration(migrations.Migration):
    dependencies = [("archive", "0008_search_headline")]

    operations = [migrations.RunPython(create, drop)]
