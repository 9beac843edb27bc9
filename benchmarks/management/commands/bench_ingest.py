from benchmarks.ingest import ingest_benchmark, stages_benchmark, table
from benchmarks.records import RecordingCommand
from benchmarks.stages import report

VARIANTS = ["loader", "loader, 1 process", "baseline"]


class Command(RecordingCommand):
    help = "Time load_seeds end to end on a synthetic JSON Lines corpus, on SQLite and PostgreSQL."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument(
            "--database", action="append", choices=["sqlite", "postgres"], dest="databases"
        )
        parser.add_argument("--variant", action="append", choices=VARIANTS, dest="variants")
        parser.add_argument(
            "--stages",
            action="store_true",
            help="Instead of timing loads, report the processor time of each stage of the "
            "loader per article, in one process.",
        )

    def handle(self, *args, articles, databases, variants, stages, records=None, **options):
        if stages:
            costs = stages_benchmark(
                articles=articles,
                databases=databases or ["sqlite", "postgres"],
                out=self.stdout.write,
            )
            text = "\n".join(
                f"\n{database}, {articles:,} articles\n\n{report(database_costs)}"
                for database, database_costs in costs.items()
            )
            self.stdout.write(text)
            measured = bool(costs)
        else:
            runs = ingest_benchmark(
                articles=articles,
                databases=databases or ["sqlite", "postgres"],
                variants=variants or VARIANTS,
                out=self.stdout.write,
            )
            text = table(runs)
            self.stdout.write("")
            self.stdout.write(text)
            measured = bool(runs)
        # Nothing measured (no PostgreSQL for a PostgreSQL-only run): nothing to keep.
        if measured:
            self.record(kind="ingest", articles=articles, text=text, folder=records)
