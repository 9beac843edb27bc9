"""The search benchmark: a fixed mix of 50 queries, timed on the same synthetic corpus through
the search module, the JSON API, django-modelsearch (the Django peer) and tantivy (the
engine's limit), on SQLite and on PostgreSQL.

The corpus is loaded once per size and database by the real loader (`load_seeds`) and kept
under var/bench, so a second run only measures. Each database is measured in a process of
its own (`bench_search --measure`), with the benchmarks' settings, which install the peer.

"Cold" clears the search cache before every query: the cost of a question nobody asked
since the data last changed. "Warm" asks it again: what readers of a popular query get.
"""

import contextlib
import datetime
import itertools
import json
import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy
from django.conf import settings

from benchmarks.corpus import COMMON, vocabulary, write_jsonl
from benchmarks.ingest import BENCH_DIR, BENCH_SETTINGS, POSTGRES_ADMIN_URL, _environment

# Each query is timed this many times; percentiles are over every timing.
REPEATS = int(os.environ.get("BENCH_REPEATS", 3))
# The peer can take seconds a query on a large corpus: it gets one pass, in a shuffled (fixed)
# order, stopped after this long, so that the queries it did answer are a fair sample.
PEER_BUDGET_SECONDS = int(os.environ.get("BENCH_PEER_BUDGET_SECONDS", 600))
# A single peer query is stopped after this long and counted at this time: its percentiles
# are then lower bounds, marked "≥" in the table.
PEER_TIMEOUT_SECONDS = int(os.environ.get("BENCH_PEER_TIMEOUT_SECONDS", 30))


class TimedOut(Exception):
    pass


def queries():
    """The fixed mix: near-universal words, phrases, filters, cross-language and rare terms."""
    universal = [
        "China", "Trump", "VS", "Chine", "中国", "Mỹ", "Beijing", "trade", "États-Unis", "Pékin",
    ]  # fmt: skip
    mix = [(word, {}) for word in universal]
    mix += [
        ("China", {"language": ["nl"]}),
        ("Trump", {"language": ["fr"]}),
        ("Chine", {"date_from": "2022-01-01", "date_to": "2022-12-31"}),
        ("trade", {"language": ["en"], "date_from": "2024-01-01"}),
        ("Trump", {"language": ["nl", "en"]}),
        ("中国", {"date_to": "2019-06-30"}),
        ("Mỹ", {"language": ["vi"], "date_from": "2020-01-01", "date_to": "2021-12-31"}),
        ("Beijing", {"sort": ["newest"]}),
    ]
    mix += [
        ('"Bắc Kinh"', {}),
        ('"Trung Quốc"', {}),
        ('"thương mại"', {}),
        ('"China VS"', {}),
        ('"Chine Trump"', {}),
        ('"中国特朗普"', {}),
    ]
    for language in ("nl", "fr", "en", "vi"):
        words = [w for w in vocabulary(language) if len(w) > 3 and w not in COMMON[language]]
        mix += [(words[20], {}), (words[60], {})]  # middling frequency
        mix += [(words[-5], {})]  # among the rarest
    mix += [("稀土", {}), ("关税", {}), ("习近平", {}), ("trade", {"sort": ["oldest"]})]
    mix += [
        ("Putin", {}),
        ("rare earths", {}),
        ("terres rares", {}),
        ("Xi Jinping", {}),
        ("Taiwan", {}),
        ("dat hiem", {}),
    ]
    mix += [("China -Trump", {}), ("handel OR commerce", {}), ("tarif*", {}), ("sojaboon", {})]
    assert len(mix) == 50, len(mix)
    return mix


@dataclass
class Timing:
    database: str
    variant: str
    p50_ms: float
    p95_ms: float
    count: int
    timed_out: int = 0


def search_benchmark(*, articles, databases, out=print):
    corpus = write_jsonl(BENCH_DIR / f"corpus-{articles}.jsonl", count=articles)
    timings = []
    for database in databases:
        url = _loaded_database(database, articles, corpus, out)
        if url is None:
            out(f"skipped {database}: no PostgreSQL answers at {POSTGRES_ADMIN_URL}")
            continue
        result = BENCH_DIR / f"search-{database}-{articles}.json"
        command = [sys.executable, "manage.py", "bench_search", "--measure", str(result)]
        command += ["--articles", str(articles)]
        env = {**_environment(url, BENCH_SETTINGS), "DJANGO_ALLOWED_HOSTS": "localhost"}
        subprocess.run(command, env=env, cwd=settings.BASE_DIR, check=True)
        timings += [Timing(**row) for row in json.loads(result.read_text())]
    return timings


