from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from foods.catalog.loader import SEED_PATH, SeedError, load_catalog, parse_seed, read_seed
from foods.models import Category, Item, NutrientValue, Portion, Source
from foods.units import vitamin_d_iu_to_ug
from tests.factories import make_item, make_source

pytestmark = pytest.mark.django_db

# Two items, enough to see a half-written load: the second is the one the error tests break.
SMALL_SEED = """
[sources.usda-sr28]
kind = "usda_sr28"
citation = "USDA SR28"

[sources.kamao-2007]
kind = "published_table"
citation = "Kamao 2007"

[sources.generic-label]
kind = "product_label"
citation = "Generic label"

[[items]]
seed_key = "natto"
name = "Natto"
kind = "food"
category = "Fermented foods"
usda_ndb_number = "16113"
portions = [{ label = "1 serving (3 oz)", grams = 85, source = "usda-sr28" }]

[items.values]
fat_g = { amount = 11.00, source = "usda-sr28" }
k2_mk7_ug = { amount = 939, source = "kamao-2007", note = "Kamao 2007." }

[[items]]
seed_key = "d3-5000-iu"
name = "Vitamin D3 5,000 IU softgel"
kind = "supplement"
category = "Supplements"
portions = [{ label = "1 softgel", units = 1, source = "generic-label" }]

[items.values]
vitamin_d_ug = { amount = 125, source = "generic-label" }
"""


