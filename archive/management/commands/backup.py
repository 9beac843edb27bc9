from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from archive.backups import DATABASE_NAMES, BackupError, database_backup


class Command(BaseCommand):
    help = (
        "Write a consistent snapshot of the archive's database to PATH while the site serves "
        "and loads run: an SQLite database file on SQLite, a pg_dump custom-format archive on "
        "PostgreSQL. Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file to write.")
        parser.add_argument("--force", action="store_true", help="Replace PATH if it exists.")

    def handle(self, *args, path, force, **options):
        try:
            written = database_backup(path=path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = filesizeformat(written.size).replace("\xa0", " ")
        self.stdout.write(
            f"Backed up {written.articles} articles to {written.path} "
            f"({DATABASE_NAMES[written.kind]}, {size}: {written.size} bytes)."
        )
