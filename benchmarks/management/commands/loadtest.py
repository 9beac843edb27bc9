from benchmarks.loadtest import REDIS_URL, loadtest, table
from benchmarks.records import RecordingCommand


class Command(RecordingCommand):
    help = (
        "Serve the pages benchmark's corpus on PostgreSQL with `make serve` and drive it with "
        "wrk over a mix of readers' requests, while the loader adds articles; report requests "
        "a second, latency percentiles, errors by kind and the workers' memory."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument(
            "--cold", action="store_true", help="Do not ask each path once before the run."
        )
        parser.add_argument(
            "--load-during",
            type=int,
            default=2000,
            metavar="ARTICLES",
            help="New articles the loader adds during the run (0: none; default 2000).",
        )

        parser.add_argument(
            "--redis",
            default=REDIS_URL,
            metavar="URL",
            help=f"The cache (default {REDIS_URL}); '' for each process's memory.",
        )

    def handle(
        self, *args, articles, seconds, connections, cold, load_during, redis, records, **opts
    ):
        outcome = loadtest(
            redis_url=redis,
            articles=articles,
            seconds=seconds,
            connections=connections,
            warm=not cold,
            load_during=load_during,
            out=self.stdout.write,
        )
        text = table(outcome)
        self.stdout.write("")
        self.stdout.write(text)
        self.record(kind="loadtest", articles=articles, text=text, folder=records)
