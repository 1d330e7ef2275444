"""
USDA FoodData Central, its CSV download (https://fdc.nal.usda.gov/download-datasets).

Columns from FDC's "Download Field Descriptions". Amounts in food_nutrient.csv are per 100 g. A
download may hold lab records (samples, acquisitions) beside foods: only the food data types below
become catalog items; rows of the others are passed over.
"""

from foods.importers.catalog import (
    CatalogWriter,
    Food,
    Value,
    WeighedPortion,
    check_nutrient_unit,
    usda_source,
    vitamin_d_from_iu,
)
from foods.importers.files import read_csv
from foods.models import MAX_AMOUNT_PER_BASIS, Item
from foods.nutrients import BY_FDC_ID, VITAMIN_D
from foods.units import plain

FOOD_COLUMNS = ("fdc_id", "data_type", "description", "food_category_id")
NUTRIENT_COLUMNS = ("id", "name", "unit_name")
FOOD_NUTRIENT_COLUMNS = ("fdc_id", "nutrient_id", "amount")
FOOD_PORTION_COLUMNS = (
    "fdc_id", "seq_num", "amount", "measure_unit_id", "portion_description", "modifier", "gram_weight",
)
MEASURE_UNIT_COLUMNS = ("id", "name")
FOOD_CATEGORY_COLUMNS = ("id", "code", "description")
SR_LEGACY_FOOD_COLUMNS = ("fdc_id", "NDB_number")

FOOD_DATA_TYPES = {"foundation_food", "sr_legacy_food", "survey_fndds_food", "branded_food", "experimental_food"}
# Only these data types point food_category_id at food_category.csv (FNDDS points at WWEIA's categories).
CATEGORISED_DATA_TYPES = {"foundation_food", "sr_legacy_food"}
UNDETERMINED_UNIT_ID = 9999
MAX_FDC_ID = 2**31 - 1  # Item.fdc_id is a PositiveIntegerField

CHANGE_REASON = "Imported from USDA FoodData Central (import_usda)"


def fdc_writer(report):
    return CatalogWriter(source=usda_source("usda-fdc"), key_field="fdc_id", report=report, change_reason=CHANGE_REASON)


def import_fdc(files, writer, *, ndb_by_fdc_id=None, progress=None):
    """Import the FDC CSV files ({file name: path}).

    FDC's own sr_legacy_food.csv, or `ndb_by_fdc_id` from a crosswalk, finds SR Legacy foods that
    the catalog already holds under their SR28 NDB number (e.g. the seed catalog's natto).
    """
    categories = {}
    if "food_category.csv" in files:
        categories = dict(_categories(files["food_category.csv"], progress))
        writer.write_categories(categories.values())
    units = _nutrient_units(files["nutrient.csv"], progress)
    ndb_by_fdc_id = dict(ndb_by_fdc_id or {})
    if "sr_legacy_food.csv" in files:
        ndb_by_fdc_id.update(_sr_legacy_links(files["sr_legacy_food.csv"], progress))
    passed_over = set()
    foods = _foods(files["food.csv"], categories, passed_over, writer.report, progress)
    writer.write_items(foods, links=_items_by_ndb(ndb_by_fdc_id))
    writer.write_values(_values(files["food_nutrient.csv"], writer, units, passed_over, progress))
    if "food_portion.csv" in files:
        unit_names = dict(_measure_units(files["measure_unit.csv"], progress))
        writer.write_portions(_portions(files["food_portion.csv"], writer, unit_names, passed_over, progress))


def _categories(path, progress):
    """(id, (code, description)); the code ("0100") is SR28's FdGrp_Cd, so both layouts share categories."""
    for row in read_csv(path, FOOD_CATEGORY_COLUMNS, progress):
        code = row.text("code") or row.text("id")
        if len(code) > 4:
            row.fail(f"category code {code!r} is longer than 4 characters")
        yield row.integer("id"), (code, row.required_text("description"))


def _nutrient_units(path, progress):
    """{nutrient id: unit}, checking that each nutrient we take is in the unit we store it in."""
    units = {}
    for row in read_csv(path, NUTRIENT_COLUMNS, progress):
        nutrient_id, unit = row.integer("id"), row.text("unit_name")
        check_nutrient_unit(row, nutrient_id, unit, BY_FDC_ID.get(nutrient_id), VITAMIN_D.iu_fdc_id)
        units[nutrient_id] = unit
    return units


