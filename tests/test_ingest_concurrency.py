"""The loader as it is run: a process that may be killed, and may run beside another.

Each test starts `manage.py load_seeds` in subprocesses, on a database of its own that they
can reach (the test run's SQLite database is in memory): an SQLite file, or on PostgreSQL a
database created for the test, whichever the test run uses. Both are copies of one migrated
per module. Files are small, but prepared in worker processes as large ones are
(ARCHIVE_INGEST_PARALLEL_FROM_BYTES=0).
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings

from tests.processes import (
    LoadDatabase,
    admin_connection,
    postgres_url,
    records_file,
    session_processes,
)

pytestmark = pytest.mark.loads

# The processes of a session are looked up in /proc.
needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc here")
# Three batches of 500: a load killed midway has work left whenever it is killed.
KILLED_LOAD_RECORDS = 1200


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated database with the seeds' catalogue, to copy for each test."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path_factory.mktemp("load-template") / "archive.sqlite3"
        template = LoadDatabase(f"sqlite:///{path}", "sqlite")
    else:
        name = f"archive_loadtest_{uuid.uuid4().hex[:12]}"
        with admin_connection() as admin:
            admin.execute(f"CREATE DATABASE {name}")
        template = LoadDatabase(postgres_url(name), "postgresql")
    try:
        for command in (["migrate", "--noinput"], ["load_seeds", "seeds/catalogue.yaml"]):
            result = template.manage(*command, "-v", "0")
            assert result.returncode == 0, result.stderr
        if template.vendor == "sqlite":
            # Everything in the file itself, so that copying the file copies the database.
            template.rows("PRAGMA wal_checkpoint(TRUNCATE)")
        yield template
    finally:
        if template.vendor == "postgresql":
            with admin_connection() as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def load_database(migrated, tmp_path):
    if migrated.vendor == "sqlite":
        path = tmp_path / "archive.sqlite3"
        shutil.copy(dj_database_url.parse(migrated.url)["NAME"], path)
        database = LoadDatabase(f"sqlite:///{path}", "sqlite")
        yield database
        database.end_sessions()
        return
    name = f"archive_loadtest_{uuid.uuid4().hex[:12]}"
    template = migrated.url.rsplit("/", 1)[1]
    with admin_connection() as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    database = LoadDatabase(postgres_url(name), "postgresql")
    try:
        yield database
    finally:
        database.end_sessions()
        with admin_connection() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def expected_keys(path, count):
    return {f"{path}#synthetic-{number}" for number in range(count)}


def wait_for(condition, *, timeout, message):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(message())
        time.sleep(0.05)
    return value


def kill_midway(database, loader, *, workers, committed):
    """SIGKILL the loader once it has started its workers (and the resource tracker) and, if
    `committed`, committed a batch; the processes of its session that were alive then."""

    def going():
        if len(session_processes(loader.pid)) < 1 + workers + 1:
            return False
        return not committed or database.rows("SELECT count(*) FROM archive_article")[0][0]

    wait_for(
        going,
        timeout=60,
        message=lambda: (
            "the loader did not get going"
            + ("" if loader.poll() is None else f": {loader.stderr.read()[-2000:]}")
        ),
    )
    started = session_processes(loader.pid)
    os.kill(loader.pid, signal.SIGKILL)
    loader.wait(timeout=10)
    loader.stdout.close()
    loader.stderr.close()
    return started


@needs_proc
def test_workers_and_the_resource_tracker_end_with_a_loader_killed_midway(load_database, tmp_path):
    path = records_file(tmp_path / "records.jsonl", count=KILLED_LOAD_RECORDS, seed=1)
    loader = load_database.start_load(path)
    started = kill_midway(load_database, loader, workers=2, committed=False)
    assert sum("spawn_main" in command for command in started.values()) == 2
    assert any("resource_tracker" in command for command in started.values())
    # A worker checks its parent twice a second; the tracker ends once the workers have.
    deadline = time.monotonic() + 10
    while (survivors := session_processes(loader.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert survivors == {}


# A worker's guard alone, without the kernel's help: what ends a worker started by a thread
# other than the main one, or on a system without PR_SET_PDEATHSIG.
WATCHED = """
import os, time
from archive.ingest.workers import _end_with_parent
_end_with_parent(os.getppid(), kill_with_parent_thread=False)
print(os.getpid(), flush=True)
time.sleep(60)
"""
PARENT = """
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", sys.argv[1]])
time.sleep(60)
"""


@needs_proc
def test_a_worker_s_watchdog_ends_it_once_its_parent_is_gone():
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, WATCHED],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        worker = int(parent.stdout.readline())
        assert session_processes(parent.pid).keys() == {parent.pid, worker}
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        wait_for(
            lambda: not session_processes(parent.pid),
            timeout=5,
            message=lambda: f"the worker lives on: {session_processes(parent.pid)}",
        )
    finally:
        for pid in session_processes(parent.pid):
            os.kill(pid, signal.SIGKILL)
        parent.stdout.close()


def test_a_worker_whose_parent_is_already_gone_ends_at_once():
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; from archive.ingest.workers import _end_with_parent; "
            "_end_with_parent(os.getppid() + 1, kill_with_parent_thread=False); print('lived')",
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (started.returncode, started.stdout) == (1, "")


@needs_proc
def test_a_load_killed_midway_leaves_a_consistent_archive_that_a_rerun_completes(
    load_database, tmp_path
):
    path = records_file(tmp_path / "records.jsonl", count=KILLED_LOAD_RECORDS, seed=2)
    loader = load_database.start_load(path)
    kill_midway(load_database, loader, workers=2, committed=True)
    wait_for(
        lambda: not session_processes(loader.pid),
        timeout=10,
        message=lambda: f"the loader's processes live on: {session_processes(loader.pid)}",
    )
    keys = load_database.source_keys()
    # Whole batches, committed before the kill: the load was killed midway.
    assert len(keys) % 500 == 0
    assert 0 < len(keys) < KILLED_LOAD_RECORDS
    check = load_database.manage("rebuild_search_index", "--check")
    assert check.returncode == 0, check.stdout + check.stderr

    rerun = load_database.manage("load_seeds", str(path))
    assert rerun.returncode == 0, rerun.stderr
    left = KILLED_LOAD_RECORDS - len(keys)
    assert f"{left} created, 0 updated, {len(keys)} unchanged, 0 duplicate, 0 failed" in (
        rerun.stdout
    )
    keys = load_database.source_keys()
    assert len(keys) == KILLED_LOAD_RECORDS
    assert set(keys) == expected_keys(path, KILLED_LOAD_RECORDS)
    check = load_database.manage("rebuild_search_index", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "missing: 0\norphaned: 0\noutdated: 0\n" in check.stdout


# Requests during the loads: the list, a search and the API, each until told to stop.
PAGES = """
import sys, time
from pathlib import Path
import django
django.setup()
from django.test import Client
client, stop = Client(), Path(sys.argv[1])
urls = ["/articles/", "/articles/?q=china", "/api/articles/", "/api/articles/?q=trade+talks"]
while not stop.exists():
    for url in urls:
        response = client.get(url)
        print(response.status_code, url, flush=True)
    time.sleep(0.1)
