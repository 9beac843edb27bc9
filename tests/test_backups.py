"""Backing the archive up and restoring it (archive.backups), on whichever database the test
run uses: SQLite (the run's database is in memory, so what needs other processes uses a
file of its own) or PostgreSQL (pg_dump and pg_restore on the run's test database).

Transactional tests: a backup reads through a connection or a process of its own, which
would not see the rows of a test's open transaction.
"""

import contextlib
import sqlite3
import subprocess
import sys
import threading
import time
import uuid

import dj_database_url
import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction

from archive.backups import BackupError, database_backup, database_restore, engine_for, file_kind
from archive.models import Article, Topic
from archive.search.cache import data_version
from archive.search.maintenance import index_check, indexed_ids
from tests.factories import ArticleFactory, TopicFactory
from tests.processes import LoadDatabase, admin_connection, postgres_url

pytestmark = pytest.mark.usefixtures("transactional_db")

# Each transaction of the writer below adds this many articles: a snapshot taken halfway
# through one would hold a count that is not a multiple of it.
WRITER_BATCH = 5
WRITER = f"""
import hashlib, pathlib, sys
import django
django.setup()
from django.db import transaction
from archive.models import Article, Language

english = Language.objects.get(code="en")
stop = pathlib.Path(sys.argv[1])
batch = 0
while not stop.exists():
    with transaction.atomic():
        for number in range({WRITER_BATCH}):
            title = f"Quokka bulletin {{batch}}-{{number}}"
            Article.objects.create(
                title=title,
                blocks=[{{"kind": "paragraph", "text": "Quokkas met on tariffs."}}],
                language=english,
                content_hash=hashlib.sha256(title.encode()).hexdigest(),
            )
    print(Article.objects.count(), flush=True)
    batch += 1
"""


def found(query):
    """The ids of the articles a reader's search finds."""
    matches = Article.objects.search(query, across_languages=False).articles
    return sorted(matches.values_list("pk", flat=True))


def archive_state():
    """What a restore must bring back: each article as a reader and an editor see it, its
    tags, the catalogue and the articles' history."""
    articles = Article.objects.select_related("language").prefetch_related("topics", "events")
    return {
        "articles": {
            article.pk: (
                article.title,
                article.title_en,
                article.standfirst,
                article.blocks,
                article.language.code,
                article.published,
                article.date_precision,
                article.edited_fields,
                sorted(topic.slug for topic in article.topics.all()),
                sorted(event.slug for event in article.events.all()),
            )
            for article in articles
        },
        "topics": sorted(Topic.objects.values_list("slug", "name")),
        "history": Article.history.count(),
        "indexed": indexed_ids(),
    }


QUERIES = ("sojabonen", "alliantie", "Blinken", "terres rares", "Zeppelin", "Quokka")


@pytest.fixture
def edited_seeds(seeds):
    """The seeds, with an editor's tag and headline on one of them."""
    alliance = seeds["001"]
    alliance.topics.add(TopicFactory(name="Sino-Russian alliance", slug="sino-russian"))
    alliance.title = "Poetin en Xi: een alliantie in wording"
    alliance.save()
    return seeds


def test_a_restore_brings_back_the_archive_and_what_search_finds(edited_seeds, tmp_path):
    before = archive_state()
    answers = {query: found(query) for query in QUERIES}
    deleted = edited_seeds["000"].pk
    assert answers["sojabonen"] == [deleted]
    path = tmp_path / f"archive.{'dump' if connection.vendor == 'postgresql' else 'sqlite3'}"

    written = database_backup(path=path)
    assert (written.path, written.articles) == (path, 6)
    assert written.size == path.stat().st_size > 0
    assert file_kind(path) == connection.vendor
    version_backed_up = data_version()

    edited_seeds["000"].delete()
    edited_seeds["003"].title = "Zeppelin over Beijing"
    edited_seeds["003"].save()
    new = ArticleFactory(title="Quokka summit in Perth", body="Quokkas talk trade.")
    assert found("sojabonen") == []
    assert found("Zeppelin") == [edited_seeds["003"].pk]
    assert found("Quokka") == [new.pk]
    version_changed = data_version()

    restored = database_restore(path=path)

    assert (restored.articles, restored.unapplied, restored.unknown) == (6, [], [])
    assert archive_state() == before
    assert {query: found(query) for query in QUERIES} == answers
    assert found("sojabonen") == [deleted]
    assert found("Zeppelin") == found("Quokka") == []
    assert not index_check()
    assert data_version() not in {"", version_backed_up, version_changed}


def test_search_answers_cached_before_a_restore_are_not_served_after_it(
    edited_seeds, tmp_path, settings
):
    settings.ARCHIVE_SEARCH_CACHE_SECONDS = 600
    path = tmp_path / "archive.backup"
    database_backup(path=path)
    new = ArticleFactory(title="Quokka summit in Perth", body="Quokkas talk trade.")
    search = Article.objects.search("Quokka")
    assert (search.count(), [article.pk for article in search.results[0:20]]) == (1, [new.pk])

    database_restore(path=path)

    search = Article.objects.search("Quokka")
    assert (search.count(), search.results[0:20]) == (0, [])


def test_a_backup_replaces_an_earlier_one_only_when_forced(edited_seeds, tmp_path):
    path = tmp_path / "archive.backup"
    path.write_bytes(b"an earlier backup")
    with pytest.raises(Exception, match="exists"):
        database_backup(path=path)
    assert path.read_bytes() == b"an earlier backup"

    written = database_backup(path=path, force=True)

    assert written.articles == 6
    assert file_kind(path) == connection.vendor
    # It holds password hashes and sessions: for its owner's eyes only.
    assert path.stat().st_mode & 0o777 == 0o600
    # Written beside it and renamed: nothing else is left in the folder.
    assert [entry.name for entry in tmp_path.iterdir()] == ["archive.backup"]


