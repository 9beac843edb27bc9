from django.core.management.base import BaseCommand

from archive.bench.ingest import ingest_benchmark, stages_benchmark, table
from archive.bench.stages import report

VARIANTS = ["loader", "loader, 1 process", "baseline"]


class Command(BaseCommand):
    help = "Time load_seeds end to end on a synthetic JSON Lines corpus, on SQLite and PostgreSQL."

    def add_arguments(self, parser):
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

    def handle(self, *args, articles, databases, variants, stages, **options):
        if stages:
            costs = stages_benchmark(
                articles=articles,
                databases=databases or ["sqlite", "postgres"],
                out=self.stdout.write,
            )
            for database, database_costs in costs.items():
                self.stdout.write(f"\n{database}, {articles:,} articles\n")
                self.stdout.write(report(database_costs))
            return
        runs = ingest_benchmark(
            articles=articles,
            databases=databases or ["sqlite", "postgres"],
            variants=variants or VARIANTS,
            out=self.stdout.write,
        )
        self.stdout.write("")
        self.stdout.write(table(runs))
