from benchmarks.records import RecordingCommand
from benchmarks.search import measure, search_benchmark, table, write_results


class Command(RecordingCommand):
    help = (
        "Time 50 searches on a synthetic corpus through the search module, the JSON API, "
        "django-modelsearch and tantivy, on SQLite and PostgreSQL."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument(
            "--database", action="append", choices=["sqlite", "postgres"], dest="databases"
        )
        parser.add_argument(
            "--measure",
            dest="result_file",
            metavar="RESULT_FILE",
            help="Measure the database in DATABASE_URL and write the timings (used by the run).",
        )

    def handle(self, *args, articles, databases, result_file=None, records=None, **options):
        if result_file:
            write_results(result_file, measure(articles=articles, out=self.stdout.write))
            return
        timings = search_benchmark(
            articles=articles,
            databases=databases or ["sqlite", "postgres"],
            out=self.stdout.write,
        )
        text = table(timings, articles=articles)
        self.stdout.write("")
        self.stdout.write(text)
        # Nothing measured (no PostgreSQL for a PostgreSQL-only run): nothing to keep.
        if timings:
            self.record(kind="search", articles=articles, text=text, folder=records)
