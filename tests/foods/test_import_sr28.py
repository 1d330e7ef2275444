import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from foods.importers import ImportFailed, MalformedFile, import_usda
from foods.importers.catalog import usda_source
from foods.models import MAX_PORTION_GRAMS, Category, Item, NutrientValue, Portion, Source
from tests.factories import make_category, make_item, make_source

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "sr28"
REAL_SR28 = Path(__file__).resolve().parents[2] / "../shared/data/usda_sr28/sr28"


@pytest.fixture
def sr28_dir(tmp_path):
    """A copy of the test files that a test may change."""
    return Path(shutil.copytree(DATA, tmp_path / "sr28"))


def edit(path, old, new):
    """Replace bytes in a USDA file, keeping its latin-1 and CRLF."""
    content = path.read_bytes()
    assert old.encode("latin-1") in content
    path.write_bytes(content.replace(old.encode("latin-1"), new.encode("latin-1")))


def append_line(path, line):
    with open(path, "ab") as file:
        file.write(line.encode("latin-1") + b"\r\n")


def values_of(ndb):
    return {v.nutrient: v for v in NutrientValue.objects.filter(item__usda_ndb_number=ndb).select_related("source")}


def database_state():
    """Everything an import writes, to compare before and after a failed one."""
    return {
        "sources": list(Source.objects.values_list("key", "citation").order_by("key")),
        "categories": list(Category.objects.values_list("name", "usda_group_code").order_by("name")),
        "items": list(Item.objects.order_by("pk").values_list("name", "usda_ndb_number", "fdc_id", "category")),
        "values": list(
            NutrientValue.objects.order_by("pk").values_list("item", "nutrient", "amount", "source", "note")
        ),
        "portions": list(Portion.objects.order_by("pk").values_list("item", "label", "grams", "position", "source")),
        "history": [model.history.model.objects.count() for model in (Item, NutrientValue, Portion)],
    }


def test_it_imports_foods_as_catalog_foods_with_their_ndb_number_and_group():
    report = import_usda(DATA)

    natto = Item.objects.get(usda_ndb_number="16113")
    assert natto.name == "Natto"
    assert natto.owner is None
    assert natto.kind == Item.Kind.FOOD
    assert natto.category.name == "Legumes and Legume Products"
    assert natto.category.usda_group_code == "1600"
    assert Item.objects.count() == 6
    assert report.items_created == 6
    assert Category.objects.exclude(usda_group_code=None).count() == 25


def test_it_imports_values_per_100_g_each_with_the_usda_sr28_source():
    import_usda(DATA)

    yolk = values_of("01125")
    amounts = {code: value.amount for code, value in yolk.items()}
    assert amounts == {
        "protein_g": Decimal("15.86"),
        "fat_g": Decimal("26.54"),
        "carbohydrate_g": Decimal("3.59"),
        "energy_kcal": Decimal("322"),
        "calcium_mg": Decimal("129"),
        "vitamin_a_ug_rae": Decimal("381"),
        "vitamin_d_ug": Decimal("5.4"),
        "k1_ug": Decimal("0.7"),
    }
    assert {value.source.key for value in yolk.values()} == {"usda-sr28"}
    source = Source.objects.get(key="usda-sr28")
    assert source.kind == Source.Kind.USDA_SR28
    assert source.citation.startswith("USDA National Nutrient Database for Standard Reference, Release 28")


def test_a_nutrient_without_a_row_stays_unknown_and_a_measured_zero_stays_zero():
    import_usda(DATA)

    natto = Item.objects.get(usda_ndb_number="16113")
    amounts = natto.nutrient_amounts()
    assert amounts["k2_mk4_ug"] is None
    assert amounts["k2_mk7_ug"] is None
    assert amounts["vitamin_a_ug_rae"] == Decimal("0")
    assert amounts["vitamin_d_ug"] == Decimal("0")


def test_it_converts_vitamin_d_given_only_in_iu_and_says_so():
    import_usda(DATA)

    vitamin_d = values_of("16613")["vitamin_d_ug"]
    assert vitamin_d.amount == Decimal("0.25")  # 10 IU / 40
    assert "10 IU" in vitamin_d.note
    assert vitamin_d.source.key == "usda-sr28"


def test_a_measured_vitamin_d_in_ug_wins_over_the_iu_figure():
    import_usda(DATA)

    vitamin_d = values_of("01125")["vitamin_d_ug"]
    assert vitamin_d.amount == Decimal("5.4")  # not 218 IU / 40 = 5.45
    assert vitamin_d.note == ""


