"""tracker.routines: open doses, logging them once, pausing, resuming, ending, the next dose and adherence."""

from datetime import time, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from tests.factories import make_item
from tests.tracker.factories import DAY, log_dose, make_natto
from tests.tracker.routine_factories import make_product_routine, make_routine, pause
from tracker import routines
from tracker.models import Entry, Routine, RoutinePause
from tracker.routines import (
    Share,
    adherence,
    end_routine,
    log_open_doses,
    log_routine,
    next_due_day,
    open_doses,
    pause_routine,
    resume_routine,
    routine_rows,
)

pytestmark = pytest.mark.django_db

TUESDAY = 2  # the weekdays bit of Tuesday; DAY is a Friday


def with_pauses(routine):
    return Routine.objects.prefetch_related("pauses").get(pk=routine.pk)


def make_k2_routine(user):
    return make_routine(user, dose_nutrient="k2_mk7_ug", quantity=100, quantity_unit="ug")


def log_by_hand(routine, day):
    """The routine's dose, logged as another tab would have logged it."""
    entry = log_dose(routine.user, routine.dose_nutrient, routine.quantity, routine.quantity_unit, day=day)
    Entry.objects.filter(pk=entry.pk).update(routine=routine)
    return entry


# Open doses


def test_open_doses_are_the_days_due_routines_in_the_order_of_the_day(alice, django_assert_num_queries):
    evening = make_routine(alice, meal="dinner", time=time(20, 0))
    untimed = make_routine(alice, meal="breakfast")
    early = make_routine(alice, meal="breakfast", time=time(7, 30))
    softgel = make_product_routine(alice, meal="lunch")

    with django_assert_num_queries(1):
        due = open_doses(alice, DAY)
        labels = [(routine.label, routine.quantity_label) for routine in due]

    assert due == [early, untimed, softgel, evening]
    assert labels[2] == ("Vitamin D3 5,000 IU", "1 unit")


def test_open_doses_leave_out_what_is_logged_not_due_or_someone_elses(alice, bob):
    open_one = make_routine(alice)
    log_by_hand(make_routine(alice), DAY)
    make_routine(alice, starts_on=DAY + timedelta(days=1))
    make_routine(alice, starts_on=DAY - timedelta(days=5), ends_on=DAY - timedelta(days=1))
    make_routine(alice, frequency="weekdays", weekdays=TUESDAY)
    make_routine(alice, frequency="interval", every_n_days=7, starts_on=DAY - timedelta(days=6))
    pause(make_routine(alice, starts_on=DAY - timedelta(days=5)), DAY - timedelta(days=1))
    make_routine(bob)

    assert open_doses(alice, DAY) == [open_one]


def test_a_dose_logged_on_another_day_leaves_this_days_dose_open(alice):
    routine = make_routine(alice)
    log_by_hand(routine, DAY - timedelta(days=1))

    assert open_doses(alice, DAY) == [routine]


# Logging one dose


def test_it_logs_a_dose_through_the_entry_rules(alice):
    routine = make_routine(alice, meal="lunch", time=time(12, 30))

    entry, created = log_routine(with_pauses(routine), DAY)

    entry.refresh_from_db()
    assert created
    assert (entry.user, entry.day, entry.meal, entry.time) == (alice, DAY, "lunch", time(12, 30))
    assert entry.routine == routine
    assert (entry.dose_nutrient, entry.dose_amount, entry.quantity_label) == ("vitamin_d_ug", 125, "5000 IU")


def test_it_logs_a_portion_of_a_product(alice):
    natto = make_natto()
    routine = make_product_routine(alice, item=natto, portion=natto.portions.get(), quantity=1, quantity_unit="portion")

    entry, _ = log_routine(routine, DAY)

    assert (entry.item, entry.quantity_label, entry.basis_factor) == (natto, "1 × 1 serving (3 oz)", Decimal("0.85"))


