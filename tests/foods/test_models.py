from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from foods.models import Item, NutrientValue, Portion
from tests.factories import make_item, make_source

pytestmark = pytest.mark.django_db


def test_it_keeps_unknown_apart_from_zero():
    item = make_item(values={"k2_mk7_ug": 939, "k1_ug": 0})

    amounts = item.nutrient_amounts()

    assert amounts["k2_mk7_ug"] == Decimal("939")
    assert amounts["k1_ug"] == Decimal("0")
    assert amounts["vitamin_d_ug"] is None


def test_it_annotates_nutrients_with_unknown_as_none():
    make_item(values={"k2_mk7_ug": 939})

    item = Item.objects.with_nutrients().get()

    assert item.k2_mk7_ug == Decimal("939")
    assert item.vitamin_d_ug is None


def test_each_value_carries_its_own_source():
    usda = make_source(key="usda-sr28", kind="usda_sr28", citation="USDA SR28")
    kamao = make_source(key="kamao-2007", citation="Kamao 2007")
    natto = make_item(values={"fat_g": 11}, source=usda)
    NutrientValue.objects.create(item=natto, nutrient="k2_mk7_ug", amount=939, source=kamao)

    sources = {v.nutrient: v.source.key for v in natto.nutrient_values.all()}

    assert sources == {"fat_g": "usda-sr28", "k2_mk7_ug": "kamao-2007"}


def test_the_database_refuses_a_negative_amount():
    item = make_item()
    with pytest.raises(IntegrityError), transaction.atomic():
        NutrientValue.objects.create(item=item, nutrient="fat_g", amount=-1, source=make_source())


def test_the_database_refuses_an_unknown_nutrient():
    item = make_item()
    with pytest.raises(IntegrityError), transaction.atomic():
        NutrientValue.objects.create(item=item, nutrient="vitamin_q", amount=1, source=make_source())


def test_the_database_refuses_two_values_of_one_nutrient():
    item = make_item(values={"fat_g": 1})
    with pytest.raises(IntegrityError), transaction.atomic():
        NutrientValue.objects.create(item=item, nutrient="fat_g", amount=2, source=make_source())


def test_the_database_refuses_a_portion_of_zero_grams():
    item = make_item()
    with pytest.raises(IntegrityError), transaction.atomic():
        Portion.objects.create(item=item, label="nothing", grams=0)


def test_the_database_refuses_a_portion_with_grams_and_units():
    item = make_item()
    with pytest.raises(IntegrityError), transaction.atomic():
        Portion.objects.create(item=item, label="both", grams=10, units=1)


def test_a_food_portion_must_be_in_grams():
    portion = Portion(item=make_item(), label="1 softgel", units=1)
    with pytest.raises(ValidationError, match="weight in grams"):
        portion.clean()


def test_a_supplement_portion_must_be_in_units():
    portion = Portion(item=make_item("D3 1,000 IU", kind="supplement"), label="1 softgel", grams=1)
    with pytest.raises(ValidationError, match="number of units"):
        portion.clean()


def test_a_portion_scales_per_basis_values():
    assert Portion(grams=Decimal("17")).basis_factor() == Decimal("0.17")
    assert Portion(units=Decimal("2")).basis_factor() == Decimal("2")


def test_it_flags_energy_far_from_the_macros():
    item = make_item(values={"protein_g": 10, "carbohydrate_g": 10, "fat_g": 10, "energy_kcal": 400})
    assert "far from the 170 kcal" in item.energy_mismatch()


def test_it_accepts_energy_close_to_the_macros():
    # USDA's natto: 19.4 g protein, 12.7 g carbohydrate, 11 g fat, 212 kcal (its own factors).
    item = make_item(values={"protein_g": "19.4", "carbohydrate_g": "12.7", "fat_g": 11, "energy_kcal": 212})
    assert item.energy_mismatch() is None


def test_it_only_shows_users_their_own_items(alice, bob):
    catalog = make_item("Natto")
    alices = make_item("Alice's natto", owner=alice)
    make_item("Bob's natto", owner=bob)

    assert set(Item.objects.visible_to(alice)) == {catalog, alices}


def test_a_new_items_portion_is_checked_before_either_is_saved():
    portion = Portion(item=Item(name="D3 drops", kind="supplement"), label="2 drops", grams=2)
    with pytest.raises(ValidationError, match="number of units"):
        portion.clean()


def test_a_value_reads_plainly():
    value = NutrientValue(item=Item(name="Natto"), nutrient="k2_mk7_ug", amount=Decimal("939.0000"))
    assert str(value) == "Natto: 939 µg Vitamin K2 as MK-7"


def test_a_portion_names_its_quantity():
    assert Portion(grams=Decimal("28.350")).quantity_label == "28.35 g"
    assert Portion(units=Decimal("1.000")).quantity_label == "1 unit"
    assert Portion(units=Decimal("2")).quantity_label == "2 units"
    assert Portion(units=Decimal("0.5")).quantity_label == "0.5 units"
    assert str(Portion(label="1 softgel", units=Decimal(1))) == "1 softgel (1 unit)"


def test_nutrient_lookups_neither_join_the_item_nor_sort():
    sql = str(Item.objects.with_nutrients(["k2_mk7_ug", "vitamin_d_ug"]).order_by("pk").query)

    assert sql.count("ORDER BY") == 1, sql
    assert "JOIN" not in sql, sql
