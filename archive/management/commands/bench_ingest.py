from django.core.management.base import BaseCommand

from archive.bench.ingest import ingest_benchmark, table

VARIANTS = ["loader", "loader, 1 process", "baseline"]


class Command(BaseCommand):
    help = "Time load_seeds end to end on a synthetic JSON Lines corpus, on SQLite and PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument(
            "--database", action="append", choices=["sqlite", "postgres"], dest="databases"
        )
        parser.add_argument("--variant", action="append", choices=VARIANTS, dest="variants")

    def handle(self, *args, articles, databases, variants, **options):
        runs = ingest_benchmark(
            articles=articles,
            databases=databases or ["sqlite", "postgres"],
            variants=variants or VARIANTS,
            out=self.stdout.write,
        )
        self.stdout.write("")
        self.stdout.write(table(runs))
