from django.db import migrations

from archive.search.cache import create_sql, drop_sql


def create(apps, schema_editor):
    for statement in create_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("archive", "0006_thesaurus")]

    operations = [migrations.RunPython(create, drop)]
