from benchmarks.pages import REPEATS, measure, pages_benchmark, table, write_results
from benchmarks.records import RecordingCommand


class Command(RecordingCommand):
    help = (
        "Time the reader's pages (home, the largest event, topic and language, the article "
        "list, a search for a common word) cold and warm, with their queries, on a synthetic "
        "tagged corpus, on SQLite and PostgreSQL."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument(
            "--database", action="append", choices=["sqlite", "postgres"], dest="databases"
        )
        parser.add_argument(
            "--repeats",
            type=int,
            default=REPEATS,
            help=f"Requests timed per page, cold and warm each (default {REPEATS}).",
        )
        parser.add_argument(
            "--measure",
            dest="result_file",
            metavar="RESULT_FILE",
            help="Measure the database in DATABASE_URL and write the timings (used by the run).",
        )

    def handle(
        self, *args, articles, databases, repeats, result_file=None, records=None, **options
    ):
        if result_file:
            timings, missing = measure(repeats=repeats, out=self.stdout.write)
            write_results(result_file, timings, missing)
            return
        timings, missing = pages_benchmark(
            articles=articles,
            databases=databases or ["sqlite", "postgres"],
            repeats=repeats,
            out=self.stdout.write,
        )
        text = table(timings, articles=articles, skipped=missing)
        self.stdout.write("")
        self.stdout.write(text)
        # Nothing measured (no PostgreSQL for a PostgreSQL-only run): nothing to keep.
        if timings:
            self.record(kind="pages", articles=articles, text=text, folder=records)
