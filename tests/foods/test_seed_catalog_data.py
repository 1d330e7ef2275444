"""
The seed catalog's numbers against the data they were copied from (shared/data) and against
each other. These read files only: no database.
"""

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

from foods import nutrients
from foods.catalog.loader import read_seed
from foods.models import energy_mismatch
from foods.units import vitamin_d_iu_to_ug

SHARED = Path(__file__).resolve().parents[3] / "shared"
SR28 = SHARED / "data" / "usda_sr28" / "sr28"
K2_LITERATURE = SHARED / "data" / "k2_foods_literature.csv"
PORTION_WEIGHTS = SHARED / "data" / "portion_weights.csv"
ARTICLE_A = SHARED / "seeds" / "000_8b01ae0ab587c418.txt"

USDA = "usda-sr28"
ARTICLE = "article-k2-with-vitamin-d"
LABEL = "generic-label"

# Which row of k2_foods_literature.csv each published K2 value was taken from (all per 100 g).
LITERATURE_ROWS = {
    ("natto", "k2_mk7_ug"): "Natto",
    ("gouda", "k2_other_ug"): "Gouda, Dutch, 4 weeks ripened",
    ("gouda-aged", "k2_other_ug"): "Gouda, Dutch, 13 weeks ripened",
    ("camembert", "k2_other_ug"): "Camembert",
}
LITERATURE_SOURCES = {"kamao-2007": "Kamao", "vermeer-2018": "Vermeer", "nih-ods-vitamin-k": "NIH Office"}
# Cheese menaquinones are long-chain: the table's total K2 is stored as other long-chain K2.
LITERATURE_COLUMNS = {"k2_mk4_ug": "mk4_ug", "k2_mk7_ug": "mk7_ug", "k2_other_ug": "total_k2_ug", "k1_ug": "k1_ug"}

# Article A's "foods highest in vitamin K2": the seed item using each figure per 100 g, or (for a
# food with a published value) the item whose value note quotes it.
ARTICLE_A_VALUES = {
    "goose-liver": "Goose Liver",
    "brie": "Soft Cheese",
    "egg-yolk-free-range": "Free Range Egg Yolk",
    "egg-yolk": "Conventional Egg Yolk",
    "butter-grass-fed": "Butter from a Grass-Fed Cow",
    "chicken-leg": "Chicken Breast or Leg",
    "sauerkraut": "Sauerkraut",
}
ARTICLE_A_IN_NOTES = {"natto": "Natto", "gouda": "Hard Cheese", "chicken-breast": "Chicken Breast or Leg"}

needs_sr28 = pytest.mark.skipif(
    not (SR28 / "NUT_DATA.txt").exists(), reason=f"USDA SR28 files not found in {SR28} (the shared data folder)"
)
needs_literature = pytest.mark.skipif(
    not K2_LITERATURE.exists(), reason=f"{K2_LITERATURE} not found (the shared data folder)"
)
needs_article_a = pytest.mark.skipif(not ARTICLE_A.exists(), reason=f"Article A not found at {ARTICLE_A}")


@pytest.fixture(scope="module")
def seed():
    return read_seed()


@pytest.fixture(scope="module")
def sr28_values():
    """{NDB_No: {Nutr_No: Decimal}} from NUT_DATA.txt (USDA's ^-separated, ~-quoted latin-1 format)."""
    values = {}
    for ndb_number, nutrient_number, amount, *_ in read_sr28("NUT_DATA.txt"):
        values.setdefault(ndb_number, {})[nutrient_number] = Decimal(amount)
    return values


def read_sr28(name):
    with open(SR28 / name, encoding="latin-1", newline="") as lines:
        for line in lines:
            yield [field.strip("~") for field in line.rstrip("\r\n").split("^")]


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows))


def usda_ndb_number(item):
    return item.usda_ndb_number or item.usda_values_from_ndb


def sr28_amount(values, ndb_number, code):
    """The SR28 value per 100 g in Tandem's unit, or None; vitamin D from IU when only IU is given."""
    food = values.get(ndb_number, {})
    nutrient = nutrients.BY_CODE[code]
    if nutrient.sr28_number in food:
        return food[nutrient.sr28_number]
    if nutrient is nutrients.VITAMIN_D and "324" in food:
        return vitamin_d_iu_to_ug(food["324"])
    return None


def values_from(seed, *source_keys):
    return [(item, value) for item in seed.items for value in item.values if value.source in source_keys]


@needs_sr28
def test_every_usda_value_is_the_one_in_sr28(seed, sr28_values):
    checked = values_from(seed, USDA)
    wrong = [
        (item.seed_key, value.nutrient, value.amount, sr28_amount(sr28_values, usda_ndb_number(item), value.nutrient))
        for item, value in checked
        if sr28_amount(sr28_values, usda_ndb_number(item), value.nutrient) != value.amount
    ]

    assert len(checked) > 100
    assert wrong == []


@needs_sr28
def test_every_usda_food_holds_each_value_sr28_has(seed, sr28_values):
    missing = [
        (item.seed_key, code)
        for item in seed.items
        if usda_ndb_number(item)
        for code in nutrients.BY_CODE
        if sr28_amount(sr28_values, usda_ndb_number(item), code) is not None
        and code not in {value.nutrient for value in item.values}
    ]

    assert missing == []


@needs_sr28
def test_usda_values_belong_to_items_that_name_their_usda_food(seed):
    unnamed = {item.seed_key for item, _ in values_from(seed, USDA) if not usda_ndb_number(item)}
    ndb_numbers = {row[0] for row in read_sr28("FOOD_DES.txt")}
    unknown = {
        item.seed_key for item in seed.items if usda_ndb_number(item) and usda_ndb_number(item) not in ndb_numbers
    }

    assert unnamed == set()
    assert unknown == set()


