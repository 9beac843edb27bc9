from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.ingest.services import articles_load


class Command(BaseCommand):
    help = "Load article files (or folders of them) into the archive. Loading twice is a no-op."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", help="Files or folders to load (default: the seeds/ folder)."
        )

    def handle(self, *args, paths, **options):
        counts = {"created": 0, "skipped": 0, "failed": 0}
        for outcome in articles_load(paths=paths or [settings.BASE_DIR / "seeds"]):
            counts[outcome.status] += 1
            line = f"{outcome.status:8} {outcome.path}: {outcome.detail}"
            if outcome.status == "failed":
                self.stderr.write(line)
            else:
                self.stdout.write(line)
        self.stdout.write(
            f"{counts['created']} created, {counts['skipped']} skipped, {counts['failed']} failed"
        )
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} file(s) could not be loaded; see above.")
