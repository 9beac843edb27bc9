from django.db import migrations

from archive.accounts import editors_group_remove, editors_group_sync

# The models editors manage as they stand at this migration (archive.accounts.EDITOR_MODELS
# may name later ones, which do not exist yet on a fresh database when this runs).
MODELS = (
    "archive.article",
    "archive.tagsuggestion",
    "archive.event",
    "archive.eventalias",
    "archive.topic",
    "archive.topickeyword",
    "archive.concept",
    "archive.conceptlabel",
    "archive.language",
)


def group_create(apps, schema_editor):
    editors_group_sync(apps=apps, models=MODELS, using=schema_editor.connection.alias)


def group_remove(apps, schema_editor):
    editors_group_remove(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0012_search_common_terms"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(group_create, group_remove)]
