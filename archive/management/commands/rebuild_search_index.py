from django.core.management.base import BaseCommand, CommandError

from archive.search.documents import common_terms
from archive.search.maintenance import index_check, index_rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text index from the articles, or (--check) report where it drifted."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Report drift and change nothing.")

    def handle(self, *args, check, **options):
        if not check:
            count = index_rebuild()
            self.stdout.write(f"Indexed {count} articles.")
            if common := common_terms():
                self.stdout.write(f"Pairs of {len(common)} common terms indexed, for phrases.")
            return
        drift = index_check()
        for name in ("missing", "orphaned", "outdated"):
            ids = getattr(drift, name)
            shown = ", ".join(f"#{pk}" for pk in ids[:20]) + (" …" if len(ids) > 20 else "")
            self.stdout.write(f"{name}: {len(ids)}" + (f" ({shown})" if ids else ""))
        if drift:
            raise CommandError("The index has drifted: run rebuild_search_index.")
        self.stdout.write("The index is in step with the articles.")
