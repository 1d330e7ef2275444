import threading
import time as time_module
from datetime import time, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from tests.factories import make_item
from tests.tracker.factories import DAY, log_dose, log_item, make_d3_softgel, make_natto
from tracker.copying import Preview, copy_entries, entries_to_copy, plan_copy
from tracker.entries import routine_entry
from tracker.models import Entry, Routine, RoutinePause

pytestmark = pytest.mark.django_db

FROM_DAY = DAY - timedelta(days=1)  # Thursday 19 November 2026
TO_DAY = DAY


def fields_of(entry):
    return (entry.item_id, entry.portion_id, entry.quantity, entry.quantity_unit, entry.basis_factor,
            entry.dose_nutrient, entry.dose_amount, entry.meal, entry.time)


def make_routine(user, item, **schedule):
    fields = {"frequency": "daily", "starts_on": FROM_DAY - timedelta(days=30), "meal": "breakfast"} | schedule
    return Routine.objects.create(user=user, item=item, quantity=1, quantity_unit="unit", **fields)


def log_routine(routine, day):
    entry = routine_entry(routine, day)
    entry.save()
    return entry


@pytest.fixture
def natto():
    return make_natto()


def test_it_copies_a_whole_day_as_it_was_typed(alice, natto):
    softgel = make_d3_softgel()
    originals = [
        log_item(alice, natto, day=FROM_DAY, meal="breakfast", portion=natto.portions.get(), count=2),
        log_item(alice, natto, day=FROM_DAY, meal="lunch", grams=30),
        log_item(alice, softgel, day=FROM_DAY, meal="lunch", units=1),
        log_dose(alice, "k2_mk7_ug", 90, "ug", day=FROM_DAY, meal="dinner"),
    ]

    copies = copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY)

    assert [fields_of(copy) for copy in copies] == [fields_of(original) for original in originals]
    assert {copy.day for copy in copies} == {TO_DAY}
    assert {copy.user for copy in copies} == {alice}
    assert set(Entry.objects.on(TO_DAY)) == set(copies)
    assert Entry.objects.on(FROM_DAY).count() == 4


def test_it_keeps_the_time_of_day(alice, natto):
    log_item(alice, natto, day=FROM_DAY, grams=30)
    Entry.objects.update(time=time(7, 30))

    [copy] = copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY)

    assert copy.time == time(7, 30)


def test_it_copies_one_meal(alice, natto):
    log_item(alice, natto, day=FROM_DAY, meal="breakfast", grams=20)
    dinner = log_item(alice, natto, day=FROM_DAY, meal="dinner", grams=50)

    copies = copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY, meal="dinner")

    assert [fields_of(copy) for copy in copies] == [fields_of(dinner)]


def test_it_copies_a_meal_into_another_slot(alice, natto):
    log_item(alice, natto, day=FROM_DAY, meal="breakfast", grams=20)
    log_dose(alice, "vitamin_d_ug", 2000, "IU", day=FROM_DAY, meal="breakfast")

    copies = copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY, meal="breakfast", into_meal="snack")

    assert [(copy.label, copy.meal) for copy in copies] == [("Natto", "snack"), ("Vitamin D (D2 + D3)", "snack")]


def test_it_copies_a_whole_day_into_one_slot_when_asked(alice, natto):
    log_item(alice, natto, day=FROM_DAY, meal="breakfast", grams=20)
    log_item(alice, natto, day=FROM_DAY, meal="dinner", grams=50)

    copies = copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY, into_meal="lunch")

    assert [(copy.quantity, copy.meal) for copy in copies] == [(20, "lunch"), (50, "lunch")]


def test_it_copies_meal_by_meal_in_the_days_order(alice, natto):
    log_item(alice, natto, day=FROM_DAY, meal="snack", grams=1)
    log_item(alice, natto, day=FROM_DAY, meal="dinner", grams=2)
    log_item(alice, natto, day=FROM_DAY, meal="breakfast", grams=3)

    assert [entry.meal for entry in entries_to_copy(alice, FROM_DAY)] == ["breakfast", "dinner", "snack"]


