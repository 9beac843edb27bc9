from django.db import migrations

# The tables watched from the start; the thesaurus's came with 0010.
TABLES = (
    "archive_article",
    "archive_article_topics",
    "archive_article_events",
    "archive_topic",
    "archive_event",
    "archive_language",
)
TABLE = "archive_dataversion"


def triggers_sql(vendor, tables):
    """Triggers renewing the token on every write to `tables`, frozen as this migration made
    them (0010 makes the same for the thesaurus's tables)."""
    if vendor == "postgresql":
        # Once per statement: a loader's COPY of a thousand rows renews it once.
        return [
            f"CREATE TRIGGER {table}_renews_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION archive_dataversion_renew()"
            for table in tables
        ]
    return [
        f"CREATE TRIGGER {table}_{operation.lower()}_renews_version "
        f"AFTER {operation} ON {table} BEGIN "
        f"INSERT INTO {TABLE} (id, token) VALUES (1, lower(hex(randomblob(16)))) "
        "ON CONFLICT (id) DO UPDATE SET token = excluded.token; END"
        for table in tables
        for operation in ("INSERT", "UPDATE", "DELETE")
    ]


def drop_triggers_sql(vendor, tables):
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {t}_renews_version ON {t}" for t in tables]
    return [
        f"DROP TRIGGER IF EXISTS {t}_{op}_renews_version"
        for t in tables
        for op in ("insert", "update", "delete")
    ]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = [f"CREATE TABLE {TABLE} (id integer PRIMARY KEY, token varchar(32) NOT NULL)"]
    if vendor == "postgresql":
        statements.append(
            "CREATE FUNCTION archive_dataversion_renew() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN INSERT INTO {TABLE} (id, token) "
            "VALUES (1, md5(random()::text || clock_timestamp()::text)) "
            "ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token; RETURN NULL; END $$"
        )
    for statement in statements + triggers_sql(vendor, TABLES):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = drop_triggers_sql(vendor, TABLES)
    if vendor == "postgresql":
        statements.append("DROP FUNCTION IF EXISTS archive_dataversion_renew()")
    for statement in [*statements, f"DROP TABLE IF EXISTS {TABLE}"]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("archive", "0006_thesaurus")]

    operations = [migrations.RunPython(create, drop)]
