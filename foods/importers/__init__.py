"""
Import USDA food composition data into the catalog: the SR28 ASCII release or a FoodData Central
CSV download, told apart by the files present. The whole import is one transaction: a file that
cannot be read leaves the database as it was.
"""

from pathlib import Path

from django.db import transaction

from foods.importers.catalog import ImportReport
from foods.importers.fdc import fdc_writer, import_fdc
from foods.importers.files import ImportFailed, MalformedFile, read_csv
from foods.importers.sr28 import NDB_NUMBER, import_sr28, sr28_writer
from foods.rankings import refresh_rankings

__all__ = ["ImportFailed", "ImportReport", "MalformedFile", "detect_layout", "import_usda", "read_crosswalk"]

SR28 = "SR28"
FDC = "FoodData Central"
LAYOUTS = {
    SR28: {
        "required": ("FD_GROUP.txt", "FOOD_DES.txt", "NUTR_DEF.txt", "NUT_DATA.txt"),
        "optional": ("WEIGHT.txt",),
    },
    FDC: {
        "required": ("food.csv", "nutrient.csv", "food_nutrient.csv"),
        "optional": ("food_category.csv", "food_portion.csv", "measure_unit.csv", "sr_legacy_food.csv"),
    },
}
# A file that is only read together with another one.
NEEDS = {"food_portion.csv": "measure_unit.csv"}


def detect_layout(directory):
    """(layout, {file name: path}) for the USDA files in `directory`; names match in any case."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ImportFailed(f"{directory} is not a directory.")
    present = {path.name.lower(): path for path in directory.iterdir() if path.is_file()}
    found = {}
    for layout, names in LAYOUTS.items():
        names = names["required"] + names["optional"]
        files = {name: present[name.lower()] for name in names if name.lower() in present}
        if files:
            found[layout] = files
    if not found:
        raise ImportFailed(
            f"{directory} holds no USDA files in a layout this import knows: expected the SR28 ASCII files "
            f"({', '.join(LAYOUTS[SR28]['required'])}) or a FoodData Central CSV download "
            f"({', '.join(LAYOUTS[FDC]['required'])})."
        )
    if len(found) > 1:
        raise ImportFailed(
            f"{directory} holds both SR28 and FoodData Central files; import each from its own directory."
        )
    layout, files = found.popitem()
    missing = [name for name in LAYOUTS[layout]["required"] if name not in files]
    missing += [needed for name, needed in NEEDS.items() if name in files and needed not in files]
    if missing:
        raise ImportFailed(f"{directory} looks like USDA {layout} but lacks {', '.join(missing)}.")
    return layout, files


def read_crosswalk(path):
    """{fdc_id: NDB number} from a CSV with columns fdc_id and ndb_no; rows without an NDB number are left out."""
    path = Path(path)
    if not path.is_file():
        raise ImportFailed(f"{path} is not a file.")
    ndb_by_fdc_id, seen_ndbs = {}, set()
    for row in read_csv(path, ("fdc_id", "ndb_no")):
        fdc_id, ndb = row.integer("fdc_id"), row.text("ndb_no")
        if not ndb:
            continue
        if not NDB_NUMBER.fullmatch(ndb):
            row.fail(f"ndb_no {ndb!r} is not 5 digits")
        if fdc_id in ndb_by_fdc_id or ndb in seen_ndbs:
            row.fail(f"fdc_id {fdc_id} or ndb_no {ndb} is listed twice")
        ndb_by_fdc_id[fdc_id] = ndb
        seen_ndbs.add(ndb)
    return ndb_by_fdc_id


def import_usda(directory, *, crosswalk=None, progress=None):
    """Import the USDA files in `directory`; `crosswalk` links SR28 NDB numbers and FDC ids.

    `progress`, if given, is called with a line of text now and then. Returns an ImportReport.
    Raises ImportFailed (MalformedFile names the file and line) with nothing written.
    """
    layout, files = detect_layout(directory)
    ndb_by_fdc_id = read_crosswalk(crosswalk) if crosswalk else None
    report = ImportReport(layout=layout)
    if progress:
        progress(f"Importing USDA {layout} from {directory}")
    with transaction.atomic():
        if layout == SR28:
            fdc_id_by_ndb = {ndb: fdc_id for fdc_id, ndb in ndb_by_fdc_id.items()} if ndb_by_fdc_id else None
            writer = sr28_writer(report)
            import_sr28(files, writer, fdc_id_by_ndb=fdc_id_by_ndb, progress=progress)
        else:
            writer = fdc_writer(report)
            import_fdc(files, writer, ndb_by_fdc_id=ndb_by_fdc_id, progress=progress)
        # The bulk writes send no signals: the catalog's sort columns are brought up to date here.
        refresh_rankings(writer.filled_item_pks())
    return report
