"""The pages benchmark: the reader's pages timed in-process through Django's test Client (the
full middleware stack, URL routing, views, templates), cold and warm, with the number of
database queries each makes, on SQLite and on PostgreSQL.

The pages: the home page, the event and the topic with the most articles, the language with
the most articles, the article list and a search for the most common word of the search
benchmark's mix. A page with nothing to show (no event in the database) is left out of the
table and named.

The corpus is the search benchmark's synthetic one (`benchmarks.corpus`) with the seeds'
catalogue and confirmed topics and events added to each record, drawn from a Zipf
distribution as a real archive's are (a few large topics and events, many small ones): the
search benchmark's corpus has no confirmed tags, so its topic and event pages would be
empty. It is loaded once per size and database by the real loader and kept under var/bench
(`pages-<articles>.sqlite3`, the PostgreSQL database `archive_pages_<articles>`); each
database is measured in a process of its own (`bench_pages --measure`).

"Cold" clears the cache (search answers and anything else kept there) before every request:
the first reader after the data changed. "Warm" asks the page once first: what readers of a
popular page get. The database's own page cache is warm in both.
"""

import datetime
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy
import yaml
from django.conf import settings

from benchmarks import search
from benchmarks.corpus import articles as corpus_articles
from benchmarks.corpus import write_jsonl
from benchmarks.ingest import BENCH_DIR, BENCH_SETTINGS, POSTGRES_ADMIN_URL, _environment

# Each page is timed this many times cold and as many warm; percentiles are over them.
REPEATS = int(os.environ.get("BENCH_PAGES_REPEATS", 20))
SEED = 20251122
# Share of articles about any event (the rest are background coverage), and the Zipf
# exponent over the catalogue's topics and events in their catalogue order.
EVENT_SHARE = 0.3
TAG_EXPONENT = 1.0


@dataclass
class Timing:
    database: str
    page: str
    path: str
    cold_p50_ms: float
    cold_p95_ms: float
    warm_p50_ms: float
    warm_p95_ms: float
    cold_queries: int
    warm_queries: int


def common_word():
    """The search benchmark's first near-universal word: the query every reader types."""
    return search.queries()[0][0]


def catalogue_path():
    return Path(settings.BASE_DIR) / "seeds" / "catalogue.yaml"


def _catalogue_slugs():
    catalogue = yaml.safe_load(catalogue_path().read_text(encoding="utf-8"))
    return [t["slug"] for t in catalogue["topics"]], [e["slug"] for e in catalogue["events"]]


def tagged_articles(*, count, seed=SEED):
    """The corpus's records with confirmed `topics` (one or two) and, for some, an `event`."""
    topics, events = _catalogue_slugs()
    rng = random.Random(seed)
    topic_weights = [1 / rank**TAG_EXPONENT for rank in range(1, len(topics) + 1)]
    event_weights = [1 / rank**TAG_EXPONENT for rank in range(1, len(events) + 1)]
    for record in corpus_articles(count=count, seed=seed):
        chosen = set(rng.choices(topics, weights=topic_weights, k=rng.choice([1, 1, 2])))
        record["topics"] = sorted(chosen)
        if rng.random() < EVENT_SHARE:
            record["events"] = rng.choices(events, weights=event_weights)
        yield record


def write_corpus(path, *, count, seed=SEED):
    """The tagged corpus as JSON Lines; regenerated only when missing or of another size."""
    return write_jsonl(path, count=count, seed=seed, records=tagged_articles)


def pages_benchmark(*, articles, databases, repeats=REPEATS, out=print):
    """([Timing] of every database, [pages not timed])."""
    corpus = write_corpus(BENCH_DIR / f"corpus-pages-{articles}.jsonl", count=articles)
    timings, missing = [], []
    for database in databases:
        url = _loaded_database(database, articles, corpus, out)
        if url is None:
            out(f"skipped {database}: no PostgreSQL answers at {POSTGRES_ADMIN_URL}")
            continue
        result = BENCH_DIR / f"pages-{database}-{articles}.json"
        command = [sys.executable, "manage.py", "bench_pages", "--measure", str(result)]
        command += ["--articles", str(articles), "--repeats", str(repeats)]
        env = {**_environment(url, BENCH_SETTINGS), "DJANGO_ALLOWED_HOSTS": "localhost"}
        subprocess.run(command, env=env, cwd=settings.BASE_DIR, check=True)
        measured = json.loads(result.read_text())
        timings += [Timing(**row) for row in measured["timings"]]
        missing += [name for name in measured["missing"] if name not in missing]
    return timings, missing