def test_a_second_log_finds_the_first_entry_instead_of_adding_one(alice):
    routine = make_routine(alice)
    first, _ = log_routine(routine, DAY)

    with transaction.atomic():  # as in a request: the refused insert must not spoil the transaction
        again, created = log_routine(routine, DAY)
        assert Entry.objects.count() == 1

    assert (again, created) == (first, False)


def test_it_does_not_log_a_day_the_routine_does_not_schedule(alice):
    routine = make_routine(alice, frequency="weekdays", weekdays=TUESDAY)

    with pytest.raises(ValidationError, match="not scheduled on Friday 20 November 2026"):
        log_routine(routine, DAY)

    assert not Entry.objects.exists()


def test_it_does_not_log_a_routine_whose_portion_was_removed(alice):
    natto = make_natto()
    routine = make_product_routine(alice, item=natto, portion=natto.portions.get(), quantity=1, quantity_unit="portion")
    natto.portions.get().delete()
    routine.refresh_from_db()

    with pytest.raises(ValidationError):
        log_routine(routine, DAY)

    assert (routine.portion, Entry.objects.count()) == (None, 0)


# Logging every open dose


def test_it_logs_every_open_dose(alice):
    vitamin_d, k2 = make_routine(alice), make_k2_routine(alice)

    logged = log_open_doses(alice, DAY)

    assert [entry.routine for entry in logged.entries] == [vitamin_d, k2]
    assert (logged.refused, open_doses(alice, DAY)) == ([], [])


def test_log_all_leaves_a_dose_logged_in_another_tab_alone(alice):
    vitamin_d, k2 = make_routine(alice), make_k2_routine(alice)
    by_hand = log_by_hand(vitamin_d, DAY)

    logged = log_open_doses(alice, DAY)

    assert [entry.routine for entry in logged.entries] == [k2]
    assert list(Entry.objects.filter(routine=vitamin_d)) == [by_hand]


def test_log_all_does_not_log_twice_a_dose_logged_while_it_ran(alice):
    vitamin_d, k2 = make_routine(alice), make_k2_routine(alice)
    seen_before_the_other_tab = open_doses(alice, DAY)
    by_hand = log_by_hand(vitamin_d, DAY)

    with mock.patch.object(routines, "open_doses", return_value=seen_before_the_other_tab):
        logged = log_open_doses(alice, DAY)

    assert [entry.routine for entry in logged.entries] == [k2]
    assert list(Entry.objects.filter(routine=vitamin_d)) == [by_hand]
    assert Entry.objects.count() == 2


def test_log_all_logs_the_others_when_one_no_longer_passes_the_rules(alice):
    natto = make_natto()
    broken = make_product_routine(alice, item=natto, portion=natto.portions.get(), quantity=1, quantity_unit="portion")
    natto.portions.get().delete()
    fine = make_routine(alice)

    logged = log_open_doses(alice, DAY)

    assert [entry.routine for entry in logged.entries] == [fine]
    assert [routine for routine, _ in logged.refused] == [broken]


# Pause, resume, end


def test_pausing_stops_the_doses_from_today(alice):
    routine = make_routine(alice, starts_on=DAY - timedelta(days=3))

    pause_routine(routine, DAY)
    pause_routine(routine, DAY + timedelta(days=1))  # pausing a paused routine changes nothing

    assert list(RoutinePause.objects.values_list("first_day", "last_day")) == [(DAY, None)]
    assert open_doses(alice, DAY) == []
    assert with_pauses(routine).is_due_on(DAY - timedelta(days=1))


def test_resuming_makes_the_doses_due_again_from_today(alice):
    routine = make_routine(alice, starts_on=DAY - timedelta(days=10))
    pause(routine, DAY - timedelta(days=4))

    resume_routine(routine, DAY)

    assert list(RoutinePause.objects.values_list("first_day", "last_day")) == [
        (DAY - timedelta(days=4), DAY - timedelta(days=1))
    ]
    assert open_doses(alice, DAY) == [routine]


