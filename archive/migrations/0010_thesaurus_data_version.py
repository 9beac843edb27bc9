from django.db import migrations

# Search keeps the thesaurus with its answers: writing to it renews the data version too.
TABLES = ("archive_concept", "archive_conceptlabel")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Once per statement, as 0007's triggers.
        statements = [
            f"CREATE TRIGGER {table}_renews_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION archive_dataversion_renew()"
            for table in TABLES
        ]
    else:
        statements = [
            f"CREATE TRIGGER {table}_{operation.lower()}_renews_version "
            f"AFTER {operation} ON {table} BEGIN "
            "INSERT INTO archive_dataversion (id, token) VALUES (1, lower(hex(randomblob(16)))) "
            "ON CONFLICT (id) DO UPDATE SET token = excluded.token; END"
            for table in TABLES
            for operation in ("INSERT", "UPDATE", "DELETE")
        ]
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = [f"DROP TRIGGER IF EXISTS {t}_renews_version ON {t}" for t in TABLES]
    else:
        statements = [
            f"DROP TRIGGER IF EXISTS {t}_{op}_renews_version"
            for t in TABLES
            for op in ("insert", "update", "delete")
        ]
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("archive", "0009_facets_index")]

    operations = [migrations.RunPython(create, drop)]
