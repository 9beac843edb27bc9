from django.db import migrations

from archive.search.index import FACETS_INDEX, facets_index_sql


def create(apps, schema_editor):
    for statement in facets_index_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {FACETS_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("archive", "0008_search_headline")]

    operations = [migrations.RunPython(create, drop)]
