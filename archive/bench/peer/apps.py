from django.apps import AppConfig


class PeerConfig(AppConfig):
    """Installed only for `make bench` (ARCHIVE_BENCH_PEER=1): django-modelsearch's view of
    the articles, so that the benchmark can time the Django peer on the same data."""

    name = "archive.bench.peer"
    label = "bench_peer"
    default_auto_field = "django.db.models.BigAutoField"
