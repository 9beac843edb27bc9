"""Databases that the project's commands, run as subprocesses, can reach: the test run's
SQLite database is in memory, so they get an SQLite file, or on PostgreSQL a database
created for them, whichever the test run uses."""

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings

from benchmarks.corpus import articles

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
SECRET = "tests-only-not-a-secret"


class LoadDatabase:
    """A database for subprocesses, and ways to run the project's commands on it."""

    def __init__(self, url, vendor):
        self.url = url
        self.vendor = vendor
        self.sessions = []  # of the loaders started, each its own

    def environment(self, **extra):
        clean = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "ARCHIVE_"))
        }
        return {
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": SECRET,
            "DATABASE_URL": self.url,
            "ARCHIVE_INGEST_PARALLEL_FROM_BYTES": "0",
            "ARCHIVE_INGEST_WORKERS": "2",
            **extra,
        }

    def manage(self, *args):
        return subprocess.run(
            [sys.executable, MANAGE, *args],
            env=self.environment(),
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def start_load(self, *paths):
        """The loader in a session of its own, whose processes can then be told apart."""
        loader = subprocess.Popen(
            [sys.executable, MANAGE, "load_seeds", *map(str, paths)],
            env=self.environment(),
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.sessions.append(loader.pid)
        return loader

    def end_sessions(self):
        """Kill what is left of the loaders' sessions, whatever a test found."""
        for session in self.sessions:
            for pid in session_processes(session):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def rows(self, sql):
        if self.vendor == "sqlite":
            with sqlite3.connect(dj_database_url.parse(self.url)["NAME"], timeout=30) as db:
                return db.execute(sql).fetchall()
        with psycopg.connect(self.url) as db:
            return db.execute(sql).fetchall()

    def source_keys(self):
        return [key for (key,) in self.rows("SELECT source_key FROM archive_article")]


def admin_connection():
    """PostgreSQL's maintenance database, as the test run's user."""
    database = settings.DATABASES["default"]
    return psycopg.connect(
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def postgres_url(name):
    database = settings.DATABASES["default"]
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    return f"postgres://{database['USER']}{password}@{host}:{port}/{name}"


def session_processes(session):
    """{pid: command line} of the live processes of a session (zombies are dead)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name, in brackets, may hold spaces: the fields follow the last ")".
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        state, sid = fields[0], int(fields[3])
        if sid == session and state not in "ZX":
            found[int(entry.name)] = command.strip()
    return found


def records_file(path, *, count, seed):
    """`count` JSON Lines records, each of its own text: the benchmark's corpus, cut short
    to keep the tests quick."""
    with path.open("w", encoding="utf-8") as handle:
        for record in articles(count=count, seed=seed):
            record["body"] = "\n\n".join(record["body"].split("\n\n")[:2])
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