def table(timings, *, articles):
    """Markdown: p50 and p95 per variant, with p95 as a ratio of tantivy's and the peer's."""
    lines = [
        f"| database | what is timed ({articles:,} articles, 50 queries) | timings | p50 ms "
        "| p95 ms | p95 × tantivy | p95 × modelsearch |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for timing in timings:
        same = [t for t in timings if t.database == timing.database]
        tantivy = next((t for t in same if t.variant.startswith("tantivy")), None)
        peer = next((t for t in same if t.variant.startswith("modelsearch")), None)
        lines.append(
            f"| {timing.database} | {timing.variant} | {timing.count}{_stopped(timing)} "
            f"| {_bound(timing)}{timing.p50_ms:.1f} | {_bound(timing)}{timing.p95_ms:.1f} "
            f"| {_ratio(timing, tantivy)} | {_ratio(timing, peer)} |"
        )
    return "\n".join(lines)


def _stopped(timing):
    return f" ({timing.timed_out} stopped at {PEER_TIMEOUT_SECONDS} s)" if timing.timed_out else ""


def _bound(timing):
    return "≥ " if timing.timed_out else ""


def _ratio(timing, reference):
    return f"{timing.p95_ms / reference.p95_ms:.2f}" if reference else "–"


def _loaded_database(database, articles, corpus, out):
    """A database holding the corpus, loaded by the real loader the first time."""
    if database == "sqlite":
        url = f"sqlite:///{BENCH_DIR / f'search-{articles}.sqlite3'}"
    else:
        url = postgres_database(
            f"archive_search_{articles}",
            loaded_marker=BENCH_DIR / f"search-postgres-{articles}.loaded",
        )
        if url is None:
            return None
    marker = BENCH_DIR / f"search-{database}-{articles}.loaded"
    if not marker.exists():
        out(f"loading {articles:,} articles into {database} (once; kept under {BENCH_DIR})")
        env = _environment(url)
        for args in (["migrate", "--noinput", "-v", "0"], ["load_seeds", "-v", "0", str(corpus)]):
            began = time.perf_counter()
            subprocess.run(
                [sys.executable, "manage.py", *args], env=env, cwd=settings.BASE_DIR, check=True
            )
        seconds = time.perf_counter() - began
        out(f"loaded in {seconds:,.0f} s: {articles / seconds:,.0f} articles/s")
        marker.write_text(datetime.datetime.now().isoformat())
    return url


def postgres_database(name, *, loaded_marker):
    """The URL of the benchmark's PostgreSQL database `name`, created when missing (and then
    `loaded_marker`, the file saying a corpus was loaded into it, removed); None when no
    PostgreSQL answers."""
    import dj_database_url
    import psycopg

    admin = dj_database_url.parse(POSTGRES_ADMIN_URL)
    host, port, user = admin["HOST"] or "127.0.0.1", admin["PORT"] or 5432, admin["USER"]
    try:
        connection = psycopg.connect(
            host=host, port=port, user=user, dbname="postgres", autocommit=True, connect_timeout=3
        )
    except psycopg.OperationalError:
        return None
    with connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            loaded_marker.unlink(missing_ok=True)
    return f"postgres://{user}@{host}:{port}/{name}"


# --- Measuring, inside the process of one database ------------------------------------------


def measure(*, articles, out=print):
    from django.core.management import call_command
    from django.db import connection

    # A corpus kept from an earlier run gets this code's migrations, and the peer its tables.
    call_command("migrate", "--noinput", verbosity=0)
    # A PostgreSQL database in service has its statistics and visibility maps kept by
    # autovacuum (off on some machines, this one included): measure that state, not the one
    # after a bulk load. SQLite runs without statistics (see archive.db.statistics_refresh).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone()[0]:
                cursor.execute("DELETE FROM sqlite_stat1")
                cursor.execute("ANALYZE sqlite_schema")  # reloads the (now empty) statistics

    database = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    mix = queries()
    variants = {
        "search module, cold": _module(cold=True),
        "search module, warm": _module(cold=False),
        "JSON API, cold": _api(cold=True),
        "JSON API, warm": _api(cold=False),
    }
    # Indexing a million articles takes the peer most of an hour: BENCH_PEER=0 skips it.
    if os.environ.get("BENCH_PEER") != "0":
        variants["modelsearch (peer)"] = _peer(out)
    variants["tantivy (limit)"] = _tantivy(articles, out)
    timings = []
    for variant, run in variants.items():
        is_peer = variant.startswith("modelsearch")
        repeats = 1 if is_peer else REPEATS
        order = random.Random(7).sample(mix, len(mix)) if is_peer else mix
        with contextlib.suppress(TimedOut):
            run(*mix[0])  # warms the process: imports, connections, the thesaurus
        samples, began, timed_out = [], time.perf_counter(), 0
        for q, filters in order:
            if is_peer and time.perf_counter() - began > PEER_BUDGET_SECONDS:
                out(f"{variant}: stopped after {len(samples)} queries ({PEER_BUDGET_SECONDS} s)")
                break
            if variant.endswith("warm"):
                run(q, filters)  # asked once before, as a popular query has been
            for _ in range(repeats):
                start = time.perf_counter()
                try:
                    run(q, filters)
                except TimedOut:
                    timed_out += 1
                samples.append((time.perf_counter() - start) * 1000)
        timing = Timing(
            database,
            variant,
            float(numpy.percentile(samples, 50)),
            float(numpy.percentile(samples, 95)),
            len(samples),
            timed_out,
        )
        out(f"{database:10} {variant:22} p50 {timing.p50_ms:9.1f} ms  p95 {timing.p95_ms:9.1f} ms")
        timings.append(timing)
    return timings


def _filterset_data(q, filters):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data["q"] = q
    for name, value in filters.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


def _module(*, cold):
    from django.core.cache import cache

    from archive.filters import ArticleFilter
    from archive.models import Article

    def run(q, filters):
        if cold:
            cache.clear()
        search = ArticleFilter(_filterset_data(q, filters), queryset=Article.objects.all()).search()
        list(search.results[0:20])
        search.count()
        search.facets()

    return run


def _api(*, cold):
    from django.core.cache import cache
    from django.test import Client

    client = Client(HTTP_HOST="localhost")

    def run(q, filters):
        if cold:
            cache.clear()
        response = client.get("/api/articles/", _filterset_data(q, filters))
        if response.status_code != 200:
            raise RuntimeError(f"{q!r} {filters}: {response.status_code} {response.content[:200]}")

    return run


def _peer(out):
    from django.core.management import call_command
    from modelsearch.models import IndexEntry
    from modelsearch.utils import parse_query_string

    from archive.models import Language
    from benchmarks.peer.models import PeerArticle

    if IndexEntry.objects.count() < PeerArticle.objects.count():
        out("indexing the corpus with django-modelsearch (once)")
        call_command("rebuild_modelsearch_index", verbosity=0)
    languages = dict(Language.objects.values_list("code", "pk"))

    def run(q, filters):
        with _deadline(PEER_TIMEOUT_SECONDS):
            _peer_search(q, filters)

    def _peer_search(q, filters):
        articles = PeerArticle.objects.all()
        if "language" in filters:
            articles = articles.filter(language_id__in=[languages[c] for c in filters["language"]])
        if "date_from" in filters:
            articles = articles.filter(published__gte=filters["date_from"])
        if "date_to" in filters:
            articles = articles.filter(published__lte=filters["date_to"])
        _, query = parse_query_string(q, operator="and")
        results = articles.search(query, operator="and")
        list(results[:20])
        results.count()
        results.facet("language_id")

    return run


@contextlib.contextmanager
def _deadline(seconds):
    """Stop the database query running after `seconds`: TimedOut instead of waiting."""
    from django.db import OperationalError, connection

    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [f"{seconds}s"])
        timer = None
    else:
        timer = threading.Timer(seconds, connection.connection.interrupt)
        timer.start()
    try:
        yield
    except OperationalError as error:
        raise TimedOut from error
    finally:
        if timer:
            timer.cancel()
        else:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")