def test_the_measured_value_wins_even_when_the_iu_row_comes_later_in_another_batch(sr28_dir, monkeypatch):
    monkeypatch.setattr("foods.importers.catalog.BATCH_ROWS", 1)
    nut_data = sr28_dir / "NUT_DATA.txt"
    lines = nut_data.read_bytes().split(b"\r\n")
    iu_row = next(line for line in lines if line.startswith(b"~01125~^~324~"))
    nut_data.write_bytes(b"\r\n".join(line for line in lines if line != iu_row) + iu_row + b"\r\n")

    import_usda(sr28_dir)

    assert values_of("01125")["vitamin_d_ug"].amount == Decimal("5.4")


def test_it_keeps_a_note_it_did_not_write_on_a_value_of_its_own_source():
    make_item("Natto", usda_ndb_number="16113", values={"fat_g": 11, "protein_g": 19}, source=usda_source("usda-sr28"))
    NutrientValue.objects.filter(item__usda_ndb_number="16113").update(note="Article B gives 12 g.")

    report = import_usda(DATA)

    natto = values_of("16113")
    assert (natto["fat_g"].amount, natto["fat_g"].note) == (Decimal("11"), "Article B gives 12 g.")
    assert (natto["protein_g"].amount, natto["protein_g"].note) == (Decimal("19.4"), "Article B gives 12 g.")
    assert (report.values_unchanged, report.values_updated, report.value_notes_kept) == (1, 1, 2)


def test_it_rewrites_the_note_it_wrote_when_the_iu_figure_changes(sr28_dir):
    import_usda(sr28_dir)
    edit(sr28_dir / "NUT_DATA.txt", "~16613~^~324~^10^", "~16613~^~324~^20^")

    report = import_usda(sr28_dir)

    vitamin_d = values_of("16613")["vitamin_d_ug"]
    assert vitamin_d.amount == Decimal("0.5")  # 20 IU / 40
    assert "20 IU" in vitamin_d.note
    assert (report.values_updated, report.value_notes_kept) == (1, 0)


def test_a_measured_value_that_comes_later_replaces_the_converted_one_and_its_note(sr28_dir):
    import_usda(sr28_dir)
    append_line(sr28_dir / "NUT_DATA.txt", "~16613~^~328~^0.3^0^^~9~^~MC~^~~^~~^^^^^^^~~^04/2015^")

    import_usda(sr28_dir)

    vitamin_d = values_of("16613")["vitamin_d_ug"]
    assert (vitamin_d.amount, vitamin_d.note) == (Decimal("0.3"), "")


def test_it_imports_portions_in_usda_order_with_the_usda_source():
    import_usda(DATA)

    butter = Item.objects.get(usda_ndb_number="01001")
    portions = [(p.label, p.grams, p.position, p.source.key) for p in butter.portions.all()]
    assert portions == [
        ('1 pat (1" sq, 1/3" high)', Decimal("5"), 0, "usda-sr28"),
        ("1 tbsp", Decimal("14.2"), 1, "usda-sr28"),
        ("1 cup", Decimal("227"), 2, "usda-sr28"),
        ("1 stick", Decimal("113"), 3, "usda-sr28"),
    ]
    assert list(Item.objects.get(usda_ndb_number="01125").portions.values_list("label", "grams")) == [
        ("1 large", Decimal("17")),
        ("1 cup", Decimal("243")),
    ]


def test_it_never_moves_a_portion_and_puts_new_ones_after_the_last():
    sr28 = usda_source("usda-sr28")
    butter = make_item("Butter", usda_ndb_number="01001")
    # Staff made the tablespoon the typical portion and deleted the one between these two.
    Portion.objects.create(item=butter, label="1 tbsp", grams=Decimal("14.2"), position=0, source=sr28)
    Portion.objects.create(item=butter, label="1 stick", grams=Decimal("113"), position=2, source=sr28)

    report = import_usda(DATA)

    assert list(butter.portions.values_list("label", "position")) == [
        ("1 tbsp", 0),
        ("1 stick", 2),
        ('1 pat (1" sq, 1/3" high)', 3),
        ("1 cup", 4),
    ]
    assert (report.portions_unchanged, report.portions_updated) == (2, 0)


