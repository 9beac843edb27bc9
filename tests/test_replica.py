"""A real streaming replica of the local PostgreSQL cluster, started by scripts/replica.sh:
the public pages read what the replica holds, the admin what the primary holds, and the
search cache never serves an answer older than the data the replica holds.

A streaming replica cannot hold data the primary lacks, so the tests make it lag instead:
with replay paused on the replica (pg_wal_replay_pause), a write committed on the primary
is not there yet until replay resumes. The tests are transactional, as the replica only
ever sees committed data.
"""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from archive.routing import replica_reads
from archive.search.cache import data_version
from tests.factories import ArticleFactory
from tests.replicas import database_added

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="streaming replicas are PostgreSQL's; on SQLite there is nothing to replicate",
)

SCRIPT = settings.BASE_DIR / "scripts" / "replica.sh"
WAIT_SECONDS = 60


class Replica:
    """The running replica: its alias's connection and a connection of its own to steer
    replay with."""

    def __init__(self, port, alias):
        self.alias = alias
        self.control = psycopg.connect(
            host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True
        )

    def value(self, sql, params=()):
        return self.control.execute(sql, params).fetchone()[0]

    def caught_up(self):
        """Wait until the replica has replayed everything the primary has written so far."""
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            written = cursor.fetchone()[0]
        _wait_for(
            lambda: self.value("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written]),
            "the replica to replay the primary's writes",
        )

    @contextlib.contextmanager
    def paused(self):
        """Replay paused, once the replica says so: what the primary commits meanwhile is
        received but not applied."""
        self.control.execute("SELECT pg_wal_replay_pause()")
        _wait_for(
            lambda: self.value("SELECT pg_get_wal_replay_pause_state()") == "paused",
            "replay to pause",
        )
        try:
            yield
        finally:
            self.control.execute("SELECT pg_wal_replay_resume()")

    def close(self):
        if self.value("SELECT pg_is_wal_replay_paused()"):
            self.control.execute("SELECT pg_wal_replay_resume()")
        self.control.close()


def _wait_for(condition, what):
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {WAIT_SECONDS} s for {what}")
        time.sleep(0.05)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _script(*arguments):
    primary_port = str(settings.DATABASES["default"]["PORT"] or 5432)
    return subprocess.run(
        ["bash", str(SCRIPT), *map(str, arguments)],
        env={**os.environ, "PRIMARY_PORT": primary_port},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def streaming_replica(django_db_setup):
    """(directory, port) of a streaming replica of the whole local cluster, the tests'
    database included, started by the script as `make replica` starts it and stopped (and
    its copy removed) after this module's tests."""
    if settings.DATABASES["default"]["HOST"] not in {"127.0.0.1", "localhost"}:
        pytest.skip("scripts/replica.sh copies the cluster on 127.0.0.1; the tests use another")
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        pytest.skip("scripts/replica.sh runs the replica's server as postgres: run as root")
    directory = tempfile.mkdtemp(prefix="archive-replica-")
    port = _free_port()
    try:
        started = _script("start", directory, port)
        assert started.returncode == 0, started.stdout + started.stderr
        yield directory, port
    finally:
        stopped = _script("stop", directory)
        shutil.rmtree(directory, ignore_errors=True)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr


@pytest.fixture
def replica(streaming_replica, transactional_db):
    """replica1: the streaming replica's copy of the tests' database, caught up."""
    _, port = streaming_replica
    replica = Replica(port, "replica1")
    try:
        replica.caught_up()
        with database_added("replica1", HOST="127.0.0.1", PORT=port, CONN_MAX_AGE=0):
            yield replica
    finally:
        replica.close()


def _editor_client():
    editor = get_user_model().objects.create_superuser("editor", "editor@example.org", "x")
    client = Client()
    client.force_login(editor)
    return client


def test_the_script_streams_the_primarys_writes_and_a_second_start_changes_nothing(
    streaming_replica,
):
    directory, port = streaming_replica
    with open(f"{directory}/postmaster.pid") as pid_file:
        pid = pid_file.readline()
    again = _script("start", directory, port)
    assert again.returncode == 0, again.stderr
    assert "already running" in again.stdout
    with open(f"{directory}/postmaster.pid") as pid_file:
        assert pid_file.readline() == pid
    status = _script("status", directory)
    assert "receiver streaming" in status.stdout


def test_a_public_page_shows_the_replicas_data_and_the_admin_the_primarys(replica):
    ArticleFactory(title="Tariffs before the pause")
    replica.caught_up()
    reader = Client()
    with replica.paused():
        late = ArticleFactory(title="Tariffs while replay is paused")
        # Signed in on the primary while the replica lags: the session is read there too.
        editor = _editor_client()

        page = reader.get("/articles/?q=tariffs").content.decode()
        assert "Tariffs before the pause" in page
        assert "Tariffs while replay is paused" not in page
        titles = [a["title"] for a in reader.get("/api/articles/").json()["results"]]
        assert titles == ["Tariffs before the pause"]
        assert reader.get(late.get_absolute_url()).status_code == 404

        listing = editor.get("/admin/archive/article/").content.decode()
        assert "Tariffs while replay is paused" in listing
        assert "Tariffs before the pause" in listing
        assert editor.get(f"/admin/archive/article/{late.pk}/change/").status_code == 200

    replica.caught_up()
    page = reader.get("/articles/?q=tariffs").content.decode()
    assert "Tariffs while replay is paused" in page
    assert reader.get(late.get_absolute_url()).status_code == 200


def _walruses(reader, replica_connection):
    """How many articles the public API finds for "walrus", and whether it read the
    search index to say so (rather than the cache)."""
    with CaptureQueriesContext(replica_connection) as queries:
        count = reader.get("/api/articles/?q=walrus").json()["count"]
    return count, any("archive_search" in query["sql"] for query in queries)


def test_the_search_cache_never_serves_an_answer_older_than_the_replicas_data(replica, settings):
    settings.ARCHIVE_SEARCH_CACHE_SECONDS = 600
    ArticleFactory(title="A walrus in the Yellow Sea")
    replica.caught_up()
    reader, on_replica = Client(), connections["replica1"]
    with replica.paused():
        ArticleFactory(title="Another walrus, off Qingdao")
        with replica_reads("replica1"):
            replica_version = data_version()
        # The primary has a new data version; the replica still has the old one.
        primary_version = data_version()
        assert primary_version != replica_version
        # Computed from the replica's data, and kept under the replica's version...
        assert _walruses(reader, on_replica) == (1, True)
        # ...which then answers from the cache while the replica's data stays as it is.
        assert _walruses(reader, on_replica) == (1, False)
    replica.caught_up()
    with replica_reads("replica1"):
        assert data_version() == primary_version
    # Replayed, the replica has the primary's version: the answer kept under the old one is
    # not served, and the new one counts both.
    assert _walruses(reader, on_replica) == (2, True)
