"""
USDA National Nutrient Database for Standard Reference, Release 28, in USDA's ASCII layout.

Columns from the SR28 documentation (shared/data/usda_sr28/sr28_doc.pdf, Tables 4-9). A food's
values are per 100 g of edible portion; a food with no NUT_DATA row for a nutrient has no value.
"""

import re

from foods.importers.catalog import (
    CatalogWriter,
    Food,
    Value,
    WeighedPortion,
    check_nutrient_unit,
    usda_source,
    vitamin_d_from_iu,
)
from foods.importers.files import read_sr28
from foods.models import MAX_AMOUNT_PER_BASIS
from foods.nutrients import BY_SR28_NUMBER, VITAMIN_D
from foods.units import plain

FD_GROUP_COLUMNS = ("FdGrp_Cd", "FdGrp_Desc")
FOOD_DES_COLUMNS = (
    "NDB_No", "FdGrp_Cd", "Long_Desc", "Shrt_Desc", "ComName", "ManufacName", "Survey", "Ref_desc",
    "Refuse", "SciName", "N_Factor", "Pro_Factor", "Fat_Factor", "CHO_Factor",
)
NUTR_DEF_COLUMNS = ("Nutr_No", "Units", "Tagname", "NutrDesc", "Num_Dec", "SR_Order")
NUT_DATA_COLUMNS = (
    "NDB_No", "Nutr_No", "Nutr_Val", "Num_Data_Pts", "Std_Error", "Src_Cd", "Deriv_Cd", "Ref_NDB_No",
    "Add_Nutr_Mark", "Num_Studies", "Min", "Max", "DF", "Low_EB", "Up_EB", "Stat_cmt", "AddMod_Date", "CC",
)
WEIGHT_COLUMNS = ("NDB_No", "Seq", "Amount", "Msre_Desc", "Gm_Wgt", "Num_Data_Pts", "Std_Dev")

NDB_NUMBER = re.compile(r"\d{5}")
GROUP_CODE = re.compile(r"\d{4}")
CHANGE_REASON = "Imported from USDA SR28 (import_usda)"


def sr28_writer(report):
    return CatalogWriter(
        source=usda_source("usda-sr28"), key_field="usda_ndb_number", report=report, change_reason=CHANGE_REASON
    )


def import_sr28(files, writer, *, fdc_id_by_ndb=None, progress=None):
    """Import the SR28 files ({file name: path}); `fdc_id_by_ndb` fills the items' FDC ids."""
    writer.write_categories(_groups(files["FD_GROUP.txt"], progress))
    units = _nutrient_units(files["NUTR_DEF.txt"], progress)
    writer.write_items(_foods(files["FOOD_DES.txt"], writer, progress))
    writer.write_values(_values(files["NUT_DATA.txt"], writer, units, progress))
    if "WEIGHT.txt" in files:
        writer.write_portions(_portions(files["WEIGHT.txt"], writer, progress))
    if fdc_id_by_ndb:
        writer.link_fdc_ids(fdc_id_by_ndb)


def _groups(path, progress):
    for row in read_sr28(path, FD_GROUP_COLUMNS, progress):
        yield _group_code(row), row.required_text("FdGrp_Desc")


def _nutrient_units(path, progress):
    """{Nutr_No: unit}, checking that each nutrient we take is in the unit we store it in."""
    units = {}
    for row in read_sr28(path, NUTR_DEF_COLUMNS, progress):
        number, unit = row.required_text("Nutr_No"), row.required_text("Units")
        check_nutrient_unit(row, number, unit, BY_SR28_NUMBER.get(number), VITAMIN_D.iu_sr28_number)
        units[number] = unit
    return units


def _foods(path, writer, progress):
    for row in read_sr28(path, FOOD_DES_COLUMNS, progress):
        group = _group_code(row)
        if not writer.knows_category(group):
            row.fail(f"food group {group} is not in FD_GROUP.txt")
        yield Food(_ndb_number(row), row.required_text("Long_Desc"), group, row)


def _values(path, writer, units, progress):
    for row in read_sr28(path, NUT_DATA_COLUMNS, progress):
        ndb = _known_food(row, writer)
        number = row.required_text("Nutr_No")
        if number not in units:
            row.fail(f"nutrient {number} is not in NUTR_DEF.txt")
        amount = row.decimal("Nutr_Val")
        nutrient = BY_SR28_NUMBER.get(number)
        if nutrient is None and number != VITAMIN_D.iu_sr28_number:
            continue
        if amount > MAX_AMOUNT_PER_BASIS:
            row.fail(f"Nutr_Val {amount} is more than {MAX_AMOUNT_PER_BASIS:,} per 100 g")
        if nutrient:
            yield Value(ndb, nutrient.code, amount, row)
        else:
            yield vitamin_d_from_iu(ndb, amount, row, usda_nutrient=f"SR28 Nutr_No {VITAMIN_D.iu_sr28_number}")


def _portions(path, writer, progress):
    for row in read_sr28(path, WEIGHT_COLUMNS, progress):
        ndb = _known_food(row, writer)
        label = f"{plain(row.decimal('Amount'))} {row.required_text('Msre_Desc')}"
        yield WeighedPortion(ndb, row.integer("Seq"), label, row.decimal("Gm_Wgt"), row)


def _ndb_number(row):
    ndb = row.text("NDB_No")
    if not NDB_NUMBER.fullmatch(ndb):
        row.fail(f"NDB_No {ndb!r} is not 5 digits")
    return ndb


def _known_food(row, writer):
    ndb = _ndb_number(row)
    if not writer.knows_food(ndb):
        row.fail(f"food {ndb} is not in FOOD_DES.txt")
    return ndb


def _group_code(row):
    code = row.text("FdGrp_Cd")
    if not GROUP_CODE.fullmatch(code):
        row.fail(f"FdGrp_Cd {code!r} is not 4 digits")
    return code
