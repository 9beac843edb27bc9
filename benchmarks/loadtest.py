"""The load test: the archive served as in production (`make serve`: gunicorn, debug off) on
PostgreSQL, driven from a second process by wrk (Debian's package) over a mix of what readers
ask, while the loader may be adding articles.

The database is a fresh copy of the pages benchmark's corpus (`benchmarks.pages`: the search
benchmark's synthetic articles with topics and events), loaded once by the real loader and
kept; each run copies it (`CREATE DATABASE … TEMPLATE`), so that the loads made during a run
never change the next run's data.

The mix (`mix()`) is a list of paths, walked in turn by each of wrk's connections: the home
page, searches for common and rare words with and without filters and on pages 1 to 3,
facet clicks (a topic, an event, a year, a language added to a list), article pages, event
and topic pages, the indexes and the API. Every path is asked once before the timed run
("warm"), as a popular site's pages are; `--cold` skips that.
"""

import datetime
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from django.conf import settings

from benchmarks import pages, search
from benchmarks.corpus import write_jsonl
from benchmarks.ingest import BENCH_DIR, POSTGRES_ADMIN_URL

SEED = 20261201
LUA = Path(__file__).with_name("loadtest.lua")


@dataclass
class Phase:
    """One timed run of wrk: what it measured, and the workers' peak memory meanwhile."""

    name: str
    wrk: dict
    worker_peak_mb: list

    @property
    def per_second(self):
        return self.wrk["requests"] / self.wrk["seconds"]

    @property
    def errors(self):
        statuses = self.wrk["statuses"]
        kinds = {
            "connect": self.wrk["connect_errors"],
            "read": self.wrk["read_errors"],
            "write": self.wrk["write_errors"],
            "timeout": self.wrk["timeouts"],
        }
        kinds.update({f"HTTP {code}": n for code, n in statuses.items() if code[0] != "2"})
        return {kind: n for kind, n in kinds.items() if n}


@dataclass
class Outcome:
    articles: int
    seconds: int
    connections: int
    workers: int
    threads: int
    paths: int
    warm: bool
    cache: str
    loaded_during: int
    phases: list = field(default_factory=list)
    warm_up_seconds: float = 0.0
    warm_up_errors: list = field(default_factory=list)
    load_result: str = ""


REDIS_URL = "redis://127.0.0.1:6379/0"
# The load test's keys in Redis, apart from anything else it holds.
CACHE_PREFIX = "archive-loadtest"


def loadtest(
    *,
    articles,
    seconds=60,
    connections=16,
    warm=True,
    load_during=2000,
    redis_url=REDIS_URL,
    out=print,
):
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed; `make loadtest` installs Debian's package.")
    corpus = pages.write_corpus(BENCH_DIR / f"corpus-pages-{articles}.jsonl", count=articles)
    template = pages._loaded_database("postgres", articles, corpus, out)
    if template is None:
        raise RuntimeError(f"no PostgreSQL answers at {POSTGRES_ADMIN_URL}")
    url = _fresh_copy(template, f"archive_loadtest_{articles}")
    paths = mix(url)
    paths_file = BENCH_DIR / f"loadtest-paths-{articles}.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    new_articles = None
    if load_during:
        # Articles of their own (another seed), so that the load adds rather than skips.
        new_articles = write_jsonl(
            BENCH_DIR / f"loadtest-new-{load_during}.jsonl", count=load_during, seed=SEED
        )
    if redis_url:
        # As in production: one cache for both workers, without an earlier run's pages.
        import redis

        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"{CACHE_PREFIX}:*"):
            client.delete(key)
    server = Server(url, redis_url=redis_url)
    out(f"serving {articles:,} articles with `make serve` at {server.base}")
    server.start()
    try:
        outcome = Outcome(
            articles=articles,
            seconds=seconds,
            connections=connections,
            workers=server.workers,
            threads=server.threads,
            paths=len(paths),
            warm=warm,
            cache="Redis" if redis_url else "each process's memory",
            loaded_during=load_during,
        )
        if warm:
            began = time.perf_counter()
            outcome.warm_up_errors = server.ask_each(paths)
            outcome.warm_up_seconds = time.perf_counter() - began
            out(f"asked each of {len(paths):,} paths once in {outcome.warm_up_seconds:,.0f} s")
        out(f"wrk: {connections} connections, {seconds} s, {len(paths):,} paths")
        outcome.phases.append(_phase("steady", server, paths_file, outcome))
        if new_articles:
            out(f"wrk again, while the loader adds {load_during:,} articles")
            loader = threading.Thread(
                target=_load_later, args=(server, new_articles, outcome, seconds / 12)
            )
            loader.start()
            outcome.phases.append(_phase("while loading", server, paths_file, outcome))
            loader.join()
    finally:
        server.stop()
        _drop(url)
    return outcome


