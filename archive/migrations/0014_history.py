import archive.kinds
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0013_editors_group"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalArticle",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=500, verbose_name="headline")),
                (
                    "title_is_derived",
                    models.BooleanField(
                        default=False,
                        help_text="The file had no headline; this one was made from its first sentence.",
                        verbose_name="title derived",
                    ),
                ),
                (
                    "title_en",
                    models.CharField(blank=True, max_length=500, verbose_name="English headline"),
                ),
                ("standfirst", models.TextField(blank=True)),
                (
                    "blocks",
                    models.JSONField(
                        blank=True,
                        default=list,
                        encoder=archive.kinds.UnicodeJSONEncoder,
                        help_text='The text after the standfirst, in order: [{"kind": "paragraph" | "subheading" | "caption", "text": "..."}].',
                    ),
                ),
                (
                    "published",
                    models.DateField(
                        blank=True,
                        help_text="For a month or a year, any day in it will do; it is stored as the first.",
                        null=True,
                        verbose_name="publication date",
                    ),
                ),
                (
                    "date_precision",
                    models.CharField(
                        choices=[
                            ("day", "Day"),
                            ("month", "Month"),
                            ("year", "Year"),
                            ("unknown", "Unknown"),
                        ],
                        default="unknown",
                        max_length=8,
                    ),
                ),
                (
                    "date_approximate",
                    models.BooleanField(
                        default=False,
                        help_text="The date was inferred from the text, not printed with it.",
                    ),
                ),
                ("source_name", models.CharField(blank=True, max_length=200)),
                ("source_url", models.URLField(blank=True, max_length=1000)),
                (
                    "source_path",
                    models.CharField(
                        blank=True,
                        help_text="The file the article was loaded from.",
                        max_length=1000,
                    ),
                ),
                (
                    "source_key",
                    models.CharField(
                        blank=True,
                        db_index=True,
                        editable=False,
                        help_text="What identifies this record across loads: its URL, or its file and part.",
                        max_length=1100,
                        null=True,
                    ),
                ),
                (
                    "content_hash",
                    models.CharField(
                        db_index=True,
                        editable=False,
                        help_text="SHA-256 of the normalised text; the same text is never stored twice.",
                        max_length=64,
                    ),
                ),
                (
                    "source_hash",
                    models.CharField(
                        blank=True,
                        editable=False,
                        help_text="SHA-256 of the source file and its metadata when last loaded.",
                        max_length=64,
                    ),
                ),
                ("simhash", models.BigIntegerField(editable=False, null=True)),
                ("simhash_band_0", models.IntegerField(db_index=True, editable=False, null=True)),
                ("simhash_band_1", models.IntegerField(db_index=True, editable=False, null=True)),
                ("simhash_band_2", models.IntegerField(db_index=True, editable=False, null=True)),
                ("simhash_band_3", models.IntegerField(db_index=True, editable=False, null=True)),
                (
                    "translation_of_ref",
                    models.CharField(
                        blank=True,
                        help_text="The file or URL named as the original, kept until that article is loaded.",
                        max_length=1000,
                    ),
                ),
                (
                    "edited_fields",
                    models.JSONField(
                        blank=True,
                        default=list,
                        editable=False,
                        help_text="Fields an editor changed; reloading the source never overwrites them.",
                    ),
                ),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("updated_at", models.DateTimeField(blank=True, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "language",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="archive.language",
                    ),
                ),
                (
                    "near_duplicate_of",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Flagged by the loader: the same story, perhaps under another headline.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="archive.article",
                    ),
                ),
                (
                    "translation_of",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The original that this article translates.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="archive.article",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical article",
                "verbose_name_plural": "historical articles",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalConcept",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(db_index=True, max_length=200)),
                (
                    "kind",
                    models.CharField(
                        choices=[("person", "Person"), ("place", "Place"), ("subject", "Subject")],
                        default="subject",
                        max_length=8,
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical concept",
                "verbose_name_plural": "historical concepts",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalEvent",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=300)),
                ("slug", models.SlugField(max_length=200)),
                ("start_date", models.DateField(blank=True, null=True)),
                (
                    "end_date",
                    models.DateField(
                        blank=True, help_text="Leave empty for a single-day event.", null=True
                    ),
                ),
                (
                    "date_precision",
                    models.CharField(
                        choices=[
                            ("day", "Day"),
                            ("month", "Month"),
                            ("year", "Year"),
                            ("unknown", "Unknown"),
                        ],
                        default="day",
                        max_length=8,
                    ),
                ),
                ("place", models.CharField(blank=True, max_length=200)),
                ("description", models.TextField(blank=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical event",
                "verbose_name_plural": "historical events",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalTopic",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(db_index=True, max_length=200)),
                ("slug", models.SlugField(max_length=200)),
                ("description", models.TextField(blank=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical topic",
                "verbose_name_plural": "historical topics",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
