import sys
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from archive.ingest.services import Status, articles_load


class Command(BaseCommand):
    help = (
        "Load article files (.txt, .md with optional front matter, .jsonl) and folders of "
        "them. Loading the same files again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", help="Files or folders to load (default: the seeds/ folder)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; write nothing."
        )

    def handle(self, *args, paths, dry_run, verbosity, **options):
        paths = paths or [settings.BASE_DIR / "seeds"]
        on_terminal = self.stdout.isatty() and verbosity > 0
        bar = tqdm(total=None, unit=" files", disable=not on_terminal, file=sys.stderr)
        counts = Counter()
        near_duplicates = 0

        for outcome in articles_load(paths=paths, dry_run=dry_run, on_progress=bar.update):
            counts[outcome.status] += 1
            near_duplicates += bool(outcome.near_duplicate_of)
            routine = outcome.status in (Status.CREATED, Status.UPDATED, Status.UNCHANGED)
            # One line per file; a JSON Lines file's routine records only with -v 2.
            if (
                not routine
                or not outcome.line
                or verbosity > 1
                or outcome.near_duplicate_of
                or outcome.warnings
            ):
                self._report(outcome, bar, verbosity)

        bar.close()
        summary = ", ".join(f"{counts[status]} {status}" for status in Status.ALL)
        if near_duplicates:
            summary += f" ({near_duplicates} flagged as near duplicates)"
        self.stdout.write(("Dry run, nothing written: " if dry_run else "") + summary)
        if counts[Status.FAILED]:
            raise CommandError(f"{counts[Status.FAILED]} file(s) or record(s) failed; see above.")

    def _report(self, outcome, bar, verbosity):
        if verbosity == 0 and outcome.status != Status.FAILED:
            return
        line = f"{outcome.status:9} {outcome.where}: {outcome.detail}"
        stream = self.stderr if outcome.status == Status.FAILED else self.stdout
        lines = [line] + [f"  warning: {warning}" for warning in outcome.warnings]
        for text in lines:
            if bar.disable:
                stream.write(text)
            else:
                bar.write(text, file=stream._out)