def _phase(name, server, paths_file, outcome):
    sampler = MemorySampler(server.worker_pids())
    sampler.start()
    measured = _wrk(
        server.base, paths_file, seconds=outcome.seconds, connections=outcome.connections
    )
    sampler.stop()
    return Phase(name=name, wrk=measured, worker_peak_mb=sampler.peaks_mb())


def _load_later(server, path, outcome, delay):
    time.sleep(delay)
    began = time.perf_counter()
    # At a lower priority, as docs/deploying.md advises for a load on a serving machine: the
    # readers' requests come first, the load takes what they leave.
    result = server.manage("load_seeds", "-v", "1", str(path), nice=10)
    took = time.perf_counter() - began
    last = (result.stdout.strip().splitlines() or [""])[-1]
    outcome.load_result = (
        f"exit {result.returncode} after {took:,.0f} s: {last}"
        if result.returncode == 0
        else f"failed (exit {result.returncode}): {result.stderr[-500:]}"
    )


def _wrk(base, paths_file, *, seconds, connections):
    # A request unanswered after 30 s counts as lost (a timeout); a slower answer than that
    # is as good as none to a reader.
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["-s", str(LUA), base, "--", str(paths_file)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    line = [row for row in result.stdout.splitlines() if row.startswith("{")][-1]
    return json.loads(line)


def mix(url):
    """The paths readers ask, in a fixed random order, drawn from the database at `url`."""
    rng = random.Random(SEED)
    with psycopg.connect(url) as db:
        ids = [
            row[0]
            for row in db.execute(
                "SELECT id FROM archive_article ORDER BY md5(id::text) LIMIT 400"
            ).fetchall()
        ]
        events = [r[0] for r in db.execute("SELECT slug FROM archive_event ORDER BY id")]
        topics = [r[0] for r in db.execute("SELECT slug FROM archive_topic ORDER BY id")]
        languages = [
            r[0]
            for r in db.execute(
                "SELECT DISTINCT l.code FROM archive_language l "
                "JOIN archive_article a ON a.language_id = l.id"
            )
        ]
    searches = search.queries()
    years = list(range(2015, 2026))
    paths = ["/"] * 40
    paths += ["/events/", "/topics/", "/languages/"] * 5
    for word, filters in searches:
        for page in (1, 2, 3):
            query = {"q": word, **{k: v for k, v in filters.items()}}
            if page > 1:
                query["page"] = page
            paths.append("/articles/?" + urlencode(query, doseq=True))
    for _ in range(120):  # facet clicks: a list narrowed by one or two values
        query = {rng.choice(["topic", "event", "language", "year"]): None}
        key = next(iter(query))
        query[key] = {
            "topic": lambda: rng.choice(topics),
            "event": lambda: rng.choice(events),
            "language": lambda: rng.choice(languages),
            "year": lambda: rng.choice(years),
        }[key]()
        if rng.random() < 0.5:
            query["q"] = rng.choice(searches)[0]
        paths.append("/articles/?" + urlencode(query))
    paths += _article_paths(url, ids)
    paths += [f"/events/{slug}/" for slug in events] * 2
    paths += [f"/topics/{slug}/" for slug in topics] * 2
    for word, _ in searches[:30]:
        paths.append("/api/articles/?" + urlencode({"q": word}))
    # A second page of the words with thousands of matches in the corpus (a page past the
    # last is a 400 from the API).
    for word in ["China", "Trump", "Chine", "中国", "Beijing", "Pékin"]:
        paths.append("/api/articles/?" + urlencode({"q": word, "page": 2}))
    rng.shuffle(paths)
    return paths


def _article_paths(url, ids):
    """Each article's own address, with its slug, as the site links to it (the short one
    redirects there)."""
    script = (
        "from archive.models import Article; "
        f"print('\\n'.join(a.get_absolute_url() for a in Article.objects.filter(pk__in={ids!r})))"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.setdefault("DJANGO_SECRET_KEY", "load-test-only")
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            script,
        ],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if line.startswith("/articles/")]