def _sr_legacy_links(path, progress):
    for row in read_csv(path, SR_LEGACY_FOOD_COLUMNS, progress):
        ndb = row.required_text("NDB_number")
        if not ndb.isdigit() or len(ndb) > 5:
            row.fail(f"NDB_number {ndb!r} is not an NDB number")
        yield _fdc_id(row), ndb.zfill(5)


def _items_by_ndb(ndb_by_fdc_id):
    """{fdc_id: pk} of catalog foods without an FDC id whose NDB number an FDC food carries."""
    if not ndb_by_fdc_id:
        return {}
    pks = dict(
        Item.objects.catalog()
        .filter(kind=Item.Kind.FOOD, fdc_id=None)
        .exclude(usda_ndb_number=None)
        .values_list("usda_ndb_number", "pk")
    )
    return {fdc_id: pks[ndb] for fdc_id, ndb in ndb_by_fdc_id.items() if ndb in pks}


def _foods(path, categories, passed_over, report, progress):
    for row in read_csv(path, FOOD_COLUMNS, progress):
        fdc_id = _fdc_id(row)
        data_type = row.text("data_type")
        if data_type not in FOOD_DATA_TYPES:
            passed_over.add(fdc_id)
            report.foods_skipped += 1
            continue
        code = None
        category_id = row.integer("food_category_id", required=False)
        if categories and category_id is not None and data_type in CATEGORISED_DATA_TYPES:
            if category_id not in categories:
                row.fail(f"food_category_id {category_id} is not in food_category.csv")
            code = categories[category_id][0]
        yield Food(fdc_id, row.required_text("description"), code, row)


def _values(path, writer, units, passed_over, progress):
    for row in read_csv(path, FOOD_NUTRIENT_COLUMNS, progress):
        fdc_id = _known_food(row, writer, passed_over)
        nutrient_id = row.integer("nutrient_id")
        if nutrient_id not in units:
            row.fail(f"nutrient {nutrient_id} is not in nutrient.csv")
        amount = row.decimal("amount", required=False)
        nutrient = BY_FDC_ID.get(nutrient_id)
        if fdc_id is None or amount is None or (nutrient is None and nutrient_id != VITAMIN_D.iu_fdc_id):
            continue
        if amount > MAX_AMOUNT_PER_BASIS:
            row.fail(f"amount {amount} is more than {MAX_AMOUNT_PER_BASIS:,} per 100 g")
        if nutrient:
            yield Value(fdc_id, nutrient.code, amount, row)
        else:
            yield vitamin_d_from_iu(fdc_id, amount, row, usda_nutrient=f"FDC nutrient {VITAMIN_D.iu_fdc_id}")


def _measure_units(path, progress):
    for row in read_csv(path, MEASURE_UNIT_COLUMNS, progress):
        yield row.integer("id"), row.text("name")


def _portions(path, writer, unit_names, passed_over, progress):
    for row in read_csv(path, FOOD_PORTION_COLUMNS, progress):
        fdc_id = _known_food(row, writer, passed_over)
        label = _portion_label(row, unit_names)
        grams = row.decimal("gram_weight")
        seq = row.integer("seq_num", required=False)
        if fdc_id is not None:
            yield WeighedPortion(fdc_id, row.line if seq is None else seq, label, grams, row)


def _portion_label(row, unit_names):
    """FNDDS describes a portion whole ("1 cup"); SR Legacy and Foundation give amount, unit, modifier."""
    description = row.text("portion_description")
    if description:
        return description
    unit_id = row.integer("measure_unit_id", required=False)
    if unit_id is not None and unit_id not in unit_names:
        row.fail(f"measure_unit_id {unit_id} is not in measure_unit.csv")
    unit = unit_names.get(unit_id, "") if unit_id != UNDETERMINED_UNIT_ID else ""
    modifier = row.text("modifier")
    if not unit and not modifier:
        row.fail("the portion has no description, unit or modifier to name it by")
    amount = row.decimal("amount", required=False)
    return " ".join(part for part in (amount is not None and plain(amount), unit, modifier) if part)


def _fdc_id(row):
    fdc_id = row.integer("fdc_id")
    if not 0 < fdc_id <= MAX_FDC_ID:
        row.fail(f"fdc_id {fdc_id} is out of range")
    return fdc_id


def _known_food(row, writer, passed_over):
    """The row's fdc_id, or None for a food of a data type we pass over."""
    fdc_id = _fdc_id(row)
    if fdc_id in passed_over:
        return None
    if not writer.knows_food(fdc_id):
        row.fail(f"food {fdc_id} is not in food.csv")
    return fdc_id