def _loaded_database(database, articles, corpus, out):
    """A database holding the tagged corpus, loaded by the real loader the first time."""
    if database == "sqlite":
        url = f"sqlite:///{BENCH_DIR / f'pages-{articles}.sqlite3'}"
    else:
        url = search.postgres_database(
            f"archive_pages_{articles}",
            loaded_marker=BENCH_DIR / f"pages-postgres-{articles}.loaded",
        )
        if url is None:
            return None
    marker = BENCH_DIR / f"pages-{database}-{articles}.loaded"
    if not marker.exists():
        out(f"loading {articles:,} articles into {database} (once; kept under {BENCH_DIR})")
        env = _environment(url)
        began = time.perf_counter()
        for args in (
            ["migrate", "--noinput", "-v", "0"],
            ["load_seeds", "-v", "0", str(catalogue_path())],
            ["load_seeds", "-v", "0", str(corpus)],
        ):
            subprocess.run(
                [sys.executable, "manage.py", *args], env=env, cwd=settings.BASE_DIR, check=True
            )
        out(f"loaded in {time.perf_counter() - began:,.0f} s")
        marker.write_text(datetime.datetime.now().isoformat())
    return url


def table(timings, *, articles, skipped=()):
    lines = [
        f"| database | page ({articles:,} articles) | path | cold p50 ms | cold p95 ms "
        "| warm p50 ms | warm p95 ms | queries cold | queries warm |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in timings:
        lines.append(
            f"| {t.database} | {t.page} | `{t.path}` | {t.cold_p50_ms:.1f} | {t.cold_p95_ms:.1f} "
            f"| {t.warm_p50_ms:.1f} | {t.warm_p95_ms:.1f} | {t.cold_queries} | {t.warm_queries} |"
        )
    if skipped:
        lines.append("")
        lines.append(
            f"Not timed (no such route, or nothing to show): {', '.join(sorted(set(skipped)))}."
        )
    return "\n".join(lines)


# --- Measuring, inside the process of one database ------------------------------------------


def measure(*, repeats=REPEATS, out=print):
    """Migrate and settle the database in DATABASE_URL as the search benchmark does, then
    time its pages."""
    from django.core.management import call_command
    from django.test import override_settings

    call_command("migrate", "--noinput", verbosity=0)
    # Pages name their stylesheet by its hashed name, as in production: collected once here,
    # apart from the development server's var/staticfiles.
    with override_settings(STATIC_ROOT=BENCH_DIR / "staticfiles"):
        call_command("collectstatic", "--noinput", verbosity=0)
        _settle_database()
        return time_pages(repeats=repeats, out=out)


def _settle_database():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            # SQLite serves readers without statistics (archive.db.statistics_refresh).
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone()[0]:
                cursor.execute("DELETE FROM sqlite_stat1")
                cursor.execute("ANALYZE sqlite_schema")


def pages():
    """[(name, path)] of the pages timed, and the names of those with nothing to show."""
    from django.db.models import Count
    from django.urls import reverse

    from archive.models import Event, Language, Topic

    def largest(model, key):
        row = (
            model.objects.annotate(size=Count("articles"))
            .order_by("-size", key)
            .values_list(key, flat=True)
            .first()
        )
        return [row] if row is not None else None

    wanted = [
        ("home", "home", []),
        ("event, most articles", "event_detail", largest(Event, "slug")),
        ("topic, most articles", "topic_detail", largest(Topic, "slug")),
        ("language, most articles", "language_detail", largest(Language, "code")),
        ("article list", "article_list", []),
        (f"search “{common_word()}”", "article_list", []),
    ]
    found, missing = [], []
    for name, route, args in wanted:
        if args is None:
            missing.append(f"{name} (nothing in the database)")
            continue
        path = reverse(route, args=args)
        if name.startswith("search"):
            path += f"?q={common_word()}"
        found.append((name, path))
    return found, missing


def time_pages(*, repeats=REPEATS, out=print):
    """Timings of each page on the database in use: ([Timing], [names not timed])."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    database = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    client = Client(HTTP_HOST="localhost")

    def get(path):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.content[:300]!r}")
        return response

    def timed(path, *, cold):
        samples = []
        for _ in range(repeats):
            if cold:
                cache.clear()
            start = time.perf_counter()
            get(path)
            samples.append((time.perf_counter() - start) * 1000)
        return samples

    def queries(path, *, cold):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            get(path)
        return len(captured)

    found, missing = pages()
    timings = []
    for name, path in found:
        get(path)  # warms the process: imports, connections, templates, the thesaurus
        cold = timed(path, cold=True)
        cold_queries = queries(path, cold=True)
        get(path)
        warm = timed(path, cold=False)
        warm_queries = queries(path, cold=False)
        timing = Timing(
            database,
            name,
            path,
            float(numpy.percentile(cold, 50)),
            float(numpy.percentile(cold, 95)),
            float(numpy.percentile(warm, 50)),
            float(numpy.percentile(warm, 95)),
            cold_queries,
            warm_queries,
        )
        out(
            f"{database:10} {name:26} cold p50 {timing.cold_p50_ms:8.1f} ms "
            f"p95 {timing.cold_p95_ms:8.1f} ms  warm p50 {timing.warm_p50_ms:8.1f} ms "
            f"p95 {timing.warm_p95_ms:8.1f} ms  queries {cold_queries}/{warm_queries}"
        )
        timings.append(timing)
    for name in missing:
        out(f"{database:10} not timed: {name}")
    return timings, missing


def write_results(path, timings, missing):
    rows = [t.__dict__ for t in timings]
    Path(path).write_text(json.dumps({"timings": rows, "missing": missing}, indent=2))