def test_a_second_run_takes_a_new_weight_but_keeps_the_position_staff_chose(sr28_dir):
    import_usda(sr28_dir)
    butter = Item.objects.get(usda_ndb_number="01001")
    butter.portions.filter(label="1 tbsp").update(position=0)
    butter.portions.filter(label__startswith="1 pat").update(position=1)
    edit(sr28_dir / "WEIGHT.txt", "~01001~^2^1^~tbsp~^14.2^^", "~01001~^2^1^~tbsp~^14.5^^")

    report = import_usda(sr28_dir)

    portions = list(butter.portions.values_list("label", "grams", "position"))
    assert portions == [
        ("1 tbsp", Decimal("14.5"), 0),
        ('1 pat (1" sq, 1/3" high)', Decimal("5"), 1),
        ("1 cup", Decimal("227"), 2),
        ("1 stick", Decimal("113"), 3),
    ]
    assert report.portions_updated == 1


def test_it_reads_latin_1_text():
    import_usda(DATA)

    assert Item.objects.get(usda_ndb_number="22996").portions.get().label == "1 Entrée"


def test_it_imports_a_whole_waxgourd_of_5700_g():
    report = import_usda(DATA)

    waxgourd = Item.objects.get(usda_ndb_number="11593")
    assert list(waxgourd.portions.values_list("label", "grams")) == [
        ("1 cup, cubes", Decimal("132")),
        ("1 waxgourd", Decimal("5700")),
    ]
    assert report.portions_skipped_over_max_weight == 0


@pytest.mark.parametrize(
    ("grams", "imported"), [(MAX_PORTION_GRAMS, True), (MAX_PORTION_GRAMS + Decimal("0.001"), False)]
)
def test_it_skips_and_counts_a_portion_over_the_portion_limit_only(sr28_dir, grams, imported):
    edit(sr28_dir / "WEIGHT.txt", "~11593~^2^1^~waxgourd~^5700^^", f"~11593~^2^1^~waxgourd~^{grams}^^")

    report = import_usda(sr28_dir)

    waxgourd = Item.objects.get(usda_ndb_number="11593")
    assert waxgourd.portions.filter(label="1 waxgourd").exists() == imported
    assert report.portions_skipped_over_max_weight == (0 if imported else 1)


def test_it_skips_and_counts_a_portion_that_weighs_nothing(sr28_dir):
    edit(sr28_dir / "WEIGHT.txt", "~01001~^2^1^~tbsp~^14.2^^", "~01001~^2^1^~tbsp~^0^^")

    report = import_usda(sr28_dir)

    labels = list(Item.objects.get(usda_ndb_number="01001").portions.values_list("label", "position"))
    assert labels == [('1 pat (1" sq, 1/3" high)', 0), ("1 cup", 1), ("1 stick", 2)]
    assert report.portions_skipped_zero_weight == 1


def test_a_second_run_updates_instead_of_duplicating():
    first = import_usda(DATA)
    state = database_state()

    second = import_usda(DATA)

    after = database_state()
    assert after["items"] == state["items"]
    assert after["values"] == state["values"]
    assert after["portions"] == state["portions"]
    assert second.items_created == 0
    assert second.items_matched == 6
    assert second.values_created == 0
    assert second.values_unchanged == first.values_created
    assert second.portions_unchanged == first.portions_created


def test_a_second_run_takes_the_values_and_weights_that_changed(sr28_dir):
    import_usda(sr28_dir)
    edit(sr28_dir / "NUT_DATA.txt", "~16113~^~204~^11.00^", "~16113~^~204~^11.50^")
    edit(sr28_dir / "WEIGHT.txt", "~16113~^1^1^~cup~^175^^", "~16113~^1^1^~cup~^176.5^^")

    report = import_usda(sr28_dir)

    assert values_of("16113")["fat_g"].amount == Decimal("11.5")
    assert Item.objects.get(usda_ndb_number="16113").portions.get(label="1 cup").grams == Decimal("176.5")
    assert (report.values_updated, report.portions_updated) == (1, 1)
    assert NutrientValue.objects.filter(item__usda_ndb_number="16113", nutrient="fat_g").count() == 1
    fat = NutrientValue.objects.get(item__usda_ndb_number="16113", nutrient="fat_g")
    assert [h.amount for h in fat.history.order_by("history_id")] == [Decimal("11"), Decimal("11.5")]


