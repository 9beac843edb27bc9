from django.db import migrations

from archive.accounts import editors_group_sync

# The models editors manage as they stand at this migration: those of 0013, and the tags
# they rejected, which they may also take back (archive.accounts.EDITOR_MODELS).
MODELS = (
    "archive.article",
    "archive.tagsuggestion",
    "archive.tagrejection",
    "archive.event",
    "archive.eventalias",
    "archive.topic",
    "archive.topickeyword",
    "archive.concept",
    "archive.conceptlabel",
    "archive.language",
)
BEFORE = tuple(model for model in MODELS if model != "archive.tagrejection")


def group_sync(apps, schema_editor):
    editors_group_sync(apps=apps, models=MODELS, using=schema_editor.connection.alias)


def group_sync_back(apps, schema_editor):
    editors_group_sync(apps=apps, models=BEFORE, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("archive", "0015_suggestion_rejections")]

    operations = [migrations.RunPython(group_sync, group_sync_back)]