def write_seed(tmp_path, text, name="seed.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def edited(text, old, new):
    """`text` with `old` replaced once: fails loudly if the seed no longer holds `old`."""
    assert text.count(old) == 1, f"expected {old!r} once in the seed"
    return text.replace(old, new)


def load(*args):
    out = StringIO()
    call_command("load_catalog", *args, stdout=out)
    return out.getvalue()


def amounts_and_sources(item):
    return {value.nutrient: (value.amount, value.source.key) for value in item.nutrient_values.select_related("source")}


def history_counts():
    return [model.history.count() for model in (Source, Item, NutrientValue, Portion)]


def test_it_loads_natto_with_each_value_from_its_own_source():
    load()

    natto = Item.objects.get(seed_key="natto")
    values = amounts_and_sources(natto)

    assert natto.usda_ndb_number == "16113"
    assert natto.owner is None
    assert values["k2_mk7_ug"] == (Decimal("939"), "kamao-2007")
    assert values["fat_g"][1] == "usda-sr28"
    assert natto.portions.first().label == "1 serving (3 oz)"
    assert natto.portions.first().grams == Decimal("85")


def test_it_leaves_values_nobody_measured_unknown():
    load()

    natto = Item.objects.get(seed_key="natto").nutrient_amounts()
    goose_liver = Item.objects.get(seed_key="goose-liver").nutrient_amounts()
    whole_egg = Item.objects.get(seed_key="egg").nutrient_amounts()

    assert natto["k2_mk4_ug"] is None
    assert goose_liver["vitamin_d_ug"] is None
    assert [whole_egg[code] for code in ("k2_mk4_ug", "k2_mk7_ug", "k2_other_ug")] == [None, None, None]
    assert not NutrientValue.objects.filter(item__seed_key="egg", nutrient__startswith="k2_").exists()


def test_it_stores_supplements_per_unit_in_micrograms_from_a_label():
    load()

    softgel = Item.objects.get(seed_key="d3-5000-iu")
    drops = Item.objects.get(seed_key="d3-drops")
    vitamin_d = softgel.nutrient_values.get(nutrient="vitamin_d_ug")

    assert softgel.is_supplement
    assert vitamin_d.amount == vitamin_d_iu_to_ug(5000)
    assert vitamin_d.source.kind == Source.Kind.PRODUCT_LABEL
    assert softgel.portions.get().units == 1
    assert drops.portions.first().label == "2 drops"
    assert drops.portions.first().units == 2


def test_it_loads_every_value_and_portion_of_the_seed_file_with_its_source():
    seed = read_seed()

    load()

    for spec in seed.items:
        item = Item.objects.get(seed_key=spec.seed_key)
        assert amounts_and_sources(item) == {v.nutrient: (v.amount, v.source) for v in spec.values}, spec.seed_key
        portions = [(p.label, p.grams, p.units, p.source.key if p.source else None) for p in item.portions.all()]
        assert portions == [(p.label, p.grams, p.units, p.source) for p in spec.portions], spec.seed_key
    assert set(Source.objects.values_list("key", flat=True)) == set(seed.sources)


def test_every_item_named_in_the_issue_is_present():
    named = {
        "natto": "food",
        "goose-liver": "food",
        "gouda": "food",
        "brie": "food",
        "egg-yolk-free-range": "food",
        "egg-yolk": "food",
        "butter-grass-fed": "food",
        "chicken-breast": "food",
        "chicken-leg": "food",
        "sauerkraut": "food",
        "salmon": "food",
        "cod-liver-oil": "food",
        "milk-vitamin-d": "food",
        "egg": "food",
        "mushrooms-uv": "food",
        "avocado": "food",
        "olive-oil": "food",
        "almonds": "food",
        "walnuts": "food",
        "d3-1000-iu": "supplement",
        "d3-2000-iu": "supplement",
        "d3-5000-iu": "supplement",
        "k2-mk7-100-ug": "supplement",
        "k2-mk4-1000-ug": "supplement",
        "d3-2000-iu-k2-mk7-100-ug": "supplement",
        "calcium-500-mg": "supplement",
        "d2-50000-iu-weekly": "supplement",
        "d3-drops": "supplement",
    }

    load()

    loaded = dict(Item.objects.filter(seed_key__in=named).values_list("seed_key", "kind"))
    assert loaded == named
    assert not Item.objects.filter(seed_key__in=named, category=None).exists()


def test_a_second_run_changes_nothing():
    first = load()
    before = history_counts()
    stamps = dict(Item.objects.values_list("seed_key", "updated"))

    second = load()

    assert "0 changed" not in first
    assert f"Items: 0 created, 0 updated, {len(read_seed().items)} unchanged." in second
    assert second.strip().endswith(" 0 changed.")
    assert history_counts() == before
    assert dict(Item.objects.values_list("seed_key", "updated")) == stamps


def test_a_second_run_reads_the_catalog_in_a_fixed_number_of_queries(django_assert_num_queries):
    load_catalog()

    # savepoint, sources, categories, items, their values, their portions, release: however many items
    with django_assert_num_queries(7):
        summary = load_catalog()

    assert summary.changed == 0


def test_a_fix_in_the_seed_file_updates_just_that_value(tmp_path):
    load()
    fixed = write_seed(tmp_path, edited(SEED_PATH.read_text(encoding="utf-8"), "amount = 939\n", "amount = 940\n"))
    value_history = NutrientValue.history.count()

    summary = load_catalog(fixed)

    natto = Item.objects.get(seed_key="natto")
    assert natto.nutrient_values.get(nutrient="k2_mk7_ug").amount == Decimal("940")
    assert summary.items_updated == ["natto"]
    assert summary.items_created == []
    assert NutrientValue.history.count() == value_history + 1


def test_a_fix_updates_an_items_fields_and_portions(tmp_path):
    load_catalog(write_seed(tmp_path, SMALL_SEED))
    fixed = edited(SMALL_SEED, 'name = "Natto"', 'name = "Natto (fermented soybeans)"')
    fixed = edited(fixed, "grams = 85", "grams = 85.5")

    output = load("--seed", str(write_seed(tmp_path, fixed, "fixed.toml")))

    natto = Item.objects.get(seed_key="natto")
    assert natto.name == "Natto (fermented soybeans)"
    assert natto.portions.get().grams == Decimal("85.5")
    assert "Items: 0 created, 1 updated, 1 unchanged." in output


def test_it_adopts_the_item_the_usda_importer_made():
    usda = make_source(key="usda-sr28", kind=Source.Kind.USDA_SR28, citation="USDA SR28")
    imported = make_item("Natto", usda_ndb_number="16113", values={"fat_g": "11.00"}, source=usda)

    summary = load_catalog()

    natto = Item.objects.get(usda_ndb_number="16113")
    assert natto.pk == imported.pk
    assert natto.seed_key == "natto"
    assert natto.nutrient_values.get(nutrient="k2_mk7_ug").amount == Decimal("939")
    assert summary.items_adopted == ["natto"]
    assert "natto" in summary.items_updated
    assert Item.objects.filter(name__icontains="natto").count() == 1


def test_the_seed_portion_stays_typical_when_the_importer_came_first():
    usda = make_source(key="usda-sr28", kind=Source.Kind.USDA_SR28, citation="USDA SR28")
    imported = make_item("Egg, yolk, raw, fresh", usda_ndb_number="01125", source=usda, portions={"1 large": 17})

    load_catalog()
    second = load_catalog()

    labels = list(imported.portions.order_by("position", "pk").values_list("label", flat=True))
    assert labels == ["1 large egg yolk", "1 large"]
    assert "egg-yolk" not in second.items_updated


def test_label_lists_all_is_only_for_a_supplement_with_label_values():
    with pytest.raises(SeedError, match="label_lists_all = true is for a supplement"):
        parse_seed(
            {
                "sources": {"label": {"kind": "product_label", "citation": "A label"}},
                "items": [{"seed_key": "bread", "name": "Bread", "kind": "food", "category": "Bakery",
                           "label_lists_all": True}],
            }
        )


def test_it_keeps_values_and_portions_staff_added():
    load()
    natto = Item.objects.get(seed_key="natto")
    staff_value = NutrientValue.objects.create(
        item=natto, nutrient="k2_mk4_ug", amount=Decimal("1.5"), source=make_source(key="staff-table")
    )
    staff_portion = Portion.objects.create(item=natto, label="1 tub", grams=Decimal("50"), position=5)

    output = load()

    assert NutrientValue.objects.filter(pk=staff_value.pk, amount=Decimal("1.5")).exists()
    assert Portion.objects.filter(pk=staff_portion.pk).exists()
    assert output.strip().endswith(" 0 changed.")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("vitamin_d_ug = {", "vitamin_q_ug = {", 'Item "d3-5000-iu": unknown nutrient code "vitamin_q_ug"'),
        ("amount = 125,", "amount = -125,", 'Item "d3-5000-iu", vitamin_d_ug: amount -125 is out of range'),
        (
            'amount = 125, source = "generic-label"',
            'amount = 125, source = "no-such-label"',
            'Item "d3-5000-iu", vitamin_d_ug: unknown source "no-such-label"',
        ),
        ("units = 1,", "grams = 1,", 'Item "d3-5000-iu", portion "1 softgel": missing units'),
        ("amount = 125,", "ammount = 125,", 'Item "d3-5000-iu", vitamin_d_ug: missing amount'),
        ("amount = 125,", 'amount = "125",', 'Item "d3-5000-iu", vitamin_d_ug: amount must be a number'),
        ("amount = 125,", "amount = 125.00001,", "has more than 4 decimal places"),
        ('seed_key = "d3-5000-iu"', 'seed_key = "natto"', 'Item "natto" appears twice'),
        ('kind = "supplement"', 'kind = "pill"', 'Item "d3-5000-iu": unknown kind "pill"'),
    ],
)
def test_it_refuses_invalid_seed_data_naming_the_item_and_changes_nothing(tmp_path, old, new, message):
    broken = write_seed(tmp_path, edited(SMALL_SEED, old, new))

    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        load("--seed", str(broken))

    assert (Item.objects.count(), Source.objects.count(), Category.objects.count()) == (0, 0, 0)