"""


def test_two_loads_at_once_both_complete_while_pages_answer(load_database, tmp_path):
    count = 600
    paths = [records_file(tmp_path / f"{n}.jsonl", count=count, seed=10 + n) for n in (1, 2)]
    stop = tmp_path / "stop"
    pages = subprocess.Popen(
        [sys.executable, "-c", PAGES, str(stop)],
        env=load_database.environment(DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS="testserver"),
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Pages answer from before the loads start to after they end.
        assert pages.stdout.readline().startswith("200 ")
        loaders = [load_database.start_load(path) for path in paths]
        results = [loader.communicate(timeout=180) for loader in loaders]
    finally:
        stop.touch()
        answered, errors = pages.communicate(timeout=60)
    for loader, (out, err) in zip(loaders, results, strict=True):
        assert loader.returncode == 0, err[-2000:]
        assert f"{count} created, 0 updated, 0 unchanged, 0 duplicate, 0 failed" in out
    keys = load_database.source_keys()
    assert len(keys) == 2 * count
    assert set(keys) == expected_keys(paths[0], count) | expected_keys(paths[1], count)
    check = load_database.manage("rebuild_search_index", "--check")
    assert check.returncode == 0, check.stdout + check.stderr

    assert pages.returncode == 0, errors[-2000:]
    statuses = [line.split()[0] for line in answered.splitlines()]
    assert len(statuses) >= 8
    assert set(statuses) == {"200"}
