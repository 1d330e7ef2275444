from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from foods.catalog.loader import SEED_PATH, SeedError, load_catalog


class Command(BaseCommand):
    help = "Load the seed catalog of foods and supplements. Safe to run again: it changes only what changed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=Path, default=SEED_PATH, help=f"The seed file to load (default: {SEED_PATH})."
        )

    def handle(self, *args, seed, verbosity, **options):
        try:
            summary = load_catalog(seed)
        except SeedError as error:
            raise CommandError(str(error)) from error
        if verbosity > 1:
            for label, keys in (("Created", summary.items_created), ("Updated", summary.items_updated)):
                if keys:
                    self.stdout.write(f"{label}: {', '.join(keys)}")
        self.stdout.write(str(summary))
