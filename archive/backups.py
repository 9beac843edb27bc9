"""Backing the archive's database up while the site serves and the loader writes, and
restoring a backup in its place (`manage.py backup`, `manage.py restore`).

A backup is the whole database, read as one consistent snapshot: the articles, the search
index (FTS5's table on SQLite, the tsvector table and its common terms on PostgreSQL), the
data version, the catalogue, the thesaurus, accounts, sessions and history. Each database
has its own way, in one class each, chosen once from the connection (`engine_for`):

- SQLite: the online backup API copies every page of the live database inside one read
  transaction, so committed WAL content is in and a write that commits meanwhile is not; a
  restore copies the backup's pages back into the live database through the same API, so
  other processes with the file open see the restored archive at their next transaction.
- PostgreSQL: pg_dump's custom format, under a snapshot this module exports so that the
  number of articles it reports is the dump's own; pg_restore in a single transaction.

After a restore the data version is renewed: an answer the search cache kept for the
archive as it was must not be served for the restored one, whose token it may share.
"""

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from psycopg import IsolationLevel

from archive.models import Article
from archive.search.cache import version_renew

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# A table every archive has: a file without it is some other application's database.
ARTICLE_TABLE = Article._meta.db_table
# PostgreSQL's client tools as Debian installs them, one folder per major version.
POSTGRES_BIN = "/usr/lib/postgresql/{major}/bin"
DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
FILE_NAMES = {
    "sqlite": "an SQLite database",
    "postgresql": "a PostgreSQL dump in pg_dump's custom format",
}


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why, for the person running
    the command."""


@dataclass(frozen=True)
class BackupWritten:
    path: Path
    size: int  # bytes
    articles: int
    kind: str  # "sqlite" or "postgresql"


@dataclass(frozen=True)
class Restored:
    path: Path
    articles: int
    # Migrations of this code the restored database lacks (`manage.py migrate` applies
    # them), and migrations it records that this code does not have (a newer version's).
    unapplied: list = field(default_factory=list)
    unknown: list = field(default_factory=list)


def database_backup(*, path, force=False):
    """Write a snapshot of the database in use to `path`; refuses to replace an existing
    file unless `force`. The file appears only once complete: the snapshot is written
    beside it and renamed, so a failed backup leaves any earlier one as it was."""
    path = Path(path)
    engine = engine_for(connection)
    if path.is_dir():
        raise BackupError(f"{path} is a folder: give the name of the backup file to write.")
    if path.exists() and not force:
        raise BackupError(f"{path} exists: choose another name, or pass --force to replace it.")
    if not path.parent.is_dir():
        raise BackupError(f"No such folder: {path.parent}")
    engine.refuse_live_file(path)
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(handle)
    partial = Path(partial)
    try:
        articles = engine.write(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupWritten(path=path, size=path.stat().st_size, articles=articles, kind=engine.kind)


def database_restore(*, path):
    """Replace the database in use with the backup at `path`, search index included, and
    renew the data version. The file is checked first: a missing file, one that is not a
    backup, or a backup of the other database is refused before anything is replaced."""
    path = Path(path)
    engine = engine_for(connection)
    engine.check(path)
    if connection.in_atomic_block:
        raise BackupError("A restore replaces the database: it cannot run inside a transaction.")
    # Django's connection would otherwise hold the database (PostgreSQL's pg_restore drops
    # tables) or keep a schema it read before the restore.
    connection.close()
    engine.restore(path)
    # Content types are cached by id, and the restored ids need not be the ones read before.
    ContentType.objects.clear_cache()
    version_renew()
    unapplied, unknown = _migrations_differing()
    return Restored(
        path=path, articles=Article.objects.count(), unapplied=unapplied, unknown=unknown
    )


def engine_for(connection):
    """The backup engine of `connection`'s database."""
    engines = {engine.kind: engine for engine in (SQLiteBackup, PostgresBackup)}
    if connection.vendor not in engines:
        raise BackupError(f"No backups for {connection.vendor} databases.")
    return engines[connection.vendor](connection)