def test_a_failed_backup_leaves_the_earlier_one_and_no_partial_file(
    edited_seeds, tmp_path, monkeypatch
):
    path = tmp_path / "archive.backup"
    path.write_bytes(b"an earlier backup")
    engine = type(engine_for(connection))

    def write_and_fail(self, partial):
        partial.write_bytes(b"half a backup")
        raise OSError("No space left on device")

    monkeypatch.setattr(engine, "write", write_and_fail)
    with pytest.raises(OSError, match="No space left"):
        database_backup(path=path, force=True)
    assert [entry.name for entry in tmp_path.iterdir()] == ["archive.backup"]
    assert path.read_bytes() == b"an earlier backup"


def test_a_restore_inside_a_transaction_is_refused(edited_seeds, tmp_path):
    path = tmp_path / "archive.backup"
    database_backup(path=path)
    with transaction.atomic(), pytest.raises(BackupError, match="inside a transaction"):
        database_restore(path=path)
    assert Article.objects.count() == 6


def test_postgresql_tools_older_than_the_server_are_refused(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's client tools")
    engine = engine_for(connection)
    assert engine.tool("pg_dump").endswith("/pg_dump")
    monkeypatch.setattr("archive.backups.tool_major", lambda path: engine.server_major - 1)
    with pytest.raises(
        BackupError, match=rf"No pg_dump of PostgreSQL {engine.server_major} or later found"
    ):
        engine.tool("pg_dump")


def test_a_sqlite_backup_is_one_file_that_opens_as_it_is(edited_seeds, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own file format")
    path = tmp_path / "archive.sqlite3"
    database_backup(path=path)
    with contextlib.closing(sqlite3.connect(path)) as backup:
        assert backup.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert backup.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert backup.execute("SELECT count(*) FROM archive_search").fetchone() == (6,)
    assert [entry.name for entry in tmp_path.iterdir()] == ["archive.sqlite3"]


# --- With other processes: the site and the loader as they run ----------------------------


class ServedDatabase(LoadDatabase):
    """A migrated database that other processes can reach, as the site's is: an SQLite file
    in WAL mode, or on PostgreSQL a database of its own."""

    def run(self, *arguments, **options):
        return subprocess.run(
            [sys.executable, *arguments],
            env=self.environment(),
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=180,
            **options,
        )

    def connect(self):
        """A connection of the test's own, as another server process would hold one."""
        if self.vendor == "sqlite":
            return sqlite3.connect(dj_database_url.parse(self.url)["NAME"], timeout=30)
        return psycopg.connect(self.url, autocommit=True)

    def count(self, db, table="archive_article"):
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def served(tmp_path):
    if connection.vendor == "sqlite":
        database = ServedDatabase(f"sqlite:///{tmp_path / 'served.sqlite3'}", "sqlite")
        name = None
    else:
        name = f"archive_backup_served_{uuid.uuid4().hex[:12]}"
        with admin_connection() as admin:
            admin.execute(f"CREATE DATABASE {name}")
        database = ServedDatabase(postgres_url(name), "postgresql")
    try:
        result = database.manage("migrate", "--noinput", "-v", "0")
        assert result.returncode == 0, result.stderr
        yield database
    finally:
        if name:
            with admin_connection() as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_backup_taken_while_articles_are_written_is_a_consistent_snapshot(served, tmp_path):
    stop = tmp_path / "stop"
    path = tmp_path / "served.backup"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stop)],
        env=served.environment(),
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    counts = []  # after each of the writer's commits
    reader = threading.Thread(target=lambda: counts.extend(map(int, writer.stdout)))
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not counts and writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert counts, writer.stderr.read() if writer.poll() is not None else "no writes"
        result = served.manage("backup", str(path))
        assert result.returncode == 0, result.stderr
        written_after = len(counts)
        while len(counts) < written_after + 2 and writer.poll() is None:
            time.sleep(0.05)
    finally:
        stop.touch()
        writer.wait(timeout=60)
        reader.join(timeout=60)
    assert writer.returncode == 0, writer.stderr.read()

    backed_up = int(result.stdout.split()[2])  # "Backed up N articles to …"
    assert counts[0] < backed_up < counts[-1], "the backup did not run while articles were written"
    assert backed_up % WRITER_BATCH == 0
    database_restore(path=path)
    assert Article.objects.count() == backed_up
    assert not index_check()
    assert len(found("Quokka")) == backed_up


def test_a_restore_reaches_the_processes_that_have_the_database_open(
    served, edited_seeds, tmp_path
):
    path = tmp_path / "archive.backup"
    database_backup(path=path)
    with contextlib.closing(served.connect()) as site:
        assert served.count(site) == 0
        result = served.manage("restore", "--yes", str(path))
        assert result.returncode == 0, result.stderr
        assert "Restored 6 articles" in result.stdout
        assert served.count(site) == 6
        assert served.count(site, "archive_search") == 6
    # The site's search, in a process of its own, finds the restored articles.
    search = served.run(
        "-c",
        "import django; django.setup(); from archive.models import Article; "
        "print(Article.objects.search('sojabonen', across_languages=False).count())",
    )
    assert search.stdout.strip() == "1", search.stderr
