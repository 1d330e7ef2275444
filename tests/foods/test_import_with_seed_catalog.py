"""
The seed catalog (load_catalog) and the USDA import share items, found by NDB number, and the
usda-sr28 source. Run in either order and again, neither may undo the other's work.
"""

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from foods.catalog.loader import load_catalog, read_seed
from foods.importers import import_usda
from foods.models import Item, NutrientValue, Portion

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "sr28"

# Chicken breast, copied byte for byte from shared/data/usda_sr28/sr28/: the one seed item with a
# note on a usda-sr28 value (its MK-4), which the test files lack.
CHICKEN_BREAST = {
    "FOOD_DES.txt": [
        "~05062~^~0500~^~Chicken, broiler or fryers, breast, skinless, boneless, meat only, raw~^"
        "~CHICKEN,BROILER OR FRYERS,BRST,SKINLESS,BNLESS,MEAT ONLY,RAW~^~~^~~^~Y~^~~^0^~~^6.25^4.27^9.02^3.87",
    ],
    "NUT_DATA.txt": [
        "~05062~^~203~^22.50^6^0.238^~1~^~A~^~~^~~^1^21.88^23.44^5^21.887^23.112^~2, 3~^04/2013^",
        "~05062~^~204~^2.62^6^0.220^~1~^~A~^~~^~~^1^1.86^3.45^5^2.060^3.190^~2, 3~^04/2013^",
        "~05062~^~428~^8.4^1^^~1~^~A~^~~^~~^^^^^^^~~^08/2015^",
    ],
    "WEIGHT.txt": [
        "~05062~^1^3^~oz~^85^^",
        "~05062~^2^1^~piece~^272^13^81.254",
        "~05062~^3^1^~package~^926^13^570.981",
    ],
}
SEED_ITEMS = {"natto": "16113", "egg-yolk": "01125", "butter": "01001", "chicken-breast": "05062"}


@pytest.fixture
def sr28_dir(tmp_path):
    """The SR28 test files with chicken breast added."""
    directory = Path(shutil.copytree(DATA, tmp_path / "sr28"))
    for name, lines in CHICKEN_BREAST.items():
        with open(directory / name, "ab") as file:
            file.writelines(line.encode("latin-1") + b"\r\n" for line in lines)
    return directory


def catalog_state():
    """Every item, value and portion, and how many history rows each has: what either side may change."""
    return {
        "items": list(Item.objects.order_by("pk").values_list("pk", "name", "seed_key", "usda_ndb_number", "category")),
        "values": list(
            NutrientValue.objects.order_by("pk").values_list("pk", "item", "nutrient", "amount", "source", "note")
        ),
        "portions": list(
            Portion.objects.order_by("pk").values_list("pk", "item", "label", "grams", "units", "position", "source")
        ),
        "history": [model.history.model.objects.count() for model in (Item, NutrientValue, Portion)],
    }


def portion_labels(seed_key):
    return list(Item.objects.get(seed_key=seed_key).portions.values_list("label", flat=True))


def test_the_seed_holds_the_foods_of_the_test_files_under_their_ndb_numbers(sr28_dir):
    seed = {item.seed_key: item.usda_ndb_number for item in read_seed().items}
    food_des = (sr28_dir / "FOOD_DES.txt").read_bytes().decode("latin-1")

    assert {key: seed.get(key) for key in SEED_ITEMS} == SEED_ITEMS
    assert all(f"~{ndb}~^" in food_des for ndb in SEED_ITEMS.values())


def test_loading_the_seed_again_after_an_import_changes_nothing_and_a_second_import_neither(sr28_dir):
    load_catalog()
    first = import_usda(sr28_dir)
    assert first.items_matched == len(SEED_ITEMS)

    summary = load_catalog()

    assert summary.changed == 0, str(summary)
    assert summary.items_updated == []
    assert str(summary).endswith(" 0 changed.")
    state = catalog_state()

    second = import_usda(sr28_dir)

    assert catalog_state() == state
    assert (second.values_created, second.values_updated, second.portions_created, second.portions_updated) == (
        0, 0, 0, 0
    )


def test_the_import_keeps_the_seeds_note_on_a_usda_figure(sr28_dir):
    load_catalog()
    seed_note = NutrientValue.objects.get(item__seed_key="chicken-breast", nutrient="k2_mk4_ug").note
    assert seed_note.startswith("Article A lists")

    report = import_usda(sr28_dir)

    mk4 = NutrientValue.objects.select_related("source").get(item__seed_key="chicken-breast", nutrient="k2_mk4_ug")
    assert (mk4.amount, mk4.source.key, mk4.note) == (Decimal("8.4"), "usda-sr28", seed_note)
    assert report.value_notes_kept == 1


def test_the_import_keeps_the_seeds_portions_in_place_and_adds_its_own_after_them(sr28_dir):
    load_catalog()
    seed_portions = {item.seed_key: [p.label for p in item.portions] for item in read_seed().items}

    import_usda(sr28_dir)
    load_catalog()

    for seed_key in SEED_ITEMS:
        item = Item.objects.get(seed_key=seed_key)
        positions = dict(item.portions.values_list("label", "position"))
        seeded = seed_portions[seed_key]
        assert [positions[label] for label in seeded] == list(range(len(seeded))), seed_key
        assert portion_labels(seed_key)[: len(seeded)] == seeded, seed_key
        assert item.portions.first().label == seeded[0], seed_key
    # USDA's own portions, in its order after the seed's; those the seed already names are not added twice.
    assert portion_labels("egg-yolk") == ["1 large egg yolk", "1 large", "1 cup"]
    assert portion_labels("butter") == ["1 tbsp", "1 pat", '1 pat (1" sq, 1/3" high)', "1 cup", "1 stick"]
    assert portion_labels("natto") == ["1 serving (3 oz)", "1 cup"]
    assert portion_labels("chicken-breast") == ["3 oz", "1 piece", "1 package"]


def test_a_second_import_after_the_seed_adopted_the_imported_items_changes_nothing(sr28_dir):
    import_usda(sr28_dir)
    summary = load_catalog()
    assert sorted(summary.items_adopted) == sorted(SEED_ITEMS)
    state = catalog_state()

    report = import_usda(sr28_dir)

    assert catalog_state() == state
    assert (report.values_created, report.values_updated, report.portions_created, report.portions_updated) == (
        0, 0, 0, 0
    )
    assert report.value_notes_kept == 1  # chicken breast's MK-4, noted by the seed
    assert load_catalog().changed == 0