def test_it_never_overwrites_a_value_from_another_source_and_keeps_the_items_name():
    kamao = make_source(key="kamao-2007", citation="Kamao M et al., 2007")
    seeded = make_item(
        "Natto (fermented soybeans)",
        usda_ndb_number="16113",
        seed_key="natto",
        values={"k2_mk7_ug": 939, "fat_g": 10},
        source=kamao,
        portions={"1 cup": 170},
    )

    report = import_usda(DATA)

    natto = values_of("16113")
    assert (natto["k2_mk7_ug"].amount, natto["k2_mk7_ug"].source.key) == (Decimal("939"), "kamao-2007")
    assert (natto["fat_g"].amount, natto["fat_g"].source.key) == (Decimal("10"), "kamao-2007")
    assert (natto["protein_g"].amount, natto["protein_g"].source.key) == (Decimal("19.4"), "usda-sr28")
    seeded.refresh_from_db()
    assert seeded.name == "Natto (fermented soybeans)"
    assert seeded.category is None
    assert seeded.portions.get(label="1 cup").grams == Decimal("170")
    assert Item.objects.filter(usda_ndb_number="16113").count() == 1
    assert report.values_kept_from_other_source == 1
    assert report.portions_kept_from_other_source == 1


def test_it_leaves_alone_a_value_staff_edited_after_an_import():
    import_usda(DATA)
    staff_table = make_source(key="staff-check", citation="Checked against the label by staff")
    NutrientValue.objects.filter(item__usda_ndb_number="01001", nutrient="fat_g").update(
        amount=Decimal("80"), source=staff_table
    )
    Item.objects.filter(usda_ndb_number="01001").update(name="Butter")

    import_usda(DATA)

    fat = values_of("01001")["fat_g"]
    assert (fat.amount, fat.source.key) == (Decimal("80"), "staff-check")
    assert Item.objects.get(usda_ndb_number="01001").name == "Butter"


def test_it_writes_nothing_into_a_users_own_item_that_holds_the_number(alice):
    make_item("My natto", usda_ndb_number="16113", owner=alice)

    report = import_usda(DATA)

    assert not values_of("16113")
    assert report.items_not_catalog_food == 1


def test_it_reuses_a_category_of_the_same_name():
    legumes = make_category("Legumes and Legume Products")

    import_usda(DATA)

    legumes.refresh_from_db()
    assert legumes.usda_group_code == "1600"
    assert Item.objects.get(usda_ndb_number="16113").category == legumes


def test_a_crosswalk_fills_the_fdc_ids_not_held_by_another_item(tmp_path):
    crosswalk = tmp_path / "crosswalk.csv"
    crosswalk.write_text(
        '"fdc_id","ndb_no","fdc_description","sr28_description","match"\n'
        '"172443","16113","Natto","Natto","exact"\n'
        '"172184","01125","Egg, yolk, raw, fresh","Egg, yolk, raw, fresh","exact"\n'
        '"173410","01001","Butter, salted","Butter, salted","exact"\n'
        '"167694","","Sausage, turkey and pork, fresh, bulk, patty or link, cooked","","none"\n'
    )
    make_item("Butter from FDC", fdc_id=173410)

    report = import_usda(DATA, crosswalk=crosswalk)

    assert Item.objects.get(usda_ndb_number="16113").fdc_id == 172443
    assert Item.objects.get(usda_ndb_number="01125").fdc_id == 172184
    assert Item.objects.get(usda_ndb_number="01001").fdc_id is None
    assert report.fdc_ids_linked == 2


def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(sr28_dir, tmp_path, django_assert_num_queries):
    small = Path(shutil.copytree(DATA, tmp_path / "small"))
    for name in ("FOOD_DES.txt", "NUT_DATA.txt", "WEIGHT.txt"):
        lines = (small / name).read_bytes().split(b"\r\n")
        (small / name).write_bytes(b"\r\n".join(line for line in lines if line.startswith(b"~01001~")) + b"\r\n")
    with CaptureQueriesContext(connection) as small_import:
        import_usda(small)
    Item.objects.all().delete()
    Category.objects.all().delete()
    Source.objects.all().delete()

    with django_assert_num_queries(len(small_import.captured_queries)):
        report = import_usda(sr28_dir)

    assert report.items_created == 6