def file_kind(path):
    """What the file's first bytes say it is: "sqlite", "postgresql" (pg_dump's custom
    format) or None."""
    with Path(path).open("rb") as file:
        start = file.read(len(SQLITE_MAGIC))
    if start == SQLITE_MAGIC:
        return "sqlite"
    if start.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    return None


class DatabaseBackup:
    """What both engines share: checking a file before it replaces the archive."""

    kind = ""

    def __init__(self, connection):
        self.connection = connection
        self.settings = connection.settings_dict

    def write(self, path):
        """Write the snapshot to `path`; returns the number of articles in it."""
        raise NotImplementedError

    def restore(self, path):
        raise NotImplementedError

    def refuse_live_file(self, path):
        """Refuse a path that is the live database itself."""

    def check(self, path):
        """Raise BackupError unless `path` is a backup this database can restore."""
        path = Path(path)
        if not path.exists():
            raise BackupError(f"No such file: {path}")
        if not path.is_file():
            raise BackupError(f"{path} is not a file.")
        self.refuse_live_file(path)
        kind = file_kind(path)
        if kind is None:
            raise BackupError(
                f"{path} is not a backup: it is neither an SQLite database nor a PostgreSQL "
                "dump in pg_dump's custom format."
            )
        if kind != self.kind:
            raise BackupError(
                f"{path} is {FILE_NAMES[kind]}, the backup of an archive on "
                f"{DATABASE_NAMES[kind]}; this archive runs on {DATABASE_NAMES[self.kind]}, "
                f"which restores {FILE_NAMES[self.kind]}."
            )
        self.check_content(path)

    def check_content(self, path):
        raise NotImplementedError


class SQLiteBackup(DatabaseBackup):
    kind = "sqlite"

    def source(self):
        """A connection of its own to the live database, as Django opens it (a path, or a
        URI such as the test run's shared in-memory database)."""
        timeout = self.settings.get("OPTIONS", {}).get("timeout", 30)
        return sqlite3.connect(self.settings["NAME"], uri=True, timeout=timeout)

    def live_file(self):
        name = str(self.settings["NAME"])
        if self.connection.is_in_memory_db() or name.startswith("file:"):
            return None
        return Path(name).resolve()

    def refuse_live_file(self, path):
        if (live := self.live_file()) and Path(path).resolve() == live:
            raise BackupError(f"{path} is the archive's live database file itself.")

    def write(self, path):
        with (
            contextlib.closing(self.source()) as source,
            contextlib.closing(sqlite3.connect(path)) as target,
        ):
            # In one step: the copy is one read transaction, a consistent snapshot that
            # writers do not wait for under WAL. In several, every write that committed
            # between two steps would start the copy again.
            source.backup(target)
            # The copy keeps the live database's WAL mode; a backup is better one file
            # that opens as it is, without -wal and -shm files beside it.
            target.execute("PRAGMA journal_mode=DELETE")
            (articles,) = target.execute(f"SELECT count(*) FROM {ARTICLE_TABLE}").fetchone()
        return articles

    def check_content(self, path):
        try:
            with contextlib.closing(_read_only(path)) as backup:
                (verdict,) = backup.execute("PRAGMA quick_check").fetchone()
                tables = backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                tables = {name for (name,) in tables}
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} cannot be read as an SQLite database: {error}") from error
        if verdict != "ok":
            raise BackupError(f"{path} is a damaged SQLite database: {verdict}")
        if ARTICLE_TABLE not in tables:
            raise BackupError(f"{path} is an SQLite database, but not an archive's: no articles.")

    def restore(self, path):
        with (
            contextlib.closing(_read_only(path)) as backup,
            contextlib.closing(self.source()) as live,
        ):
            # Into the open database, page by page under its write lock: a process that
            # has the file open sees the restored archive at its next transaction, which
            # replacing the file would never show it.
            backup.backup(live)
            # The restored pages went to the WAL; fold what no reader needs back into the
            # file, without waiting for readers.
            live.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _read_only(path):
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