class Server:
    """`make serve` on the database at `url`, on a free port of 127.0.0.1."""

    def __init__(self, url, *, redis_url):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers = int(os.environ.get("WEB_CONCURRENCY") or len(os.sched_getaffinity(0)))
        self.threads = int(os.environ.get("GUNICORN_THREADS") or 4)
        self.pidfile = BENCH_DIR / f"loadtest-{self.port}.pid"
        self.log = BENCH_DIR / "loadtest-server.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": "load-test-only-" + "k" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "GUNICORN_PIDFILE": str(self.pidfile),
            "WEB_CONCURRENCY": str(self.workers),
            "GUNICORN_THREADS": str(self.threads),
            "REDIS_URL": redis_url or "",
            "ARCHIVE_CACHE_PREFIX": CACHE_PREFIX,
        }
        self.env.pop("DJANGO_DEBUG", None)
        self.process = None

    def start(self):
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                ["make", "--no-print-directory", "serve"],
                env=self.env,
                cwd=settings.BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"make serve stopped; see {self.log}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5) as answer:
                    if answer.status == 200 and len(self.worker_pids()) == self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the server did not answer within 5 minutes; see {self.log}")

    def master_pid(self):
        return int(self.pidfile.read_text())

    def worker_pids(self):
        master = self.master_pid()
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return [int(pid) for pid in children]

    def ask_each(self, paths):
        errors = []
        for path in paths:
            try:
                with urllib.request.urlopen(self.base + path, timeout=60) as answer:
                    answer.read()
            except urllib.error.HTTPError as error:
                errors.append(f"{path}: {error.code}")
            except OSError as error:
                errors.append(f"{path}: {error!r}")
        return errors

    def manage(self, *args, nice=0):
        return subprocess.run(
            ["nice", "-n", str(nice), sys.executable, "manage.py", *args],
            env=self.env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
        )

    def stop(self):
        if self.process is None:
            return
        try:
            os.kill(self.master_pid(), signal.SIGTERM)
            self.process.wait(timeout=60)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.pidfile.unlink(missing_ok=True)


class MemorySampler(threading.Thread):
    """The resident memory of each worker, read from /proc every half second; its peak."""

    def __init__(self, pids):
        super().__init__(daemon=True)
        self.pids = pids
        self.peaks = dict.fromkeys(pids, 0)
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.wait(0.5):
            for pid in self.pids:
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                kb = int(status.split("VmRSS:")[1].split()[0])
                self.peaks[pid] = max(self.peaks[pid], kb)

    def stop(self):
        self.stopping.set()
        self.join()

    def peaks_mb(self):
        return [round(kb / 1024) for kb in self.peaks.values()]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _admin():
    return psycopg.connect(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def _fresh_copy(template_url, name):
    template = template_url.rsplit("/", 1)[1]
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return template_url.rsplit("/", 1)[0] + "/" + name


def _drop(url):
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def table(outcome):
    lines = [
        f"Load test, {datetime.date.today()}: {outcome.articles:,} articles on PostgreSQL, "
        f"`make serve` with {outcome.workers} workers of {outcome.threads} threads, wrk with "
        f"{outcome.connections} connections for {outcome.seconds} s over {outcome.paths:,} "
        f"paths ({'each asked once first' if outcome.warm else 'cold'}), the cache in "
        f"{outcome.cache}.",
        "",
        "| run | requests | per second | p50 | p90 | p99 | max | errors | worker peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for phase in outcome.phases:
        wrk = phase.wrk
        errors = ", ".join(f"{kind}: {n:,}" for kind, n in phase.errors.items()) or "none"
        lines.append(
            f"| {phase.name} | {wrk['requests']:,} | {phase.per_second:,.0f} | "
            f"{wrk['p50_ms']:.1f} ms | {wrk['p90_ms']:.1f} ms | {wrk['p99_ms']:.1f} ms | "
            f"{wrk['max_ms']:.0f} ms | {errors} | "
            + ", ".join(f"{mb} MB" for mb in phase.worker_peak_mb)
            + " |"
        )
    lines.append("")
    for phase in outcome.phases:
        statuses = ", ".join(f"{code}: {n:,}" for code, n in sorted(phase.wrk["statuses"].items()))
        lines.append(f"Answers by status, {phase.name}: {statuses}.")
    if outcome.warm:
        lines.append(
            f"Asking each path once first took {outcome.warm_up_seconds:,.0f} s"
            + (
                f", with {len(outcome.warm_up_errors)} errors: {outcome.warm_up_errors[:5]}."
                if outcome.warm_up_errors
                else ", without an error."
            )
        )
    if outcome.loaded_during:
        lines.append(
            f"The loader (at nice 10) added {outcome.loaded_during:,} new articles during the "
            f"second run: {outcome.load_result}."
        )
    return "\n".join(lines)
