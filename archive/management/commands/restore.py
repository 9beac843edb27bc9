import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from archive.backups import BackupError, database_restore


class Command(BaseCommand):
    help = (
        "Replace the archive's whole database (articles, search index, accounts, history) "
        "with a backup written by `manage.py backup` on the same kind of database."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file to restore.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace the archive without asking; required when not run on a terminal.",
        )

    def handle(self, *args, path, yes, **options):
        if not yes:
            self.confirm(path)
        try:
            restored = database_restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {restored.articles} articles from {restored.path}.")
        if count := len(restored.unapplied):
            self.stdout.write(
                f"The backup predates {count} migration{'s' if count > 1 else ''} of this "
                "code: run `manage.py migrate` now."
            )
        if restored.unknown:
            names = ", ".join(f"{app}.{name}" for app, name in restored.unknown)
            self.stderr.write(
                f"The backup was written by a newer version of the code (migrations this one "
                f"does not have: {names}): run that version, or restore an older backup."
            )

    def confirm(self, path):
        database = connection.settings_dict["NAME"]
        warning = (
            f"Restoring {path} replaces everything in the archive's database {database}: "
            "articles, search index, accounts and history."
        )
        if not sys.stdin.isatty():
            raise CommandError(f"{warning} Pass --yes to go ahead.")
        try:
            answer = input(f"{warning}\nType 'yes' to go ahead: ")
        except (EOFError, KeyboardInterrupt) as error:
            raise CommandError("Nothing restored.") from error
        if answer.strip().lower() != "yes":
            raise CommandError("Nothing restored.")
