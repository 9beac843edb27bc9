"""`manage.py backup` and `manage.py restore`: what they report, and what they refuse, each
with a message rather than a traceback."""

import contextlib
import io
import re
import sqlite3
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from archive.backups import engine_for
from archive.models import Article
from tests.factories import ArticleFactory

NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch):
    """As under cron or a pipe: stdin is not a terminal, unless a test says otherwise."""
    monkeypatch.setattr("sys.stdin", io.StringIO())


@pytest.fixture
def backup(seeds, transactional_db, tmp_path):
    """A backup of the seeds, written by the command."""
    path = tmp_path / "archive.backup"
    run("backup", str(path))
    return path


def sqlite_file(path, *statements):
    with contextlib.closing(sqlite3.connect(path)) as database:
        for statement in statements:
            database.execute(statement)
        database.commit()
    return path


def other_kind_of_backup(folder):
    """A backup of the other database than the one in use, as its first bytes say."""
    if connection.vendor == "sqlite":
        path = folder / "archive.dump"
        # pg_dump's custom format opens with its signature and version bytes.
        path.write_bytes(b"PGDMP\x01\x0e\x00\x04\x08\x01\x01" + bytes(200))
        return path
    return sqlite_file(folder / "archive.sqlite3", "CREATE TABLE archive_article (id integer)")


def test_backup_reports_what_it_wrote(seeds, transactional_db, tmp_path):
    path = tmp_path / "archive.backup"
    out, _ = run("backup", str(path))
    size = path.stat().st_size
    database = NAMES[connection.vendor]
    assert re.fullmatch(
        rf"Backed up 6 articles to {re.escape(str(path))} "
        rf"\({database}, [\d.]+ [KM]B: {size} bytes\)\.\n",
        out,
    )


def test_backup_refuses_to_replace_a_file_without_force(seeds, transactional_db, tmp_path):
    path = tmp_path / "archive.backup"
    path.write_text("last night's backup")
    with pytest.raises(CommandError, match=r"archive.backup exists: .* pass --force"):
        run("backup", str(path))
    assert path.read_text() == "last night's backup"
    out, _ = run("backup", str(path), "--force")
    assert out.startswith("Backed up 6 articles")


def test_backup_refuses_a_folder_that_does_not_exist(db, tmp_path):
    with pytest.raises(CommandError, match=r"No such folder: .*missing"):
        run("backup", str(tmp_path / "missing" / "archive.backup"))


def test_backup_refuses_a_folder_as_its_file(db, tmp_path):
    with pytest.raises(CommandError, match="is a folder: give the name of the backup file"):
        run("backup", str(tmp_path))


def test_restore_brings_the_backup_back_and_says_so(backup):
    Article.objects.all().delete()
    out, err = run("restore", str(backup), "--yes")
    assert out == f"Restored 6 articles from {backup}.\n"
    assert err == ""
    assert Article.objects.count() == 6


def test_restore_refuses_without_yes_when_it_cannot_ask(backup):
    ArticleFactory(title="Written after the backup")
    with pytest.raises(CommandError, match=r"replaces everything .* Pass --yes to go ahead"):
        run("restore", str(backup))
    assert Article.objects.filter(title="Written after the backup").exists()


@pytest.fixture
def terminal(monkeypatch):
    """stdin is a terminal on which these answers are typed; returns the prompts shown."""

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    prompts = []

    def type_answers(*answers):
        answers = list(answers)
        monkeypatch.setattr("sys.stdin", Terminal())
        monkeypatch.setattr(
            "builtins.input", lambda prompt: prompts.append(prompt) or answers.pop(0)
        )
        return prompts

    return type_answers


def test_restore_asks_on_a_terminal_and_goes_ahead_on_yes(backup, terminal):
    ArticleFactory(title="Written after the backup")
    prompts = terminal("yes")
    out, _ = run("restore", str(backup))
    assert len(prompts) == 1
    assert f"Restoring {backup} replaces everything" in prompts[0]
    assert prompts[0].endswith("Type 'yes' to go ahead: ")
    assert out.startswith("Restored 6 articles")
    assert not Article.objects.filter(title="Written after the backup").exists()


