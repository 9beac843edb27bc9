from django.db import migrations

from archive.search.cache import create_sql, drop_sql

# The tables watched from the start; the thesaurus's came with 0010.
TABLES = (
    "archive_article",
    "archive_article_topics",
    "archive_article_events",
    "archive_topic",
    "archive_event",
    "archive_language",
)


def create(apps, schema_editor):
    for statement in create_sql(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in drop_sql(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("archive", "0006_thesaurus")]

    operations = [migrations.RunPython(create, drop)]