def test_a_pause_resumed_the_day_it_began_leaves_no_trace(alice):
    routine = make_routine(alice)
    pause_routine(routine, DAY)

    resume_routine(routine, DAY)
    resume_routine(routine, DAY)  # resuming a running routine changes nothing

    assert not RoutinePause.objects.exists()
    assert open_doses(alice, DAY) == [routine]


def test_ending_makes_today_the_last_day_and_keeps_what_was_logged(alice):
    routine = make_routine(alice, starts_on=DAY - timedelta(days=3))
    logged = log_by_hand(routine, DAY - timedelta(days=1))

    end_routine(routine, DAY)

    routine.refresh_from_db()
    assert routine.ends_on == DAY
    assert open_doses(alice, DAY + timedelta(days=1)) == []
    assert list(routine.entries.all()) == [logged]


def test_ending_keeps_an_earlier_end(alice):
    routine = make_routine(alice, starts_on=DAY - timedelta(days=3), ends_on=DAY - timedelta(days=1))

    end_routine(routine, DAY)

    routine.refresh_from_db()
    assert routine.ends_on == DAY - timedelta(days=1)


def test_a_routine_not_started_cannot_end(alice):
    routine = make_routine(alice, starts_on=DAY + timedelta(days=1))

    with pytest.raises(ValidationError, match="has not started yet"):
        end_routine(routine, DAY)

    routine.refresh_from_db()
    assert routine.ends_on is None


# The next dose


@pytest.mark.parametrize(
    ("fields", "days_ahead"),
    [
        ({}, 0),
        ({"frequency": "interval", "every_n_days": 7, "starts_on": DAY - timedelta(days=8)}, 6),
        ({"frequency": "weekdays", "weekdays": TUESDAY}, 4),
        ({"starts_on": DAY + timedelta(days=3)}, 3),
        ({"frequency": "interval", "every_n_days": 366, "starts_on": DAY - timedelta(days=1)}, 365),
    ],
)
def test_the_next_dose_is_the_first_due_day_from_today(alice, fields, days_ahead):
    routine = with_pauses(make_routine(alice, **fields))
    assert next_due_day(routine, DAY) == DAY + timedelta(days=days_ahead)


def test_a_paused_or_ended_routine_has_no_next_dose(alice):
    paused = make_routine(alice)
    pause(paused, DAY - timedelta(days=1))
    ended = make_routine(alice, starts_on=DAY - timedelta(days=9), ends_on=DAY - timedelta(days=1))
    ends_before_its_next_dose = make_routine(
        alice, frequency="interval", every_n_days=7, starts_on=DAY - timedelta(days=1), ends_on=DAY + timedelta(days=5)
    )

    for routine in (paused, ended, ends_before_its_next_dose):
        assert next_due_day(with_pauses(routine), DAY) is None


# Adherence


def test_adherence_is_the_share_of_scheduled_doses_logged_over_7_and_30_days(alice):
    routine = make_routine(alice, starts_on=DAY - timedelta(days=59))
    for days_ago in (0, 2, 3, 10, 29, 30, 45):
        log_by_hand(routine, DAY - timedelta(days=days_ago))

    shares = adherence([with_pauses(routine)], DAY)[routine.pk]

    assert (shares.last_7_days, shares.last_30_days) == (Share(3, 7), Share(5, 30))
    assert (shares.last_7_days.percent, shares.last_30_days.percent) == (43, 17)


def test_adherence_counts_no_day_before_the_start_after_the_end_or_in_a_pause(alice):
    routine = make_routine(alice, starts_on=DAY - timedelta(days=20), ends_on=DAY - timedelta(days=2))
    pause(routine, DAY - timedelta(days=15), DAY - timedelta(days=6))
    for days_ago in (2, 3, 10, 16):  # the one 10 days ago was taken while paused
        log_by_hand(routine, DAY - timedelta(days=days_ago))

    shares = adherence([with_pauses(routine)], DAY)[routine.pk]

    # Scheduled: 20 to 16 days ago (5 days) and 5 to 2 days ago (4 days).
    assert (shares.last_7_days, shares.last_30_days) == (Share(2, 4), Share(3, 9))


