from django.db import migrations

from archive.search.cache import drop_triggers_sql, triggers_sql

# Search keeps the thesaurus with its answers: writing to it renews the data version too.
TABLES = ("archive_concept", "archive_conceptlabel")


def create(apps, schema_editor):
    for statement in triggers_sql(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in drop_triggers_sql(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("archive", "0009_facets_index")]

    operations = [migrations.RunPython(create, drop)]
