from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import make_item
from tests.tracker.factories import DAY, make_d3_softgel, make_natto
from tracker.entries import dose_entry, item_entry
from tracker.models import Entry

pytestmark = pytest.mark.django_db

WHEN = {"day": DAY, "meal": "lunch"}


def test_grams_of_a_food_count_per_100_g(alice):
    entry = item_entry(user=alice, item=make_natto(), grams="150", **WHEN)
    assert (entry.quantity, entry.quantity_unit, entry.basis_factor) == (150, "g", Decimal("1.5"))


def test_a_portion_count_multiplies_the_portion(alice):
    natto = make_natto()
    entry = item_entry(user=alice, item=natto, portion=natto.portions.get(), count=2, **WHEN)
    assert (entry.quantity, entry.quantity_unit, entry.basis_factor) == (2, "portion", Decimal("1.7"))
    assert entry.quantity_label == "2 × 1 serving (3 oz)"


def test_units_of_a_supplement_count_per_unit(alice):
    entry = item_entry(user=alice, item=make_d3_softgel(), units=2, **WHEN)
    assert entry.basis_factor == 2


@pytest.mark.parametrize("grams", [0, -5, "nan", "NaN", "inf", float("inf"), float("nan"), "5001", "1e400", "abc", ""])
def test_it_refuses_a_weight_that_is_not_a_sensible_positive_number(alice, grams):
    with pytest.raises(ValidationError) as error:
        item_entry(user=alice, item=make_natto(), grams=grams, **WHEN)
    assert "grams" in error.value.message_dict


def test_it_refuses_over_5_kg_of_food_through_portions(alice):
    natto = make_natto()
    with pytest.raises(ValidationError, match="5,000 g"):
        item_entry(user=alice, item=natto, portion=natto.portions.get(), count=60, **WHEN)


def test_it_refuses_another_users_item(alice, bob):
    bobs = make_item("Bob's cheese", owner=bob)
    with pytest.raises(ValidationError) as error:
        item_entry(user=alice, item=bobs, grams=10, **WHEN)
    assert "item" in error.value.message_dict


def test_it_refuses_a_portion_of_another_item(alice):
    other = make_item("Gouda", portions={"1 oz": "28.35"})
    with pytest.raises(ValidationError, match="another item"):
        item_entry(user=alice, item=make_natto(), portion=other.portions.get(), **WHEN)


def test_it_refuses_two_amounts_at_once(alice):
    natto = make_natto()
    with pytest.raises(ValidationError, match="one way"):
        item_entry(user=alice, item=natto, grams=10, portion=natto.portions.get(), **WHEN)


def test_it_refuses_grams_of_a_supplement_and_units_of_a_food(alice):
    with pytest.raises(ValidationError, match="units, not grams"):
        item_entry(user=alice, item=make_d3_softgel(), grams=1, **WHEN)
    with pytest.raises(ValidationError, match="grams or portions"):
        item_entry(user=alice, item=make_natto(), units=1, **WHEN)


def test_a_vitamin_d_dose_in_iu_is_stored_in_ug(alice):
    entry = dose_entry(user=alice, nutrient="vitamin_d_ug", amount=5000, unit="IU", **WHEN)
    assert (entry.dose_amount, entry.quantity, entry.quantity_unit) == (125, 5000, "IU")


@pytest.mark.parametrize(
    ("nutrient", "unit"), [("k2_mk7_ug", "IU"), ("calcium_mg", "ug"), ("vitamin_d_ug", "mg"), ("fat_g", "g")]
)
def test_it_refuses_a_unit_that_does_not_fit_the_nutrient(alice, nutrient, unit):
    with pytest.raises(ValidationError):
        dose_entry(user=alice, nutrient=nutrient, amount=1, unit=unit, **WHEN)


@pytest.mark.parametrize("iu", [1_000_001, 0, -1, "nan"])
def test_it_refuses_absurd_vitamin_d_doses(alice, iu):
    with pytest.raises(ValidationError) as error:
        dose_entry(user=alice, nutrient="vitamin_d_ug", amount=iu, unit="IU", **WHEN)
    assert "dose_amount" in error.value.message_dict


def test_a_million_iu_is_the_most_allowed(alice):
    assert dose_entry(user=alice, nutrient="vitamin_d_ug", amount=1_000_000, unit="IU", **WHEN).dose_amount == 25000


def test_the_database_refuses_an_entry_that_is_neither_item_nor_dose(alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(user=alice, quantity=1, quantity_unit="g", **WHEN)


def test_the_database_refuses_a_zero_quantity(alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(user=alice, item=make_natto(), quantity=0, quantity_unit="g", basis_factor=1, **WHEN)


@pytest.mark.parametrize("grams", ["0.0001", "0.0004"])
def test_it_refuses_a_weight_the_database_would_round_to_nothing(alice, grams):
    with pytest.raises(ValidationError, match="too small to record"):
        item_entry(user=alice, item=make_natto(), grams=grams, **WHEN)


def test_it_refuses_a_dose_the_database_would_round_to_nothing(alice):
    with pytest.raises(ValidationError, match="too small to record"):
        dose_entry(user=alice, nutrient="vitamin_d_ug", amount="0.001", unit="IU", **WHEN)


def test_the_smallest_recordable_amounts_save(alice):
    item_entry(user=alice, item=make_natto(), grams="0.001", **WHEN).save()
    dose_entry(user=alice, nutrient="vitamin_d_ug", amount="0.004", unit="IU", **WHEN).save()
    assert Entry.objects.count() == 2
