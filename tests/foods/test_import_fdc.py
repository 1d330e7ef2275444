import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from foods.importers import ImportFailed, MalformedFile, import_usda
from foods.models import Category, Item, NutrientValue, Portion, Source
from tests.factories import make_item, make_source

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "fdc"
SR28_DATA = Path(__file__).parent / "data" / "sr28"


@pytest.fixture
def fdc_dir(tmp_path):
    """A copy of the test files that a test may change."""
    return Path(shutil.copytree(DATA, tmp_path / "fdc"))


def edit(path, old, new):
    content = path.read_text(encoding="utf-8")
    assert old in content
    path.write_text(content.replace(old, new), encoding="utf-8")


def add_row(path, row):
    with open(path, "a", newline="", encoding="utf-8") as file:
        csv.writer(file, quoting=csv.QUOTE_ALL, lineterminator="\n").writerow(row)


def line_count(path):
    return len(path.read_text(encoding="utf-8").splitlines())


def values_of(fdc_id):
    return {v.nutrient: v for v in NutrientValue.objects.filter(item__fdc_id=fdc_id).select_related("source")}


def row_counts():
    models = (Source, Category, Item, NutrientValue, Portion)
    return {model.__name__: model.objects.count() for model in models} | {
        f"{model.__name__} history": model.history.model.objects.count() for model in (Item, NutrientValue, Portion)
    }


def test_it_imports_foods_as_catalog_foods_with_their_fdc_id_and_category():
    report = import_usda(DATA)

    yolk = Item.objects.get(fdc_id=172184)
    assert yolk.name == "Egg, yolk, raw, fresh"
    assert (yolk.owner, yolk.kind) == (None, Item.Kind.FOOD)
    assert (yolk.category.name, yolk.category.usda_group_code) == ("Dairy and Egg Products", "0100")
    assert report.layout == "FoodData Central"
    assert report.items_created == 3


def test_it_passes_over_lab_samples():
    report = import_usda(DATA)

    assert not Item.objects.filter(fdc_id=999999).exists()
    assert report.foods_skipped == 1


def test_it_imports_values_per_100_g_each_with_the_usda_fdc_source():
    import_usda(DATA)

    natto = values_of(172443)
    assert {code: value.amount for code, value in natto.items()} == {
        "protein_g": Decimal("19.4"),
        "fat_g": Decimal("11"),
        "carbohydrate_g": Decimal("12.68"),
        "energy_kcal": Decimal("211"),
        "calcium_mg": Decimal("217"),
        "vitamin_a_ug_rae": Decimal("0"),
        "vitamin_d_ug": Decimal("0"),
        "k1_ug": Decimal("23.1"),
    }
    assert {value.source.key for value in natto.values()} == {"usda-fdc"}
    source = Source.objects.get(key="usda-fdc")
    assert (source.kind, source.citation, source.url) == (
        Source.Kind.USDA_FDC, "USDA FoodData Central", "https://fdc.nal.usda.gov/"
    )


def test_a_nutrient_without_a_row_stays_unknown():
    import_usda(DATA)

    assert "k2_mk4_ug" not in values_of(172443)
    assert values_of(169251)["k2_mk4_ug"].amount == Decimal("0")


def test_it_converts_vitamin_d_given_only_in_iu_and_a_measured_ug_figure_wins():
    import_usda(DATA)

    mushrooms = values_of(169251)["vitamin_d_ug"]
    assert mushrooms.amount == Decimal("0.175")  # 7 IU / 40
    assert "7 IU" in mushrooms.note
    yolk = values_of(172184)["vitamin_d_ug"]
    assert (yolk.amount, yolk.note) == (Decimal("5.4"), "")


def test_it_names_portions_by_amount_unit_and_modifier_or_by_their_description():
    report = import_usda(DATA)

    def portions(fdc_id):
        return list(Portion.objects.filter(item__fdc_id=fdc_id).values_list("label", "grams", "position"))

    assert portions(172184) == [("1 large", Decimal("17"), 0), ("1 cup", Decimal("243"), 1)]
    assert portions(172443) == [("1 cup", Decimal("175"), 0)]
    assert portions(169251) == [("1 large", Decimal("23"), 0), ("1 cup, pieces or slices", Decimal("70"), 1)]
    assert set(Portion.objects.values_list("source__key", flat=True)) == {"usda-fdc"}
    assert report.portions_skipped_zero_weight == 1


