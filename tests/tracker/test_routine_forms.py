"""tracker.routine_forms: a routine's amount read as on the entry forms, its schedule, and the entry rules."""

from datetime import timedelta

import pytest

from tests.tracker.factories import DAY, make_d3_softgel, make_natto
from tests.tracker.routine_factories import make_product_routine, make_routine
from tracker.models import Routine
from tracker.routine_forms import (
    DoseRoutineForm,
    FoodRoutineForm,
    SupplementRoutineForm,
    routine_form_class_for,
)

pytestmark = pytest.mark.django_db

SCHEDULE_FIELDS = ["frequency", "weekdays", "every_n_days", "starts_on", "ends_on", "meal", "time"]
AMOUNT_FIELDS = ["item_id", "portion_id", "quantity", "quantity_unit", "dose_nutrient"]


def as_posted(initial):
    """What a browser sends back for a form filled with `initial`."""
    data = {}
    for name, value in initial.items():
        if isinstance(value, list):
            data[name] = [str(number) for number in value]
        else:
            data[name] = "" if value is None else str(value)
    return data


def routines_for_each_form(user):
    natto = make_natto()
    made = [
        make_product_routine(user, item=make_d3_softgel(), quantity=2, frequency="weekdays", weekdays=0b1010101),
        make_product_routine(user, item=natto, portion=natto.portions.get(), quantity="1.5", quantity_unit="portion",
                             meal="dinner", ends_on=DAY + timedelta(days=9)),
        make_routine(user, quantity=50000, frequency="interval", every_n_days=7),
    ]
    return [Routine.objects.select_related("item", "portion").get(pk=routine.pk) for routine in made]


def test_each_routine_is_edited_on_the_form_of_its_kind(alice):
    assert [routine_form_class_for(routine) for routine in routines_for_each_form(alice)] == [
        SupplementRoutineForm, FoodRoutineForm, DoseRoutineForm
    ]


def test_a_routine_read_back_from_its_own_form_is_the_same_routine(alice):
    for saved in routines_for_each_form(alice):
        form_class = routine_form_class_for(saved)

        form = form_class(as_posted(form_class.initial_from(saved)), user=alice)

        assert form.is_valid(), form.errors
        for name in AMOUNT_FIELDS + SCHEDULE_FIELDS:
            assert getattr(form.routine, name) == getattr(saved, name), name
        assert (form.routine.pk, form.routine.user) == (None, alice)


def test_the_form_checks_the_first_dose_with_the_entry_rules(alice):
    data = {"dose_nutrient": "vitamin_d_ug", "dose_amount": "5000", "dose_unit": "IU", "meal": "breakfast",
            "frequency": "daily", "starts_on": str(DAY)}

    form = DoseRoutineForm(data, user=alice)

    assert form.is_valid()
    assert (form.entry.day, form.entry.routine, form.entry.dose_amount) == (DAY, form.routine, 125)


def test_an_amount_too_small_to_record_is_an_error_on_its_field(alice):
    data = {"dose_nutrient": "vitamin_d_ug", "dose_amount": "0.0001", "dose_unit": "IU", "meal": "breakfast",
            "frequency": "daily", "starts_on": str(DAY)}

    form = DoseRoutineForm(data, user=alice)

    assert not form.is_valid()
    assert form.errors["dose_amount"] == ["That amount is too small to record."]


def test_the_schedule_is_checked_before_the_amount(alice):
    form = DoseRoutineForm({"dose_nutrient": "vitamin_d_ug", "dose_amount": "-1", "dose_unit": "IU",
                            "meal": "breakfast", "frequency": "weekdays", "starts_on": str(DAY)}, user=alice)

    assert not form.is_valid()
    assert form.errors["weekdays"] == ["Tick at least one weekday."]
    assert form.routine is None
