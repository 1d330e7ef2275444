from django.core.management.base import BaseCommand

from foods.rankings import refresh_rankings


class Command(BaseCommand):
    help = (
        "Recompute every item's ranking columns (K2 and vitamin D per basis, typical portion) from its values "
        "and portions. They are kept fresh on every save; this repairs them after writes that bypass that."
    )

    def handle(self, *args, verbosity, **options):
        updated = refresh_rankings()
        if verbosity >= 1:
            self.stdout.write(f"Refreshed the rankings of {updated:,} items.")