def test_a_second_run_updates_instead_of_duplicating(fdc_dir):
    import_usda(fdc_dir)
    counts = row_counts()
    edit(fdc_dir / "food_nutrient.csv", '"172443","1004","11.0"', '"172443","1004","11.2"')
    edit(fdc_dir / "food_portion.csv", '"1.0","1000","","","175.0"', '"1.0","1000","","","176.0"')

    report = import_usda(fdc_dir)

    assert values_of(172443)["fat_g"].amount == Decimal("11.2")
    assert Portion.objects.get(item__fdc_id=172443).grams == Decimal("176")
    assert (report.items_created, report.items_matched) == (0, 3)
    assert (report.values_created, report.values_updated, report.portions_updated) == (0, 1, 1)
    after = row_counts()
    assert {name: n for name, n in after.items() if "history" not in name} == {
        name: n for name, n in counts.items() if "history" not in name
    }
    assert after["NutrientValue history"] == counts["NutrientValue history"] + 1


def test_it_keeps_a_note_it_did_not_write_and_rewrites_its_own(fdc_dir):
    import_usda(fdc_dir)
    NutrientValue.objects.filter(item__fdc_id=172443, nutrient="fat_g").update(note="Checked against the label.")
    edit(fdc_dir / "food_nutrient.csv", '"169251","1110","7"', '"169251","1110","8"')

    report = import_usda(fdc_dir)

    assert values_of(172443)["fat_g"].note == "Checked against the label."
    mushrooms = values_of(169251)["vitamin_d_ug"]
    assert mushrooms.amount == Decimal("0.2")  # 8 IU / 40
    assert "8 IU" in mushrooms.note
    assert (report.values_updated, report.value_notes_kept) == (1, 1)


def test_it_never_moves_a_portion_and_puts_new_ones_after_the_last(fdc_dir):
    import_usda(fdc_dir)
    yolk = Item.objects.get(fdc_id=172184)
    yolk.portions.filter(label="1 cup").update(position=0)
    yolk.portions.filter(label="1 large").update(position=1)
    add_row(fdc_dir / "food_portion.csv", ["8", "172184", "3", "1.0", "1001", "", "", "15.0", "", "", ""])

    report = import_usda(fdc_dir)

    assert list(yolk.portions.values_list("label", "position")) == [("1 cup", 0), ("1 large", 1), ("1 tablespoon", 2)]
    assert (report.portions_created, report.portions_updated) == (1, 0)


def test_it_never_overwrites_a_value_from_another_source():
    table = make_source(key="published-table", citation="A published table")
    make_item("Egg yolk", fdc_id=172184, values={"vitamin_d_ug": "4.9", "k2_mk4_ug": 64}, source=table)

    report = import_usda(DATA)

    yolk = values_of(172184)
    assert (yolk["vitamin_d_ug"].amount, yolk["vitamin_d_ug"].source.key) == (Decimal("4.9"), "published-table")
    assert (yolk["fat_g"].amount, yolk["fat_g"].source.key) == (Decimal("26.54"), "usda-fdc")
    assert Item.objects.get(fdc_id=172184).name == "Egg yolk"
    assert report.values_kept_from_other_source == 1


def test_values_already_imported_from_sr28_are_kept(tmp_path):
    crosswalk = tmp_path / "crosswalk.csv"
    crosswalk.write_text('"fdc_id","ndb_no"\n"172184","01125"\n"172443","16113"\n')
    import_usda(SR28_DATA, crosswalk=crosswalk)

    import_usda(DATA)

    yolk = values_of(172184)
    assert yolk["fat_g"].source.key == "usda-sr28"
    assert Item.objects.filter(name__startswith="Egg, yolk").count() == 1
    assert Category.objects.filter(usda_group_code="0100").count() == 1


def test_a_crosswalk_finds_a_catalog_food_known_by_its_ndb_number(tmp_path):
    seeded = make_item("Natto", usda_ndb_number="16113", seed_key="natto")
    crosswalk = tmp_path / "crosswalk.csv"
    crosswalk.write_text('"fdc_id","ndb_no","match"\n"172443","16113","exact"\n')

    report = import_usda(DATA, crosswalk=crosswalk)

    seeded.refresh_from_db()
    assert seeded.fdc_id == 172443
    assert Item.objects.filter(name="Natto").count() == 1
    assert values_of(172443)["k1_ug"].amount == Decimal("23.1")
    assert report.fdc_ids_linked == 1