def test_a_copy_of_a_dose_in_iu_is_the_same_dose(alice):
    log_dose(alice, "vitamin_d_ug", 5000, "IU", day=FROM_DAY)

    [copy] = copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY)

    assert (copy.quantity, copy.quantity_unit, copy.dose_amount) == (5000, "IU", Decimal("125"))


def test_copies_are_independent_of_their_originals(alice, natto):
    original = log_item(alice, natto, day=FROM_DAY, grams=20)
    [copy] = copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY)

    Entry.objects.filter(pk=copy.pk).update(quantity=99, basis_factor=Decimal("0.99"), meal="dinner")
    original.refresh_from_db()
    assert (original.quantity, original.basis_factor, original.meal) == (20, Decimal("0.2"), "breakfast")

    Entry.objects.get(pk=copy.pk).delete()
    assert Entry.objects.filter(pk=original.pk).exists()

    [second_copy] = copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY)
    original.delete()
    second_copy.refresh_from_db()
    assert (second_copy.quantity, second_copy.day) == (20, TO_DAY)


def test_it_copies_only_the_users_own_entries(alice, bob, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)
    log_item(bob, natto, day=FROM_DAY, grams=300)
    log_item(bob, natto, day=FROM_DAY, meal="lunch", grams=400)

    copies = copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY)

    assert [(copy.user, copy.quantity) for copy in copies] == [(alice, 20)]
    assert not Entry.objects.filter(user=bob, day=TO_DAY).exists()
    assert [entry.user for entry in entries_to_copy(alice, FROM_DAY)] == [alice]


def test_a_day_copied_onto_itself_doubles(alice, natto):
    log_item(alice, natto, day=DAY, meal="lunch", grams=20)

    copy_entries(user=alice, from_day=DAY, to_day=DAY)

    assert list(Entry.objects.on(DAY).values_list("meal", "quantity")) == [("lunch", 20), ("lunch", 20)]


def test_nothing_to_copy_adds_nothing(alice, bob, natto):
    log_item(bob, natto, day=FROM_DAY, grams=20)

    assert copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY) == []
    assert not Entry.objects.filter(user=alice).exists()


# The preview


def test_the_plan_lists_the_copies_without_saving_them(alice, natto):
    original = log_item(alice, natto, day=FROM_DAY, meal="dinner", grams=20)

    plan = plan_copy(user=alice, from_day=FROM_DAY, to_day=TO_DAY, into_meal="lunch")

    [copy] = plan.copies
    assert copy.pk is None
    assert (copy.label, copy.quantity_label, copy.meal, copy.day) == ("Natto", "20 g", "lunch", TO_DAY)
    assert plan.source_ids == (original.pk,)
    assert plan.can_copy
    assert Entry.objects.count() == 1


def test_a_copy_reads_its_amounts_from_the_item(alice, natto):
    log_item(alice, natto, day=FROM_DAY, grams=50)

    [copy] = plan_copy(user=alice, from_day=FROM_DAY, to_day=TO_DAY).copies

    assert copy.nutrient_amounts()["k2_mk7_ug"] == Decimal("469.5")


# Entries that can no longer be logged as they were typed


def test_an_item_since_made_someone_elses_is_refused_and_nothing_is_copied(alice, bob, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)
    pate = make_item("Grandma's pâté", owner=alice, values={"k2_mk4_ug": 300})
    log_item(alice, pate, day=FROM_DAY, meal="dinner", grams=40)
    pate.owner = bob
    pate.save()

    plan = plan_copy(user=alice, from_day=FROM_DAY, to_day=TO_DAY)
    with pytest.raises(ValidationError) as refused:
        copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY)

    assert [left.description for left in plan.refused] == ["Grandma's pâté, 40 g, in Dinner"]
    assert plan.refused[0].reason == "Its item is no longer in the catalog or among your own."
    assert not plan.can_copy
    assert refused.value.code == "refused"
    assert "Grandma's pâté, 40 g, in Dinner" in refused.value.message
    assert not Entry.objects.on(TO_DAY).exists()