@pytest.mark.parametrize(
    ("file_name", "old", "new", "message"),
    [
        ("FOOD_DES.txt", "~Natto~^~NATTO~^", "~Natto~^", "expected 14 fields, found 13"),
        ("FOOD_DES.txt", "~16113~^~1600~", "~16113~^~9900~", "food group 9900 is not in FD_GROUP.txt"),
        ("FOOD_DES.txt", "~16113~^~1600~", "~1611~^~1600~", "NDB_No '1611' is not 5 digits"),
        ("NUTR_DEF.txt", "~328~^~\xb5g~", "~328~^~mg~", "nutrient 328 is in mg, expected µg"),
        ("NUT_DATA.txt", "~16113~^~204~^11.00^", "~16113~^~204~^11,00^", "Nutr_Val is not a number: '11,00'"),
        ("NUT_DATA.txt", "~16113~^~204~^11.00^", "~16113~^~204~^-11.00^", "Nutr_Val is negative: -11.00"),
        ("NUT_DATA.txt", "~16113~^~204~^11.00^", "~16113~^~204~^^", "Nutr_Val is empty"),
        ("NUT_DATA.txt", "~16113~^~204~^", "~16114~^~204~^", "food 16114 is not in FOOD_DES.txt"),
        ("NUT_DATA.txt", "~16113~^~204~^", "~16113~^~999~^", "nutrient 999 is not in NUTR_DEF.txt"),
        ("NUT_DATA.txt", "~16113~^~204~^11.00^1^", "~16113~^~204~^11.00^", "expected 18 fields, found 17"),
        ("WEIGHT.txt", "~16113~^1^1^~cup~^175^^", "~16113~^1^1^~cup~^-175^^", "Gm_Wgt is negative: -175"),
        ("WEIGHT.txt", "~16113~^1^1^~cup~^175^^", "~16113~^one^1^~cup~^175^^", "Seq is not a whole number: 'one'"),
    ],
)
def test_a_malformed_file_names_its_line_and_leaves_the_database_as_it_was(sr28_dir, file_name, old, new, message):
    make_item("Natto (seed)", usda_ndb_number="16113", values={"k2_mk7_ug": 939})
    import_usda(sr28_dir)
    edit(sr28_dir / "NUT_DATA.txt", "~01001~^~204~^81.11^", "~01001~^~204~^82.00^")  # a change that must not stick
    edit(sr28_dir / file_name, old, new)
    before = database_state()
    bad_line = next(
        number
        for number, line in enumerate((sr28_dir / file_name).read_bytes().split(b"\r\n"), start=1)
        if new.encode("latin-1") in line
    )

    with pytest.raises(MalformedFile) as failure:
        import_usda(sr28_dir)

    assert failure.value.path.name == file_name
    assert failure.value.line == bad_line
    assert message in str(failure.value)
    assert f"{file_name}, line {bad_line}: " in str(failure.value)
    assert database_state() == before


def test_a_value_listed_twice_for_a_food_is_malformed(sr28_dir):
    append_line(sr28_dir / "NUT_DATA.txt", "~22996~^~204~^5.00^1^^~9~^~MC~^~~^~~^^^^^^^~~^08/2012^")

    with pytest.raises(MalformedFile, match=r"NUT_DATA.txt, line 64: a second value of fat_g for food 22996"):
        import_usda(sr28_dir)

    assert Item.objects.count() == 0


def test_a_food_listed_twice_is_malformed(sr28_dir):
    first_line = (sr28_dir / "FOOD_DES.txt").read_bytes().split(b"\r\n")[0].decode("latin-1")
    append_line(sr28_dir / "FOOD_DES.txt", first_line)

    with pytest.raises(MalformedFile, match=r"FOOD_DES.txt, line 7: food 01001 is listed twice"):
        import_usda(sr28_dir)


def test_a_missing_weight_file_imports_foods_without_portions(sr28_dir):
    (sr28_dir / "WEIGHT.txt").unlink()

    import_usda(sr28_dir)

    assert Item.objects.count() == 6
    assert Portion.objects.count() == 0


def test_a_missing_required_file_is_named(sr28_dir):
    (sr28_dir / "NUTR_DEF.txt").unlink()

    with pytest.raises(ImportFailed, match="looks like USDA SR28 but lacks NUTR_DEF.txt"):
        import_usda(sr28_dir)


@pytest.mark.skipif(not REAL_SR28.is_dir(), reason=f"the real SR28 files are not at {REAL_SR28}")
def test_it_imports_the_whole_real_sr28_release():
    report = import_usda(REAL_SR28)

    assert Item.objects.count() == 8789
    assert report.items_created == 8789
    assert Category.objects.exclude(usda_group_code=None).count() == 25
    # 62,192 rows of the nutrients we keep, plus 51 foods with vitamin D only in IU.
    assert NutrientValue.objects.count() == 62243
    assert NutrientValue.objects.exclude(note="").count() == 51
    # 15,438 weights less 15 repeated labels. None is over 10,000 g: the 5 over 5,000 g (4 whole
    # birds and a waxgourd, 5,002 to 5,717 g), skipped while that was the limit, are kept.
    assert Portion.objects.count() == 15423
    assert report.portions_skipped_over_max_weight == 0
    assert report.portions_skipped_duplicate_label == 15
    assert Portion.objects.filter(grams__gt=5000).count() == 5
    assert values_of("16113")["k1_ug"].amount == Decimal("23.1")
