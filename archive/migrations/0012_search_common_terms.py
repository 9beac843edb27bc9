from django.db import migrations

from archive.search.index import common_sql


def create_table(apps, schema_editor):
    """PostgreSQL only: the list of common terms whose pairs the index holds, empty until
    chosen (archive.search.index.common_terms). Nothing changes until then."""
    if schema_editor.connection.vendor == "postgresql":
        for statement in common_sql():
            schema_editor.execute(statement)


def drop_table(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS archive_search_common")


class Migration(migrations.Migration):
    dependencies = [("archive", "0011_facets_index_precision")]

    operations = [migrations.RunPython(create_table, drop_table)]