def test_an_entry_whose_portion_was_deleted_is_refused(alice, natto):
    log_item(alice, natto, day=FROM_DAY, portion=natto.portions.get(), count=2)
    natto.portions.get().delete()

    plan = plan_copy(user=alice, from_day=FROM_DAY, to_day=TO_DAY)

    assert [(left.description, left.reason) for left in plan.refused] == [
        ("Natto, 2 portion, in Breakfast", "The portion it was logged in has been deleted.")
    ]
    with pytest.raises(ValidationError):
        copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY)
    assert not Entry.objects.on(TO_DAY).exists()


def test_the_other_meals_still_copy_when_one_holds_a_refused_entry(alice, bob, natto):
    log_item(alice, natto, day=FROM_DAY, meal="breakfast", grams=20)
    pate = make_item("Grandma's pâté", owner=bob)
    Entry.objects.create(user=alice, day=FROM_DAY, meal="dinner", item=pate, quantity=40, quantity_unit="g",
                         basis_factor=Decimal("0.4"))

    copies = copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY, meal="breakfast")

    assert [copy.label for copy in copies] == ["Natto"]


# Routines


def test_a_routine_dose_already_logged_on_the_day_is_skipped(alice, natto):
    routine = make_routine(alice, make_d3_softgel())
    log_routine(routine, FROM_DAY)
    log_item(alice, natto, day=FROM_DAY, grams=20)
    logged = log_routine(routine, TO_DAY)

    plan = plan_copy(user=alice, from_day=FROM_DAY, to_day=TO_DAY)
    copies = copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY)

    [skipped] = plan.skipped
    assert (skipped.entry.routine, skipped.reason) == (routine, "Already logged by your routine.")
    assert [copy.label for copy in copies] == ["Natto"]
    assert list(Entry.objects.filter(routine=routine, day=TO_DAY)) == [logged]


def test_a_routine_dose_copied_to_a_day_it_is_due_counts_as_the_routines(alice):
    routine = make_routine(alice, make_d3_softgel())
    log_routine(routine, FROM_DAY)

    [copy] = copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY)

    assert copy.routine == routine
    assert Entry.objects.get(pk=copy.pk).routine == routine


def test_a_routine_dose_copied_to_a_day_it_is_not_due_is_a_plain_entry(alice):
    thursdays = make_routine(alice, make_d3_softgel(), frequency="weekdays", weekdays=1 << FROM_DAY.weekday())
    log_routine(thursdays, FROM_DAY)

    [copy] = copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY)

    assert copy.routine is None
    assert (copy.label, copy.quantity_label) == ("Vitamin D3 5,000 IU", "1 unit")


def test_a_routine_dose_copied_to_a_paused_day_is_a_plain_entry(alice):
    routine = make_routine(alice, make_d3_softgel())
    log_routine(routine, FROM_DAY)
    RoutinePause.objects.create(routine=routine, first_day=TO_DAY)

    [copy] = copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY)

    assert copy.routine is None


def test_a_day_copied_onto_itself_leaves_its_routine_dose_alone(alice, natto):
    routine = make_routine(alice, make_d3_softgel())
    log_routine(routine, DAY)
    log_item(alice, natto, day=DAY, grams=20)

    copies = copy_entries(user=alice, from_day=DAY, to_day=DAY)

    assert [copy.label for copy in copies] == ["Natto"]
    assert Entry.objects.filter(routine=routine).count() == 1


# Copying what a preview showed


def preview_of(user, **choice):
    plan = plan_copy(user=user, **choice)
    return Preview(plan.source_ids, timezone.now())


def test_the_same_preview_copied_twice_is_copied_once(alice, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)
    log_dose(alice, "vitamin_d_ug", 2000, "IU", day=FROM_DAY)
    choice = {"from_day": FROM_DAY, "to_day": TO_DAY}
    preview = preview_of(alice, **choice)

    first = copy_entries(user=alice, preview=preview, **choice)
    with pytest.raises(ValidationError) as again:
        copy_entries(user=alice, preview=preview, **choice)

    assert len(first) == 2
    assert again.value.code == "already_copied"
    assert Entry.objects.on(TO_DAY).count() == 2