class PostgresBackup(DatabaseBackup):
    kind = "postgresql"

    def write(self, path):
        raw = self.connection.Database.connect(**self.connection.get_connection_params())
        with contextlib.closing(raw):
            # pg_dump takes the snapshot this transaction exports, so the number of articles
            # counted here is the number in the dump, however many the loader adds meanwhile.
            raw.isolation_level = IsolationLevel.REPEATABLE_READ
            raw.read_only = True
            (snapshot,) = raw.execute("SELECT pg_export_snapshot()").fetchone()
            (articles,) = raw.execute(f"SELECT count(*) FROM {ARTICLE_TABLE}").fetchone()
            self.run(
                "pg_dump",
                "--format=custom",
                # zlib's fastest level: the default took five times the processor time for
                # a file 14% smaller (docs/backups.md), and the snapshot is held as long.
                "--compress=1",
                f"--snapshot={snapshot}",
                f"--file={path}",
                f"--dbname={self.settings['NAME']}",
                failure="pg_dump failed",
            )
            raw.rollback()
        return articles

    def check_content(self, path):
        listing = self.run("pg_restore", "--list", str(path), failure=f"{path} is unreadable")
        if not re.search(rf"^\d+; \d+ \d+ TABLE \S+ {ARTICLE_TABLE}\b", listing, re.MULTILINE):
            raise BackupError(f"{path} is a PostgreSQL dump, but not an archive's: no articles.")

    def restore(self, path):
        # One transaction: a restore that fails midway leaves the archive as it was.
        self.run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={self.settings['NAME']}",
            str(path),
            failure="pg_restore failed; the archive is as it was",
        )

    def run(self, tool, *arguments, failure):
        """Run a PostgreSQL client tool against this database; its output, or BackupError
        with what it printed."""
        command = [self.tool(tool), *self.connection_arguments(), *arguments]
        result = subprocess.run(command, env=self.environment(), capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"{failure}: {result.stderr.strip() or result.returncode}")
        return result.stdout

    def connection_arguments(self):
        arguments = []
        if self.settings.get("HOST"):
            arguments.append(f"--host={self.settings['HOST']}")
        if self.settings.get("PORT"):
            arguments.append(f"--port={self.settings['PORT']}")
        if self.settings.get("USER"):
            arguments.append(f"--username={self.settings['USER']}")
        return [*arguments, "--no-password"]

    def environment(self):
        environment = dict(os.environ)
        if self.settings.get("PASSWORD"):
            environment["PGPASSWORD"] = self.settings["PASSWORD"]
        if sslmode := self.settings.get("OPTIONS", {}).get("sslmode"):
            environment["PGSSLMODE"] = sslmode
        return environment

    def tool(self, name):
        """The client tool of the server's major version, or of a later one: an older
        pg_dump refuses a newer server, and pg_restore an archive of a newer pg_dump.
        Debian's /usr/bin wrapper picks a version by its own rules; the versioned folder
        is asked first."""
        major = self.server_major
        candidates = [
            Path(POSTGRES_BIN.format(major=major)) / name,
            *(Path(found) for found in [shutil.which(name)] if found),
        ]
        for candidate in candidates:
            if candidate.is_file() and (tool_major(candidate) or 0) >= major:
                return str(candidate)
        raise BackupError(
            f"No {name} of PostgreSQL {major} or later found (looked for "
            f"{', '.join(map(str, candidates))}): install PostgreSQL {major}'s client tools."
        )

    @cached_property
    def server_major(self):
        # Asked once, before a restore closes Django's connection.
        self.connection.ensure_connection()
        return self.connection.pg_version // 10000


def tool_major(path):
    """The major version a PostgreSQL client tool reports, or None."""
    result = subprocess.run([str(path), "--version"], capture_output=True, text=True)
    found = re.search(r"\(PostgreSQL\) (\d+)", result.stdout)
    return int(found.group(1)) if result.returncode == 0 and found else None


def _migrations_differing():
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    known = set(loader.graph.nodes)
    return sorted(known - applied), sorted(applied - known)
