from django.db import migrations


def create_table(apps, schema_editor):
    """PostgreSQL only: the list of common terms whose pairs the index holds, empty until
    chosen (by rebuild_search_index, or a first large load): nothing changes until then. An
    index 0005 makes has it already."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE TABLE IF NOT EXISTS archive_search_common (term text PRIMARY KEY)"
        )


def drop_table(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS archive_search_common")


class Migration(migrations.Migration):
    dependencies = [("archive", "0011_facets_index_precision")]

    operations = [migrations.RunPython(create_table, drop_table)]
