"""Settings for the benchmarks: the archive's own, plus what only the benchmarks need.

    python manage.py bench_ingest --settings=benchmarks.settings
    python manage.py bench_search --settings=benchmarks.settings

- `benchmarks`, an app so that its management commands (bench_ingest, bench_search) are found;
- the search benchmark's Django peer: django-modelsearch's view of the articles
  (benchmarks.peer), with django-tasks, which modelsearch needs. BENCH_PEER=0 leaves it out
  of the timings (benchmarks.search), as indexing a large corpus takes it most of an hour.

A production install never loads these: config.settings knows nothing of them.
"""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks", "django_tasks", "modelsearch", "benchmarks.peer"]
MODELSEARCH_BACKENDS = {"default": {"BACKEND": "modelsearch.backends.database"}}