def test_restore_on_a_terminal_restores_nothing_unless_told_yes(backup, terminal):
    ArticleFactory(title="Written after the backup")
    terminal("no")
    with pytest.raises(CommandError, match=r"Nothing restored\."):
        run("restore", str(backup))
    assert Article.objects.filter(title="Written after the backup").exists()


def test_restore_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match=r"No such file: .*nowhere.backup"):
        run("restore", str(tmp_path / "nowhere.backup"), "--yes")


@pytest.mark.parametrize("content", [b"", b"name,headline\n1,Trade talks\n", bytes(range(256))])
def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path, content):
    path = tmp_path / "archive.backup"
    path.write_bytes(content)
    with pytest.raises(
        CommandError,
        match=r"is not a backup: it is neither an SQLite database nor a PostgreSQL dump",
    ):
        run("restore", str(path), "--yes")


def test_restore_refuses_a_backup_of_the_other_database(db, tmp_path):
    path = other_kind_of_backup(tmp_path)
    this = NAMES[connection.vendor]
    [other] = set(NAMES.values()) - {this}
    with pytest.raises(
        CommandError,
        match=rf"the backup of an archive on {other}; this archive runs on {this}, which restores",
    ):
        run("restore", str(path), "--yes")


def test_restore_refuses_a_database_that_is_not_an_archive(db, tmp_path):
    if connection.vendor == "sqlite":
        path = sqlite_file(tmp_path / "other.sqlite3", "CREATE TABLE recipes (name text)")
    else:
        path = tmp_path / "other.dump"
        engine = engine_for(connection)
        settings = connection.settings_dict
        subprocess.run(
            [
                engine.tool("pg_dump"),
                "--format=custom",
                f"--file={path}",
                f"--host={settings['HOST'] or '127.0.0.1'}",
                f"--port={settings['PORT'] or 5432}",
                f"--username={settings['USER']}",
                "--dbname=postgres",  # the maintenance database: no archive in it
            ],
            env=engine.environment(),
            check=True,
        )
    with pytest.raises(
        CommandError, match=rf"is an? {NAMES[connection.vendor]} .*not an archive's"
    ):
        run("restore", str(path), "--yes")


def test_restore_refuses_a_damaged_backup(backup):
    ArticleFactory(title="Written after the backup")
    damaged = backup.with_name("damaged.backup")
    content = backup.read_bytes()
    damaged.write_bytes(content[: len(content) // 3])
    message = {
        "sqlite": r"damaged\.backup (is a damaged SQLite database|cannot be read as an SQLite)",
        "postgresql": r"damaged\.backup is unreadable: pg_restore: error",
    }[connection.vendor]
    with pytest.raises(CommandError, match=message):
        run("restore", str(damaged), "--yes")
    assert Article.objects.filter(title="Written after the backup").exists()


def test_restore_of_an_older_backup_says_to_migrate(backup, tmp_path):
    recorder = MigrationRecorder(connection)
    last = max(name for app, name in recorder.applied_migrations() if app == "archive")
    recorder.record_unapplied("archive", last)
    try:
        older = tmp_path / "older.backup"
        run("backup", str(older))
        recorder.record_applied("archive", last)
        out, _ = run("restore", str(older), "--yes")
    finally:
        recorder.record_applied("archive", last)
    assert "The backup predates 1 migration of this code: run `manage.py migrate` now." in out


def test_restore_of_a_newer_backup_says_so(backup, tmp_path):
    recorder = MigrationRecorder(connection)
    recorder.record_applied("archive", "9999_from_the_future")
    try:
        newer = tmp_path / "newer.backup"
        run("backup", str(newer))
        recorder.record_unapplied("archive", "9999_from_the_future")
        _, err = run("restore", str(newer), "--yes")
    finally:
        recorder.record_unapplied("archive", "9999_from_the_future")
    assert "migrations this one does not have: archive.9999_from_the_future" in err