@needs_sr28
def test_every_usda_portion_is_a_weight_in_sr28(seed):
    weights = {}
    for ndb_number, _, _, _, grams, *_ in read_sr28("WEIGHT.txt"):
        weights.setdefault(ndb_number, set()).add(Decimal(grams))
    portions = [(item, portion) for item in seed.items for portion in item.portions if portion.source == USDA]

    wrong = [
        (item.seed_key, portion.label, portion.grams)
        for item, portion in portions
        if portion.grams not in weights.get(usda_ndb_number(item), set())
    ]

    assert len(portions) > 20
    assert wrong == []


@needs_literature
def test_every_published_k2_value_is_the_one_in_the_literature_table(seed):
    rows = read_csv(K2_LITERATURE)
    checked = values_from(seed, *LITERATURE_SOURCES)

    for item, value in checked:
        food = LITERATURE_ROWS.get((item.seed_key, value.nutrient))
        assert food, f"{item.seed_key} {value.nutrient}: add the literature row it comes from to LITERATURE_ROWS"
        [row] = [
            row
            for row in rows
            if row["food"] == food
            and row["basis"] == "per 100 g"
            and row["source"].startswith(LITERATURE_SOURCES[value.source])
        ]
        assert Decimal(row[LITERATURE_COLUMNS[value.nutrient]]) == value.amount, (item.seed_key, value.nutrient)
    assert {(item.seed_key, value.nutrient) for item, value in checked} == set(LITERATURE_ROWS)


@needs_literature
def test_every_published_portion_is_the_one_in_portion_weights(seed):
    rows = {(row["portion"], Decimal(row["grams"])) for row in read_csv(PORTION_WEIGHTS)}
    portions = [
        (item.seed_key, portion.label, portion.grams)
        for item in seed.items
        for portion in item.portions
        if portion.source in LITERATURE_SOURCES
    ]

    assert portions
    assert [(key, label, grams) for key, label, grams in portions if (label, grams) not in rows] == []


@needs_article_a
def test_article_a_figures_are_read_per_100_g_only_where_nothing_was_published(seed):
    figures = {
        food.strip(): Decimal(figure.replace(",", ""))
        for food, figure in re.findall(r"•\s*(.+?) - ([\d,.]+)\s+mcg per", ARTICLE_A.read_text(encoding="utf-8"))
    }
    from_article = values_from(seed, ARTICLE)
    notes = {item.seed_key: " ".join(value.note for value in item.values) for item in seed.items}

    for item, value in from_article:
        assert value.amount == figures[ARTICLE_A_VALUES[item.seed_key]], item.seed_key
        assert "per 100 g" in value.note, item.seed_key
    for seed_key, food in ARTICLE_A_IN_NOTES.items():
        assert f"{figures[food]:,} µg" in notes[seed_key], seed_key
    assert {item.seed_key for item, _ in from_article} == set(ARTICLE_A_VALUES)
    assert set(ARTICLE_A_VALUES.values()) | set(ARTICLE_A_IN_NOTES.values()) == set(figures)


def test_every_value_and_portion_names_a_source_the_seed_defines(seed):
    used = {value.source for item in seed.items for value in item.values}
    used |= {portion.source for item in seed.items for portion in item.portions if portion.source}

    assert used == set(seed.sources)
    assert all(value.source for item in seed.items for value in item.values)


def test_supplements_hold_the_amount_their_name_states_per_unit_from_a_label(seed):
    supplements = [item for item in seed.items if item.kind == "supplement"]
    stated = {
        "vitamin_d_ug": lambda name: [
            vitamin_d_iu_to_ug(iu.replace(",", "")) for iu in re.findall(r"([\d,]+) IU", name)
        ],
        "k2_mk4_ug": lambda name: [Decimal(ug.replace(",", "")) for ug in re.findall(r"MK-4 ([\d,]+) µg", name)],
        "k2_mk7_ug": lambda name: [Decimal(ug.replace(",", "")) for ug in re.findall(r"MK-7 ([\d,]+) µg", name)],
        "calcium_mg": lambda name: [Decimal(mg) for mg in re.findall(r"Calcium (\d+) mg", name)],
    }

    assert len(supplements) >= 9
    for item in supplements:
        amounts = {value.nutrient: value.amount for value in item.values if value.amount}
        assert amounts == {code: read(item.name)[0] for code, read in stated.items() if read(item.name)}, item.name
        assert {seed.sources[value.source].kind for value in item.values} == {"product_label"}, item.name
        assert item.portions and item.portions[0].units, item.name


def test_a_supplement_label_states_none_of_the_other_label_vitamins_and_minerals(seed):
    d3 = next(item for item in seed.items if item.seed_key == "d3-5000-iu")
    zeros = {value.nutrient for value in d3.values if value.amount == 0}

    assert zeros == {"k2_mk4_ug", "k2_mk7_ug", "k2_other_ug", "k1_ug", "vitamin_a_ug_rae", "calcium_mg"}
    assert all(value.source == "generic-label" and "Not on the label" in value.note
               for value in d3.values if value.amount == 0)
    assert "fat_g" not in {value.nutrient for value in d3.values}  # a softgel's oil: unknown, not zero


def test_no_seed_food_trips_the_energy_check(seed):
    foods = [item for item in seed.items if item.kind == "food"]

    flagged = {
        item.seed_key: energy_mismatch({value.nutrient: value.amount for value in item.values}) for item in foods
    }

    assert {key: message for key, message in flagged.items() if message} == {}


def test_every_food_has_a_typical_portion_in_grams(seed):
    foods = [item for item in seed.items if item.kind == "food"]

    assert len(foods) >= 20
    assert [item.seed_key for item in foods if not (item.portions and item.portions[0].grams)] == []
