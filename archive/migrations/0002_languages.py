from django.db import migrations

from archive.languages import KNOWN_LANGUAGES


def add_languages(apps, schema_editor):
    Language = apps.get_model("archive", "Language")
    for code, (english, native) in KNOWN_LANGUAGES.items():
        Language.objects.get_or_create(
            code=code, defaults={"name_en": english, "name_native": native}
        )


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [migrations.RunPython(add_languages, migrations.RunPython.noop)]