def test_fdc_own_sr_legacy_table_finds_a_catalog_food_known_by_its_ndb_number(fdc_dir):
    seeded = make_item("Natto", usda_ndb_number="16113", seed_key="natto")
    (fdc_dir / "sr_legacy_food.csv").write_text('"fdc_id","NDB_number"\n"172443","16113"\n"172184","1125"\n')

    import_usda(fdc_dir)

    seeded.refresh_from_db()
    assert seeded.fdc_id == 172443
    assert Item.objects.count() == 3


@pytest.mark.parametrize(
    ("file_name", "row", "message"),
    [
        ("food_nutrient.csv", ["99", "172443", "1004", "11.0", ""], "expected 11 fields, found 5"),
        ("food_nutrient.csv", ["99", "172443", "1004", "eleven", "", "", "", "", "", "", ""], "amount is not a number"),
        ("food_nutrient.csv", ["99", "172443", "1004", "-1", "", "", "", "", "", "", ""], "amount is negative: -1"),
        ("food_nutrient.csv", ["99", "172443", "1004", "2e9", "", "", "", "", "", "", ""], "not a number: '2e9'"),
        ("food_nutrient.csv", ["99", "123", "1004", "1", "", "", "", "", "", "", ""], "food 123 is not in food.csv"),
        ("food_nutrient.csv", ["99", "172443", "4242", "1", "", "", "", "", "", "", ""], "nutrient 4242 is not in"),
        ("food.csv", ["172443", "sr_legacy_food", "Natto again", "16", ""], "food 172443 is listed twice"),
        ("food.csv", ["170000", "sr_legacy_food", "Mystery", "77", ""], "food_category_id 77 is not in"),
        ("food.csv", ["x1", "sr_legacy_food", "Mystery", "16", ""], "fdc_id is not a whole number: 'x1'"),
        ("food_portion.csv", ["8", "172443", "2", "1", "1234", "", "", "5", "", "", ""], "measure_unit_id 1234"),
        ("food_portion.csv", ["8", "172443", "2", "1", "9999", "", "", "5", "", "", ""], "no description, unit"),
        ("food_portion.csv", ["8", "172443", "2", "1", "1000", "", "", "-5", "", "", ""], "gram_weight is negative"),
        ("nutrient.csv", ["1114", "Vitamin D (D2 + D3)", "MG", "328", "8700"], "nutrient 1114 is in MG, expected µg"),
    ],
)
def test_a_malformed_row_names_its_file_and_line_and_leaves_the_database_as_it_was(fdc_dir, file_name, row, message):
    import_usda(fdc_dir)
    edit(fdc_dir / "food_nutrient.csv", '"172443","1004","11.0"', '"172443","1004","12.0"')
    if file_name == "nutrient.csv":
        edit(fdc_dir / file_name, '"1114","Vitamin D (D2 + D3)","UG"', '"1114","Vitamin D (D2 + D3)","MG"')
        bad_line = 10
    else:
        add_row(fdc_dir / file_name, row)
        bad_line = line_count(fdc_dir / file_name)
    counts = row_counts()

    with pytest.raises(MalformedFile) as failure:
        import_usda(fdc_dir)

    assert f"{file_name}, line {bad_line}: " in str(failure.value)
    assert message in str(failure.value)
    assert row_counts() == counts
    assert values_of(172443)["fat_g"].amount == Decimal("11")


def test_a_header_without_a_documented_column_is_malformed(fdc_dir):
    edit(fdc_dir / "food_nutrient.csv", '"nutrient_id"', '"nutrient"')

    with pytest.raises(MalformedFile, match=r"food_nutrient.csv, line 1: the header lacks column\(s\) nutrient_id"):
        import_usda(fdc_dir)


def test_bytes_that_are_not_utf_8_are_malformed(fdc_dir):
    with open(fdc_dir / "food.csv", "ab") as file:
        file.write(b'"170000","sr_legacy_food","Entr\xe9e","",""\n')

    with pytest.raises(MalformedFile, match=r"food.csv, line 6: not utf-8 text"):
        import_usda(fdc_dir)

    assert Item.objects.count() == 0


def test_portions_need_the_measure_units(fdc_dir):
    (fdc_dir / "measure_unit.csv").unlink()

    with pytest.raises(ImportFailed, match="lacks measure_unit.csv"):
        import_usda(fdc_dir)


def test_file_names_match_in_any_case(fdc_dir):
    (fdc_dir / "food.csv").rename(fdc_dir / "FOOD.CSV")

    import_usda(fdc_dir)

    assert Item.objects.count() == 3
