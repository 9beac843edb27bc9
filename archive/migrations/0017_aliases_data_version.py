from django.db import migrations

# Whole public pages are kept under the data version too (archive.views.read_only), and an
# event's page shows its names in other languages, a topic's its keywords: writing to
# either renews the version, as 0007 and 0010 do for the tables search reads.
TABLES = ("archive_eventalias", "archive_topickeyword")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
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
    dependencies = [("archive", "0016_editors_manage_rejections")]

    operations = [migrations.RunPython(create, drop)]
