from django.db import migrations

# The facets index, now with each article's date precision, for the columns in memory
# (archive.search.columns), which filter by date as SQL does. Neither database reads an
# expression from an index alone unless the columns under it are in the index too, hence
# published at the end.
CREATE = {
    "sqlite": "CREATE INDEX IF NOT EXISTS article_facets_idx ON archive_article "
    "(language_id, (CAST(substr(published, 1, 4) AS integer)), source_name, published, "
    "date_precision)",
    "postgresql": "CREATE INDEX IF NOT EXISTS article_facets_idx ON archive_article "
    "(language_id, (CAST(EXTRACT(YEAR FROM published) AS integer)), source_name, published) "
    "INCLUDE (id, date_precision)",
}


def recreate(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS article_facets_idx")
    schema_editor.execute(CREATE[schema_editor.connection.vendor])


class Migration(migrations.Migration):
    dependencies = [("archive", "0010_thesaurus_data_version")]

    # Going back keeps the wider index, which serves what the narrower one did.
    operations = [migrations.RunPython(recreate, migrations.RunPython.noop)]