def test_it_refuses_two_items_with_one_ndb_number():
    data = {
        "sources": {"usda-sr28": {"kind": "usda_sr28", "citation": "USDA SR28"}},
        "items": [
            {"seed_key": key, "name": "Egg yolk", "kind": "food", "category": "Eggs", "usda_ndb_number": "01125"}
            for key in ("egg-yolk", "egg-yolk-free-range")
        ],
    }

    with pytest.raises(SeedError, match='Item "egg-yolk-free-range": USDA NDB number 01125 is already that of item'):
        parse_seed(data)


def test_a_conflict_found_while_writing_rolls_everything_back(tmp_path, alice):
    make_item("My natto", usda_ndb_number="16113", owner=alice)
    sources_before = set(Source.objects.values_list("key", flat=True))

    with pytest.raises(CommandError, match='Item "natto": USDA NDB number 16113 already belongs to "My natto"'):
        load("--seed", str(write_seed(tmp_path, SMALL_SEED)))

    assert set(Source.objects.values_list("key", flat=True)) == sources_before
    assert not Category.objects.exists()
    assert not Item.objects.exclude(seed_key=None).exists()


def test_it_refuses_a_seed_item_whose_ndb_number_another_item_holds(tmp_path):
    load_catalog(write_seed(tmp_path, SMALL_SEED))
    Item.objects.filter(seed_key="natto").update(usda_ndb_number=None)
    make_item("Natto, imported", usda_ndb_number="16113")

    with pytest.raises(SeedError, match="already belongs to another item"):
        load_catalog(write_seed(tmp_path, SMALL_SEED))


def test_it_refuses_a_file_that_is_not_toml(tmp_path):
    with pytest.raises(CommandError, match="is not valid TOML"):
        load("--seed", str(write_seed(tmp_path, "[[items]\nname = ")))


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read the seed file"):
        load("--seed", str(tmp_path / "nowhere.toml"))


def test_it_lists_the_items_it_changed_when_asked():
    output = load("--verbosity", "2")

    assert "Created: natto," in output