def _tantivy(articles, out, *, counts=False):
    """A run(q, filters) timing tantivy, or with `counts` one returning its match count."""
    import tantivy

    from archive.models import Language
    from archive.search.query import Phrase, Term, expand, parse
    from archive.search.thesaurus import thesaurus

    path = BENCH_DIR / f"tantivy-{articles}"
    schema = _tantivy_schema()
    if not (path / "meta.json").exists():
        out("indexing the corpus with tantivy (once)")
        _tantivy_build(path, schema)
    index = tantivy.Index.open(str(path))
    searcher = index.searcher()
    words = thesaurus()
    languages = dict(Language.objects.values_list("code", "pk"))
    Occur = tantivy.Occur

    def node_query(node):
        if isinstance(node, Term):
            options = [
                tantivy.Query.regex_query(schema, "text", _regex_literal(form) + ".*")
                if node.prefix
                else tantivy.Query.term_query(schema, "text", form)
                for form in node.forms
            ]
        elif isinstance(node, Phrase):
            options = [
                tantivy.Query.phrase_query(schema, "text", list(words_))
                for words_ in itertools.product(*(term.forms for term in node.terms))
            ]
        else:
            options = [node_query(option) for option in node.options]
        if len(options) == 1:
            return options[0]
        return tantivy.Query.boolean_query([(Occur.Should, option) for option in options])

    def run(q, filters):
        parsed, _ = expand(parse(q), words)
        clauses = [(Occur.Must, node_query(node)) for node in parsed.required]
        clauses += [(Occur.MustNot, node_query(node)) for node in parsed.excluded]
        if "language" in filters:
            codes = [languages[code] for code in filters["language"]]
            clauses.append((Occur.Must, tantivy.Query.term_set_query(schema, "language", codes)))
        if "date_from" in filters or "date_to" in filters:
            clauses.append(
                (
                    Occur.Must,
                    tantivy.Query.range_query(
                        schema,
                        "day",
                        tantivy.FieldType.Integer,
                        _day(filters.get("date_from", "1900-01-01")),
                        _day(filters.get("date_to", "2999-12-31")),
                    ),
                )
            )
        query = tantivy.Query.boolean_query(clauses)
        result = searcher.search(query, limit=20, count=True)
        if counts:
            return result.count
        [searcher.doc(address) for _, address in result.hits]
        searcher.aggregate(query, {"language": {"terms": {"field": "language"}}})

    return run


