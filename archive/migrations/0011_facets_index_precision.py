from django.db import migrations

from archive.search.index import FACETS_INDEX, facets_index_sql


def recreate(apps, schema_editor):
    """The facets index, now with each article's date precision (see facets_index_sql)."""
    schema_editor.execute(f"DROP INDEX IF EXISTS {FACETS_INDEX}")
    for statement in facets_index_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("archive", "0010_thesaurus_data_version")]

    # Going back keeps the wider index, which serves what the narrower one did.
    operations = [migrations.RunPython(recreate, migrations.RunPython.noop)]