def test_the_same_preview_of_a_routine_dose_copied_twice_is_copied_once(alice):
    routine = make_routine(alice, make_d3_softgel())
    log_routine(routine, FROM_DAY)
    choice = {"from_day": FROM_DAY, "to_day": TO_DAY}
    preview = preview_of(alice, **choice)
    copy_entries(user=alice, preview=preview, **choice)

    # The second time the dose is skipped as logged by the routine: nothing is left to copy.
    with pytest.raises(ValidationError) as again:
        copy_entries(user=alice, preview=preview, **choice)

    assert again.value.code == "already_copied"
    assert Entry.objects.filter(routine=routine, day=TO_DAY).count() == 1


def test_a_new_preview_copies_again(alice, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)
    choice = {"from_day": FROM_DAY, "to_day": TO_DAY}
    copy_entries(user=alice, preview=preview_of(alice, **choice), **choice)

    copy_entries(user=alice, preview=preview_of(alice, **choice), **choice)

    assert Entry.objects.on(TO_DAY).count() == 2


def test_entries_logged_before_the_preview_do_not_count_as_copied(alice, natto):
    log_item(alice, natto, day=DAY, grams=20)
    choice = {"from_day": DAY, "to_day": DAY}

    copies = copy_entries(user=alice, preview=preview_of(alice, **choice), **choice)

    assert len(copies) == 1
    assert Entry.objects.on(DAY).count() == 2


def test_the_same_preview_into_another_slot_is_not_the_same_copy(alice, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)
    preview = preview_of(alice, from_day=FROM_DAY, to_day=TO_DAY)

    copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY, preview=preview)
    copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY, into_meal="dinner", preview=preview)

    assert list(Entry.objects.on(TO_DAY).values_list("meal", flat=True)) == ["breakfast", "dinner"]


def test_entries_changed_since_the_preview_are_not_copied(alice, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)
    choice = {"from_day": FROM_DAY, "to_day": TO_DAY}
    preview = preview_of(alice, **choice)
    log_item(alice, natto, day=FROM_DAY, meal="dinner", grams=500)

    with pytest.raises(ValidationError) as changed:
        copy_entries(user=alice, preview=preview, **choice)

    assert changed.value.code == "changed"
    assert not Entry.objects.on(TO_DAY).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks: one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_a_preview_sent_twice_at_once_is_copied_once(alice, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)
    choice = {"from_day": FROM_DAY, "to_day": TO_DAY}
    preview = preview_of(alice, **choice)
    outcomes = []

    def slowly_planned(**kwargs):
        # Both requests would read an empty day before either writes, were the second not kept waiting.
        plan = plan_copy(**kwargs)
        time_module.sleep(0.5)
        return plan

    def submit():
        try:
            outcomes.append(len(copy_entries(user=alice, preview=preview, **choice)))
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    with mock.patch("tracker.copying.plan_copy", slowly_planned):
        threads = [threading.Thread(target=submit) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert sorted(outcomes, key=str) == [1, "already_copied"]
    assert Entry.objects.on(TO_DAY).count() == 1


def test_a_routine_dose_logged_in_another_tab_while_copying_refuses_the_copy(alice):
    routine = make_routine(alice, make_d3_softgel())
    log_routine(routine, FROM_DAY)

    def plan_then_other_tab_logs(**kwargs):
        plan = plan_copy(**kwargs)
        log_routine(routine, TO_DAY)
        return plan

    with mock.patch("tracker.copying.plan_copy", side_effect=plan_then_other_tab_logs):
        with pytest.raises(ValidationError) as refused:
            copy_entries(user=alice, from_day=FROM_DAY, to_day=TO_DAY)

    assert refused.value.code == "changed"
    # The stand-in for the other tab ran inside the copy's transaction, so it was rolled back with it.
    assert not Entry.objects.on(TO_DAY).exists()
