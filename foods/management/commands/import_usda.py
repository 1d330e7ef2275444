from django.core.management.base import BaseCommand, CommandError

from foods.importers import ImportFailed, import_usda


class Command(BaseCommand):
    help = (
        "Import USDA food composition data from DIR: the SR28 ASCII release (FOOD_DES.txt, NUT_DATA.txt, ...) "
        "or a FoodData Central CSV download (food.csv, food_nutrient.csv, ...). A second run updates items "
        "found by their USDA id; values from other sources are never overwritten. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="the directory holding the USDA files")
        parser.add_argument(
            "--crosswalk",
            metavar="FILE",
            help="a CSV with columns fdc_id and ndb_no linking FDC ids and SR28 NDB numbers "
            "(e.g. shared/data/usda_sr28/fdc_ndb_crosswalk.csv)",
        )

    def handle(self, *args, directory, crosswalk, verbosity, **options):
        progress = self.stdout.write if verbosity >= 1 else None
        try:
            report = import_usda(directory, crosswalk=crosswalk, progress=progress)
        except ImportFailed as error:
            raise CommandError(f"{str(error).rstrip('.')}. Nothing was imported.") from error
        if verbosity >= 1:
            for line in report.lines():
                self.stdout.write(line)
