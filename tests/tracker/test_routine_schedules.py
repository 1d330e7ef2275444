"""A routine's schedule (tracker.models.Routine): which days it asks for a dose."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError

from tests.tracker.factories import DAY
from tests.tracker.routine_factories import make_routine, pause
from tracker.models import Routine

pytestmark = pytest.mark.django_db

MONDAY, THURSDAY, SUNDAY = 1, 8, 64


def days(first_day, count):
    return [first_day + timedelta(days=number) for number in range(count)]


def test_it_is_due_every_day_from_its_first_day(alice):
    routine = make_routine(alice, starts_on=DAY)

    assert routine.due_days(DAY - timedelta(days=3), DAY + timedelta(days=3)) == days(DAY, 4)
    assert not routine.is_due_on(DAY - timedelta(days=1))


def test_it_is_due_on_the_chosen_weekdays(alice):
    chosen = MONDAY | THURSDAY | SUNDAY
    routine = make_routine(alice, frequency="weekdays", weekdays=chosen, starts_on=date(2026, 11, 1))

    due = routine.due_days(date(2026, 11, 2), date(2026, 11, 15))  # Monday 2 to Sunday 15 November

    assert [day.strftime("%a %d") for day in due] == ["Mon 02", "Thu 05", "Sun 08", "Mon 09", "Thu 12", "Sun 15"]


def test_every_7_days_counts_from_its_first_day_across_a_year_end(alice):
    routine = make_routine(alice, frequency="interval", every_n_days=7, starts_on=date(2026, 12, 28))

    assert routine.due_days(date(2026, 12, 20), date(2027, 1, 20)) == [
        date(2026, 12, 28), date(2027, 1, 4), date(2027, 1, 11), date(2027, 1, 18)
    ]
    assert not routine.is_due_on(date(2027, 1, 3))
    assert not routine.is_due_on(date(2026, 12, 21))  # a week before it starts


def test_every_3_days_steps_over_the_29th_of_february_in_a_leap_year(alice):
    routine = make_routine(alice, frequency="interval", every_n_days=3, starts_on=date(2028, 2, 26))

    assert routine.due_days(date(2028, 2, 26), date(2028, 3, 6)) == [
        date(2028, 2, 26), date(2028, 2, 29), date(2028, 3, 3), date(2028, 3, 6)
    ]


def test_every_3_days_in_a_common_year_goes_from_february_to_march(alice):
    routine = make_routine(alice, frequency="interval", every_n_days=3, starts_on=date(2027, 2, 26))

    assert routine.due_days(date(2027, 2, 26), date(2027, 3, 7)) == [
        date(2027, 2, 26), date(2027, 3, 1), date(2027, 3, 4), date(2027, 3, 7)
    ]


def test_every_2_days_runs_on_across_a_month_end(alice):
    routine = make_routine(alice, frequency="interval", every_n_days=2, starts_on=date(2026, 1, 29))

    assert routine.due_days(date(2026, 1, 29), date(2026, 2, 4)) == [
        date(2026, 1, 29), date(2026, 1, 31), date(2026, 2, 2), date(2026, 2, 4)
    ]


def test_a_routine_starting_later_is_not_due_before_its_first_day(alice):
    routine = make_routine(alice, frequency="interval", every_n_days=7, starts_on=DAY + timedelta(days=10))

    assert routine.due_days(DAY, DAY + timedelta(days=9)) == []
    assert routine.is_due_on(DAY + timedelta(days=10))


def test_an_ended_routine_is_due_up_to_its_last_day_only(alice):
    routine = make_routine(alice, starts_on=DAY, ends_on=DAY + timedelta(days=2))

    assert routine.due_days(DAY, DAY + timedelta(days=10)) == days(DAY, 3)


def test_paused_days_are_not_due_and_resuming_makes_them_due_again(alice):
    routine = make_routine(alice, starts_on=DAY)
    pause(routine, DAY + timedelta(days=2), DAY + timedelta(days=4))

    assert routine.due_days(DAY, DAY + timedelta(days=6)) == [
        DAY, DAY + timedelta(days=1), DAY + timedelta(days=5), DAY + timedelta(days=6)
    ]


def test_a_pause_not_yet_resumed_stops_every_later_dose(alice):
    routine = make_routine(alice, frequency="interval", every_n_days=2, starts_on=DAY)
    pause(routine, DAY + timedelta(days=3))

    assert routine.due_days(DAY, DAY + timedelta(days=30)) == [DAY, DAY + timedelta(days=2)]
    assert routine.current_pause.first_day == DAY + timedelta(days=3)


def test_a_pause_keeps_the_every_n_days_rhythm_of_the_first_day(alice):
    routine = make_routine(alice, frequency="interval", every_n_days=7, starts_on=DAY)
    pause(routine, DAY + timedelta(days=5), DAY + timedelta(days=9))

    assert routine.due_days(DAY, DAY + timedelta(days=21)) == [DAY, DAY + timedelta(days=14), DAY + timedelta(days=21)]


def test_the_database_finds_the_same_running_routines_as_the_routine_itself(alice):
    daily = make_routine(alice, starts_on=DAY)
    later = make_routine(alice, starts_on=DAY + timedelta(days=3))
    ended = make_routine(alice, starts_on=DAY - timedelta(days=9), ends_on=DAY + timedelta(days=1))
    paused = make_routine(alice, starts_on=DAY - timedelta(days=9))
    pause(paused, DAY - timedelta(days=1), DAY + timedelta(days=2))

    for day in days(DAY - timedelta(days=2), 8):
        in_the_database = set(Routine.objects.for_user(alice).running_on(day))
        in_python = {routine for routine in (daily, later, ended, paused) if routine.is_running_on(day)}
        assert in_the_database == in_python, day


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({}, "every day"),
        ({"frequency": "weekdays", "weekdays": MONDAY | THURSDAY}, "on Mon, Thu"),
        ({"frequency": "interval", "every_n_days": 7}, "every 7 days"),
        ({"frequency": "interval", "every_n_days": 1}, "every day"),
    ],
)
def test_it_says_its_schedule_in_words(alice, fields, label):
    assert make_routine(alice, **fields).schedule_label == label


def test_the_database_refuses_weekdays_without_a_day(alice):
    with pytest.raises(IntegrityError):
        make_routine(alice, frequency="weekdays", weekdays=0)


def test_the_database_refuses_an_end_before_the_start(alice):
    with pytest.raises(IntegrityError):
        make_routine(alice, starts_on=DAY, ends_on=DAY - timedelta(days=1))