def _regex_literal(text):
    return "".join(f"\\{c}" if not c.isalnum() else c for c in text)


def _day(iso):
    return (datetime.date.fromisoformat(iso) - datetime.date(1970, 1, 1)).days


def _tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, fast=True, indexed=True)
    # The archive's own analysed terms, so tantivy answers exactly the same question.
    builder.add_text_field("text", tokenizer_name="whitespace")
    builder.add_integer_field("language", fast=True, indexed=True)
    builder.add_integer_field("day", fast=True, indexed=True)
    return builder.build()


def _tantivy_build(path, schema):
    """Index the corpus's analysed terms, as the archive's own index holds them."""
    import tantivy
    from django.db import connection

    from archive.models import Article
    from archive.search.backends.base import FIELDS, TABLE
    from archive.search.documents import article_terms

    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, path=str(path))
    writer = index.writer(heap_size=256_000_000)
    if connection.vendor == "sqlite":
        # The FTS5 table holds the terms as text: reading them is much faster than analysing.
        cursor = connection.cursor()
        cursor.execute(
            f"SELECT a.id, a.language_id, a.published, {', '.join('s.' + f for f in FIELDS)} "
            f"FROM {TABLE} s JOIN {Article._meta.db_table} a ON a.id = s.rowid"
        )
        rows = ((pk, lang, published, " ".join(fields)) for pk, lang, published, *fields in cursor)
    else:
        articles = Article.objects.select_related("language").iterator(chunk_size=2000)
        rows = (
            (
                article.pk,
                article.language_id,
                article.published,
                " ".join(" ".join(article_terms(article)[name]) for name in FIELDS),
            )
            for article in articles
        )
    for pk, language_id, published, text in rows:
        day = _day(str(published)[:10]) if published else -1
        writer.add_document(tantivy.Document(id=pk, text=text, language=language_id, day=day))
    writer.commit()
    writer.wait_merging_threads()


def write_results(path, timings):
    Path(path).write_text(json.dumps([t.__dict__ for t in timings], indent=2))
