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
        # A bar on a terminal; plain lines in a log or a pipe.
        on_terminal = self.stdout.isatty() and verbosity > 0
        bar = tqdm(unit=" records", disable=not on_terminal, file=self.stderr._out)
        counts = Counter()
        near_duplicates = 0

        for outcome in articles_load(paths=paths, dry_run=dry_run):
            counts[outcome.status] += 1
            near_duplicates += bool(outcome.near_duplicate_of)
            bar.update(1)
            routine = outcome.status in (Status.CREATED, Status.UPDATED, Status.UNCHANGED)
            # A line per text file; a JSON Lines file's routine records only with -v 2.
            quiet = routine and (outcome.line or on_terminal) and verbosity < 2
            if not quiet or outcome.warnings or outcome.near_duplicate_of:
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
        stream = self.stderr if outcome.status == Status.FAILED else self.stdout
        lines = [f"{outcome.status:9} {outcome.where}: {outcome.detail}"]
        lines += [f"  warning: {warning}" for warning in outcome.warnings]
        for line in lines:
            if bar.disable:
                stream.write(line)
            else:
                bar.write(line, file=stream._out)