def test_adherence_counts_only_the_days_the_schedule_asks_for(alice):
    weekly = make_routine(alice, frequency="interval", every_n_days=7, starts_on=DAY - timedelta(days=27))
    for days_ago in (0, 1, 13, 20):  # due 27, 20, 13 and 6 days ago: not today, not yesterday
        log_by_hand(weekly, DAY - timedelta(days=days_ago))

    shares = adherence([with_pauses(weekly)], DAY)[weekly.pk]

    assert (shares.last_7_days, shares.last_30_days) == (Share(0, 1), Share(2, 4))


def test_a_routine_with_nothing_scheduled_has_no_share_not_zero(alice):
    later = make_routine(alice, starts_on=DAY + timedelta(days=1))
    log_by_hand(later, DAY)

    shares = adherence([with_pauses(later)], DAY)[later.pk]

    assert (shares.last_7_days, shares.last_30_days) == (Share(0, 0), Share(0, 0))
    assert shares.last_7_days.percent is None


@pytest.mark.parametrize(("logged", "scheduled", "percent"), [(2, 3, 67), (1, 8, 13), (0, 5, 0), (7, 7, 100)])
def test_a_share_reads_in_whole_percent(logged, scheduled, percent):
    assert Share(logged, scheduled).percent == percent


def test_adherence_of_many_routines_takes_one_query(alice, django_assert_num_queries):
    many = [make_routine(alice, starts_on=DAY - timedelta(days=number)) for number in range(10)]
    for routine in many:
        log_by_hand(routine, DAY)
    prefetched = list(Routine.objects.prefetch_related("pauses"))

    with django_assert_num_queries(1):
        shares = adherence(prefetched, DAY)

    assert [shares[routine.pk].last_30_days for routine in many] == [Share(1, number + 1) for number in range(10)]


# The routines page's rows


def test_each_routine_says_its_state_next_dose_and_adherence_in_three_queries(alice, bob, django_assert_num_queries):
    active = make_routine(alice, starts_on=DAY - timedelta(days=1))
    paused = make_routine(alice, starts_on=DAY - timedelta(days=2))
    pause(paused, DAY - timedelta(days=1))
    later = make_product_routine(alice, starts_on=DAY + timedelta(days=2))
    ended = make_routine(alice, starts_on=DAY - timedelta(days=9), ends_on=DAY - timedelta(days=1))
    make_routine(bob)

    with django_assert_num_queries(3):
        rows = routine_rows(alice, DAY)
        labels = [row.routine.quantity_label + " " + row.routine.label for row in rows]

    assert [(row.routine, row.state, row.next_due) for row in rows] == [
        (ended, "ended", None),
        (paused, "paused", None),
        (active, "active", DAY),
        (later, "not_started", DAY + timedelta(days=2)),
    ]
    assert labels[3] == "1 unit Vitamin D3 5,000 IU"
    assert rows[2].adherence.last_7_days == Share(0, 2)


def test_a_food_routine_logs_grams_through_the_entry_rules(alice):
    butter = make_item("Butter", values={"k2_mk4_ug": 15})
    routine = make_product_routine(alice, item=butter, quantity=10, quantity_unit="g")

    entry, _ = log_routine(routine, DAY)

    assert (entry.item, entry.basis_factor, entry.quantity_label) == (butter, Decimal("0.1"), "10 g")


def test_once_todays_dose_is_logged_the_next_dose_is_the_next_due_day(alice):
    daily = make_routine(alice, starts_on=DAY - timedelta(days=1))
    weekly = make_routine(alice, frequency="interval", every_n_days=7, starts_on=DAY)
    for routine in (daily, weekly):
        log_by_hand(routine, DAY)

    rows = routine_rows(alice, DAY)

    assert [row.next_due for row in rows] == [DAY + timedelta(days=1), DAY + timedelta(days=7)]
