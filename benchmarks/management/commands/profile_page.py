from django.core.management.base import BaseCommand

from benchmarks.profile import page_profile


class Command(BaseCommand):
    help = (
        "Profile one page, asked many times through the whole middleware stack, on the "
        "database in DATABASE_URL: processor time a request, and where it goes."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The page, such as '/articles/?q=China'.")
        parser.add_argument("--repeats", type=int, default=200)
        parser.add_argument("--page-cache", action="store_true", help="Profile cache hits.")
        parser.add_argument(
            "--no-search-cache", action="store_true", help="Compute every search afresh."
        )
        parser.add_argument("--top", type=int, default=25)

    def handle(self, *args, path, repeats, page_cache, no_search_cache, top, **options):
        per_request_ms, profile = page_profile(
            path=path,
            repeats=repeats,
            page_cache=page_cache,
            search_cache=not no_search_cache,
            top=top,
        )
        self.stdout.write(f"{path}: {per_request_ms:.1f} ms of processor time a request")
        self.stdout.write(profile)
