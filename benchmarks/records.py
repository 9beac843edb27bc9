"""The benchmarks' dated records: each run of bench_ingest or bench_search adds what it
printed to docs/benchmarks/YYYY-MM-DD-<ingest|search>-<articles>.md (created by the day's
first run of that size), with what a reader needs to compare it with another run: the
command line, the machine's processor count and the commit of the code that ran.
"""

import datetime
import os
import shlex
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


def default_folder():
    return Path(settings.BASE_DIR) / "docs" / "benchmarks"


def commit():
    """The checkout's commit, short, or None outside a git checkout (an installed copy)."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip() or None


def record(*, kind, articles, command_line, text, folder=None, now=None):
    """Append a run's `text` to the day's record of `kind` runs on `articles` articles;
    the path written."""
    now = now or datetime.datetime.now()
    folder = Path(folder) if folder else default_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{now:%Y-%m-%d}-{kind}-{articles}.md"
    new = not path.exists()
    with path.open("a", encoding="utf-8") as handle:
        if new:
            title = f"{kind.capitalize()} benchmark, {articles:,} articles, {now:%Y-%m-%d}"
            handle.write(f"# {title}\n")
        handle.write(
            f"\n## Run at {now:%H:%M}\n\n"
            f"- command: `{command_line}`\n"
            f"- processors: {os.cpu_count()}\n"
            f"- commit: {commit() or 'unknown (not a git checkout)'}\n"
            f"\n{text.strip()}\n"
        )
    return path


class RecordingCommand(BaseCommand):
    """A benchmark command that keeps a dated record of its runs."""

    # Set from the command line as typed; call_command has none.
    command_line = None

    def add_arguments(self, parser):
        parser.add_argument(
            "--records",
            metavar="FOLDER",
            type=Path,
            help="Where the dated record of the run goes (default: docs/benchmarks).",
        )

    def run_from_argv(self, argv):
        self.command_line = shlex.join([Path(argv[0]).name, *argv[1:]])
        super().run_from_argv(argv)

    def record(self, *, kind, articles, text, folder):
        name = self.__module__.rsplit(".", 1)[-1]
        path = record(
            kind=kind,
            articles=articles,
            command_line=self.command_line or f"manage.py {name} (from call_command)",
            text=text,
            folder=folder,
        )
        self.stdout.write(f"\nRecorded in {path}")
        return path
