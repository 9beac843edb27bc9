from django.apps import AppConfig


class PeerConfig(AppConfig):
    """django-modelsearch's view of the articles, so that the search benchmark can time the
    Django peer on the same data. Installed by the benchmarks' settings only."""

    name = "benchmarks.peer"
    # The label the peer's migrations were recorded under in existing benchmark databases.
    label = "bench_peer"
    default_auto_field = "django.db.models.BigAutoField"
