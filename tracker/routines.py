"""
Routines ("my stack"): which scheduled doses are still open on a day, logging them once, pausing, resuming
and ending a routine, and how many of its scheduled doses a person logged.

A routine's dose is logged through `tracker.entries.routine_entry`, the rules every typed entry goes
through, and lands as an ordinary Entry that remembers its routine.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.formats import date_format

from tracker.entries import routine_entry
from tracker.models import MAX_INTERVAL_DAYS, Entry, Meal, Routine, RoutinePause

MEAL_ORDER = {meal: position for position, meal in enumerate(Meal.values)}


def open_doses(user, day):
    """`user`'s routines due on `day` whose dose is not logged yet, in the order of the day. One query."""
    logged = Entry.objects.filter(routine=OuterRef("pk"), day=day)
    running = (
        Routine.objects.for_user(user)
        .running_on(day)
        .exclude(Exists(logged))
        .select_related("item", "portion")
    )
    due = [routine for routine in running if routine.frequency_falls_on(day)]
    return sorted(due, key=lambda routine: (MEAL_ORDER[routine.meal], routine.time or time.max, routine.pk))


def log_routine(routine, day):
    """
    Log the dose `routine` schedules on `day`, once: (entry, created).

    Raises ValidationError when the routine asks for nothing that day, or when its amount no longer
    passes the entry rules (say its portion was removed from the item). Reads `pauses`.
    """
    if not routine.is_due_on(day):
        raise ValidationError(f"{routine.label} is not scheduled on {date_format(day, 'l j F Y')}.")
    return _save_once(routine_entry(routine, day))


def _save_once(entry):
    """
    Save a routine's entry unless that routine's dose is already logged that day: (entry, created).

    A second click, or a click in another tab, finds the entry the first one saved: the database refuses a
    second entry of a routine on one day, and the savepoint keeps that refusal from spoiling the
    transaction around it.
    """
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        logged = Entry.objects.filter(routine=entry.routine, day=entry.day).first()
        if logged is None:
            raise
        return logged, False
    return entry, True


@dataclass(frozen=True)
class LoggedDoses:
    """What "Log all" did: the entries it saved and the routines it could not log, with why."""

    entries: list
    refused: list  # (routine, ValidationError)


def log_open_doses(user, day):
    """Log every dose still open on `day`: all those that pass the entry rules, or none if saving fails."""
    entries, refused = [], []
    with transaction.atomic():
        for routine in open_doses(user, day):
            try:
                entry, created = _save_once(routine_entry(routine, day))
            except ValidationError as error:
                refused.append((routine, error))
                continue
            if created:
                entries.append(entry)
    return LoggedDoses(entries, refused)


def pause_routine(routine, today):
    """Pause `routine` from `today` on, until it is resumed. Pausing a paused routine changes nothing."""
    # get_or_create finds the pause another tab made meanwhile: the database keeps one open pause a routine.
    RoutinePause.objects.get_or_create(routine=routine, last_day=None, defaults={"first_day": today})


def resume_routine(routine, today):
    """Resume `routine`: its doses are due again from `today`. A pause begun today leaves no trace."""
    pause = RoutinePause.objects.filter(routine=routine, last_day=None).first()
    if pause is None:
        return
    if pause.first_day >= today:
        pause.delete()
    else:
        pause.last_day = today - timedelta(days=1)
        pause.save(update_fields=["last_day"])


def end_routine(routine, today):
    """End `routine` after `today`: today is its last scheduled day; what it logged stays in the log."""
    if routine.starts_on > today:
        raise ValidationError(f"{routine.label} has not started yet: delete it, or change its dates.")
    if routine.ends_on is None or routine.ends_on > today:
        routine.ends_on = today
        routine.save(update_fields=["ends_on"])


def next_due_day(routine, today):
    """The first day from `today` on that asks for a dose; None when ended or paused. Reads `pauses`."""
    if routine.current_pause is not None:
        return None
    day = max(today, routine.starts_on)
    # Every frequency asks for a dose within MAX_INTERVAL_DAYS of any day.
    last_day = day + timedelta(days=MAX_INTERVAL_DAYS)
    if routine.ends_on is not None:
        last_day = min(last_day, routine.ends_on)
    while day <= last_day:
        if routine.is_due_on(day):
            return day
        day += timedelta(days=1)
    return None


@dataclass(frozen=True)
class Share:
    """How many of the doses a routine scheduled over some days were logged."""

    logged: int
    scheduled: int

    @property
    def percent(self):
        """The share in whole percent, or None when nothing was scheduled (shown as "—", not 0%)."""
        if not self.scheduled:
            return None
        return int((Decimal(100 * self.logged) / self.scheduled).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Adherence:
    last_7_days: Share
    last_30_days: Share


ADHERENCE_DAYS = 30


def adherence(routines, today):
    """
    {routine pk: Adherence} over the 7 and 30 days ending `today`, in one query for all the routines.

    Only scheduled days count: not those before a routine starts, after it ends, in a pause, or after
    `today`. A dose logged on a day nothing was scheduled neither adds nor misses. Reads each routine's
    `pauses`: prefetch them.
    """
    first_day = today - timedelta(days=ADHERENCE_DAYS - 1)
    logged_days = defaultdict(set)
    logged = Entry.objects.filter(routine__in=routines, day__gte=first_day, day__lte=today)
    for routine_id, day in logged.values_list("routine_id", "day"):
        logged_days[routine_id].add(day)
    return {
        routine.pk: Adherence(
            last_7_days=_share(routine, logged_days[routine.pk], today - timedelta(days=6), today),
            last_30_days=_share(routine, logged_days[routine.pk], first_day, today),
        )
        for routine in routines
    }


def _share(routine, logged_days, first_day, last_day):
    scheduled = routine.due_days(first_day, last_day)
    return Share(logged=sum(1 for day in scheduled if day in logged_days), scheduled=len(scheduled))


@dataclass(frozen=True)
class RoutineRow:
    """One routine as the routines page shows it."""

    routine: Routine
    state: str  # one of STATES
    next_due: date | None  # the next day whose dose is due and not logged yet
    adherence: Adherence


STATES = ("active", "paused", "not_started", "ended")


def routine_rows(user, today, *, pks=None):
    """
    `user`'s routines with their state, next open dose and adherence: three queries, however many routines.

    Only those whose pk is in `pks`, when given: the API shows one routine as the routines page lists it.
    """
    logged_today = Entry.objects.filter(routine=OuterRef("pk"), day=today)
    routines = Routine.objects.for_user(user)
    if pks is not None:
        routines = routines.filter(pk__in=pks)
    routines = list(
        routines
        .annotate(logged_today=Exists(logged_today))
        .select_related("item", "portion")
        .prefetch_related("pauses")
    )
    shares = adherence(routines, today)
    return [
        RoutineRow(
            routine,
            state=routine_state(routine, today),
            next_due=next_due_day(routine, today + timedelta(days=1) if routine.logged_today else today),
            adherence=shares[routine.pk],
        )
        for routine in routines
    ]


def routine_state(routine, today):
    """Ended after its last day, else paused while paused, not started before its first day, or active."""
    if routine.ends_on is not None and routine.ends_on < today:
        return "ended"
    if routine.current_pause is not None:
        return "paused"
    if routine.starts_on > today:
        return "not_started"
    return "active"
