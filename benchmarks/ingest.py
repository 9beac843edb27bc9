"""The ingest benchmark: load_seeds on a synthetic JSON Lines corpus, timed end to end.

Each run is a fresh `manage.py load_seeds` process on a freshly migrated database, so the
time includes start-up, language detection, fingerprints, suggestions and every write, and
the peak memory is that of the whole process (and its workers). Runs side by side:

- `loader`: the real loader, preparing in worker processes (the default);
- `loader, 1 process`: the same with ARCHIVE_INGEST_WORKERS=1;
- `baseline`: the floor: parse each JSON line and bulk-insert it as one paragraph, with no
  reading of the text at all, to show what understanding the articles costs.
"""

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings

from benchmarks.corpus import write_jsonl

BENCH_DIR = Path(settings.BASE_DIR) / "var" / "bench"
POSTGRES_ADMIN_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/archive")
# Loads are timed as a production install runs them, with the archive's settings only; the
# search benchmark measures with the benchmarks' own, which add the Django peer.
ARCHIVE_SETTINGS = "config.settings"
BENCH_SETTINGS = "benchmarks.settings"


@dataclass
class Run:
    database: str
    variant: str
    articles: int
    seconds: float
    peak_mb: float

    @property
    def rate(self):
        return self.articles / self.seconds


def ingest_benchmark(*, articles, databases, variants, out=print):
    corpus = write_jsonl(BENCH_DIR / f"corpus-{articles}.jsonl", count=articles)
    runs = []
    for database in databases:
        for variant in variants:
            url = _fresh_database(database)
            if url is None:
                out(f"skipped {database}: no PostgreSQL answers at {POSTGRES_ADMIN_URL}")
                break
            run = _timed_load(url, database, variant, corpus, articles)
            out(
                f"{run.database:10} {run.variant:18} {run.articles:>8,} articles "
                f"{run.seconds:8.1f} s {run.rate:8.0f}/s  peak {run.peak_mb:6.0f} MB"
            )
            runs.append(run)
    return runs


def stages_benchmark(*, articles, databases, out=print):
    """`benchmarks.stages` on a fresh database of each kind: {database: {stage: ms}}."""
    corpus = write_jsonl(BENCH_DIR / f"corpus-{articles}.jsonl", count=articles)
    results = {}
    for database in databases:
        url = _fresh_database(database)
        if url is None:
            out(f"skipped {database}: no PostgreSQL answers at {POSTGRES_ADMIN_URL}")
            continue
        _catalogue_database(url)
        code = (
            "import json, sys, django; django.setup(); "
            "from benchmarks.stages import stage_costs; "
            "print(json.dumps(stage_costs(corpus=sys.argv[1], articles=int(sys.argv[2]))))"
        )
        finished = subprocess.run(
            [sys.executable, "-c", code, str(corpus), str(articles)],
            env=_environment(url),
            cwd=settings.BASE_DIR,
            check=True,
            capture_output=True,
            text=True,
        )
        results[database] = json.loads(finished.stdout.strip().splitlines()[-1])
    return results


def table(runs, *, reference="loader"):
    """Markdown table with each run's rate as a ratio of the loader's on the same database
    ("–" where the loader was not run there)."""
    lines = [
        "| database | variant | articles | seconds | articles/s | × loader | peak RSS |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        base = next(
            (r for r in runs if r.database == run.database and r.variant == reference), None
        )
        ratio = f"{run.rate / base.rate:.2f}" if base else "–"
        lines.append(
            f"| {run.database} | {run.variant} | {run.articles:,} | {run.seconds:.1f} | "
            f"{run.rate:,.0f} | {ratio} | {run.peak_mb:,.0f} MB |"
        )
    return "\n".join(lines)


def _environment(url, settings_module=ARCHIVE_SETTINGS):
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only",
        "DJANGO_SETTINGS_MODULE": settings_module,
    }


def _manage(url, *args, extra_env=None):
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args]
    env = {**_environment(url), **(extra_env or {})}
    subprocess.run(command, env=env, cwd=settings.BASE_DIR, check=True, stdout=subprocess.DEVNULL)


def _catalogue_database(url):
    """Migrate the fresh database at `url` and load the seeds' catalogue into it, as an
    archive has it before its first large load."""
    _manage(url, "migrate", "--noinput", "-v", "0")
    _manage(url, "load_seeds", "-v", "0", str(Path(settings.BASE_DIR) / "seeds" / "catalogue.yaml"))


def _timed_load(url, database, variant, corpus, articles):
    _catalogue_database(url)
    if variant == "baseline":
        command = [sys.executable, "-c", BASELINE, str(corpus)]
    else:
        command = [sys.executable, "manage.py", "load_seeds", "-v", "0", str(corpus)]
    env = _environment(url)
    if variant == "loader, 1 process":
        env["ARCHIVE_INGEST_WORKERS"] = "1"
    log = BENCH_DIR / "last-run.log"
    with log.open("wb") as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdout=output)
        # wait4 reports the largest resident set of the process and of its workers.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"{variant} on {database} failed: {log.read_text()[-500:]}")
    return Run(database, variant, articles, seconds, usage.ru_maxrss / 1024)


def _fresh_database(database):
    if database == "sqlite":
        path = BENCH_DIR / "ingest.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    admin = dj_database_url.parse(POSTGRES_ADMIN_URL)
    try:
        connection = psycopg.connect(
            host=admin["HOST"] or "127.0.0.1",
            port=admin["PORT"] or 5432,
            user=admin["USER"],
            dbname="postgres",
            autocommit=True,
            connect_timeout=3,
        )
    except psycopg.OperationalError:
        return None
    with connection:
        connection.execute("DROP DATABASE IF EXISTS archive_bench")
        connection.execute("CREATE DATABASE archive_bench")
    user = admin["USER"]
    return f"postgres://{user}@{admin['HOST'] or '127.0.0.1'}:{admin['PORT'] or 5432}/archive_bench"


# The baseline: what storing the same records costs when nothing reads them.
BASELINE = """
import hashlib, json, sys
import django
django.setup()
from archive.models import Article, Language
languages = {}
def language(code):
    if code not in languages:
        languages[code], _ = Language.objects.get_or_create(
            code=code, defaults={"name_en": code, "name_native": code})
    return languages[code]
batch = []
with open(sys.argv[1], "rb") as handle:
    for number, line in enumerate(handle):
        record = json.loads(line)
        batch.append(Article(
            title=record["title"], blocks=[{"kind": "paragraph", "text": record["body"]}],
            language=language(["nl", "fr", "en", "vi", "zh"][number % 5]),
            source_key=record["id"], source_path=sys.argv[1],
            content_hash=hashlib.sha256(line).hexdigest()))
        if len(batch) == 500:
            Article.objects.bulk_create(batch)
            batch = []
Article.objects.bulk_create(batch)
"""
