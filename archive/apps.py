from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from archive import editing, history  # noqa: F401 (connect the receivers)
        from archive.search import signals  # noqa: F401 (connects the receivers)
