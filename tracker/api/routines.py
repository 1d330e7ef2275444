"""
/routines: the doses a user takes on a schedule ("my stack"), and logging, pausing, resuming and ending them.

A routine's amount is given as on POST /entries (grams, portion_id + count, units, or a dose). It is read into
the routine form the pages use (tracker.routine_forms.RoutineForm), which checks the schedule and then the
amount with tracker.entries.routine_entry, the function every dose it schedules is logged through.
"""

import datetime
from typing import Literal, get_args

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from foods.catalog_search import MAX_ID
from tracker.api.auth import caller
from tracker.api.bodies import Body
from tracker.api.entries import (
    AMOUNT_FIELDS,
    API_FIELDS,
    DOSE_NAMES,
    AmountIn,
    ClockTime,
    DoseOut,
    EntryOut,
    MealName,
    build_entry,
    entry_json,
)
from tracker.api.errors import ERRORS
from tracker.converters import FIRST_DAY, LAST_DAY
from tracker.forms import EntryForm
from tracker.models import Entry, Profile, Routine
from tracker.routine_forms import RoutineForm
from tracker.routines import end_routine, log_routine, pause_routine, resume_routine, routine_rows

router = Router(tags=["routines"])

WeekdayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS = list(get_args(WeekdayName))  # in date.weekday() order: Monday is 0
FrequencyName = Literal[tuple(Routine.Frequency.values)]
StateName = Literal["active", "paused", "not_started", "ended"]
TYPED_AMOUNT = {Entry.Unit.GRAMS: "grams", Entry.Unit.PORTION: "count", Entry.Unit.UNITS: "units"}


class ScheduleIn(Body):
    frequency: FrequencyName = "daily"
    weekdays: list[WeekdayName] = Field([], description="The days of a `weekdays` routine.")
    every_n_days: int | None = Field(None, description="An `interval` routine's interval, counted from starts_on.")
    starts_on: datetime.date | None = Field(None, description="The first scheduled day; left out: your today.")
    ends_on: datetime.date | None = Field(None, description="The last scheduled day; null: no end.")


class RoutineIn(AmountIn, ScheduleIn):
    meal: MealName
    time: ClockTime | None = None


class RoutinePatch(RoutineIn):
    meal: MealName | None = None
    starts_on: datetime.date | None = Field(None, description="The first scheduled day.")
    frequency: FrequencyName | None = None
    weekdays: list[WeekdayName] | None = None


class AdherenceOut(Schema):
    last_7_days: float | None = Field(description="The share (0 to 1) of doses scheduled over 7 days that were "
                                                  "logged; null: none was scheduled.")
    last_30_days: float | None


class RoutineOut(Schema):
    id: int
    label: str = Field(description="The item's name, or the dose's nutrient.")
    item_id: int | None
    portion_id: int | None
    grams: float | None
    count: float | None
    units: float | None
    dose: DoseOut | None
    meal: MealName
    time: ClockTime | None
    frequency: FrequencyName
    weekdays: list[WeekdayName]
    every_n_days: int | None
    starts_on: datetime.date
    ends_on: datetime.date | None
    paused: bool
    schedule_label: str = Field(description='How the schedule reads: "every day", "on Mon, Thu", "every 7 days".')
    state: StateName
    next_due: datetime.date | None = Field(description="The next day whose dose is due and not logged yet.")
    adherence: AdherenceOut


class LogIn(Body):
    date: datetime.date | None = Field(None, description="The day whose dose to log; left out: your today.")


class JsonAmountForm(EntryForm):
    """
    An entry form whose amount comes as the API's JSON (item_id and grams, a dose, ...), read by build_entry.

    The rules then name the API's fields, which this form does not have: their error is kept apart in
    `amount_error` rather than lost among the form's own.
    """

    def __init__(self, *args, amount, **kwargs):
        super().__init__(*args, **kwargs)
        self.amount = amount
        self.amount_error = None

    def make_entry(self, data, **when):
        return build_entry(self.user, {**self.amount, "date": data["starts_on"], "meal": data["meal"],
                                       "time": data.get("time")})

    def _add_entry_errors(self, error):
        self.amount_error = error
        super()._add_entry_errors(error)

    def refusal(self):
        """Why the form refused, as a ValidationError naming the API's fields."""
        error = self.amount_error if self.amount_error is not None else ValidationError(self.errors.as_data())
        if not hasattr(error, "error_dict"):
            return error
        return ValidationError({API_FIELDS.get(field, field): errors for field, errors in error.error_dict.items()})


class RoutineJsonForm(RoutineForm, JsonAmountForm):
    """The pages' routine form: the schedule read and checked as on the page, then the amount, from JSON."""


def routine_json(row):
    routine = row.routine
    return {
        "id": routine.pk,
        "label": routine.label,
        **{name: None for name in ("item_id", "portion_id", "grams", "count", "units", "dose")},
        **typed_fields(routine),
        "paused": routine.current_pause is not None,
        "schedule_label": routine.schedule_label,
        "state": row.state,
        "next_due": row.next_due,
        "adherence": {"last_7_days": _share(row.adherence.last_7_days),
                      "last_30_days": _share(row.adherence.last_30_days)},
    }


def _share(share):
    return share.logged / share.scheduled if share.scheduled else None


def typed_amount(routine):
    """The routine's amount as it was typed, in the API's fields."""
    if routine.is_dose:
        nutrient = DOSE_NAMES[routine.dose_nutrient]
        return {"dose": {"nutrient": nutrient, "amount": float(routine.quantity), "unit": routine.quantity_unit}}
    amount = {"item_id": routine.item_id, TYPED_AMOUNT[routine.quantity_unit]: float(routine.quantity)}
    if routine.quantity_unit == Entry.Unit.PORTION:
        amount["portion_id"] = routine.portion_id
    return amount


def typed_fields(routine):
    """Everything typed to make `routine`, in the API's fields: the starting point of a PATCH."""
    return {
        **typed_amount(routine),
        "meal": routine.meal, "time": routine.time, "frequency": routine.frequency,
        "weekdays": [WEEKDAYS[number] for number in routine.weekday_numbers],
        "every_n_days": routine.every_n_days if routine.frequency == Routine.Frequency.INTERVAL else None,
        "starts_on": routine.starts_on, "ends_on": routine.ends_on,
    }


def checked_routine(user, fields):
    """An unsaved Routine from the API's fields, checked by the pages' routine form (errors name API fields)."""
    schedule = {
        "meal": fields["meal"], "time": fields.get("time"), "frequency": fields["frequency"],
        "weekdays": [WEEKDAYS.index(name) for name in fields.get("weekdays") or []],
        "every_n_days": fields.get("every_n_days"), "starts_on": fields["starts_on"], "ends_on": fields.get("ends_on"),
    }
    amount = {name: fields.get(name) for name in ("item_id", *AMOUNT_FIELDS)}
    form = RoutineJsonForm(schedule, user=user, amount=amount)
    if not form.is_valid():
        raise form.refusal()
    return form.routine


def _today(request):
    return Profile.objects.for_user(caller(request)).today()


def _get_routine_for_user(request, routine_id):
    if not 0 < routine_id <= MAX_ID:
        raise Http404
    queryset = Routine.objects.for_user(caller(request)).select_related("item", "portion").prefetch_related("pauses")
    return get_object_or_404(queryset, pk=routine_id)


def _routine_out(request, routine_id, today=None):
    """The routine as GET /routines lists it: with its state, next dose and adherence."""
    if not 0 < routine_id <= MAX_ID:
        raise Http404
    rows = routine_rows(caller(request), today or _today(request), pks=[routine_id])
    if not rows:
        raise Http404
    return routine_json(rows[0])


@router.get("/routines", response={200: list[RoutineOut], **ERRORS}, summary="Your routines")
def list_routines(request):
    return [routine_json(row) for row in routine_rows(caller(request), _today(request))]


@router.post("/routines", response={201: RoutineOut, **ERRORS}, summary="Start a routine")
def create_routine(request, payload: RoutineIn):
    fields = payload.model_dump()
    today = _today(request)
    fields["starts_on"] = fields["starts_on"] or today
    routine = checked_routine(caller(request), fields)
    routine.save()
    return Status(201, _routine_out(request, routine.pk, today))


@router.get("/routines/{routine_id}", response={200: RoutineOut, **ERRORS}, summary="One routine")
def get_routine(request, routine_id: int):
    return _routine_out(request, routine_id)


@router.patch("/routines/{routine_id}", response={200: RoutineOut, **ERRORS}, summary="Change a routine")
def update_routine(request, routine_id: int, payload: RoutinePatch):
    """Fields left out keep their value. A new amount replaces the old one, given one way as when logging.

    What the routine logged already stays as it was.
    """
    routine = _get_routine_for_user(request, routine_id)
    changes = payload.model_dump(exclude_unset=True)
    fields = typed_fields(routine)
    if any(name in changes for name in AMOUNT_FIELDS):
        for name in AMOUNT_FIELDS:
            fields.pop(name, None)
    if changes.get("dose") is not None:
        fields.pop("item_id", None)
    nullable = ("time", "ends_on", "every_n_days")
    fields |= {name: value for name, value in changes.items() if value is not None or name in nullable}
    edited = checked_routine(caller(request), fields)
    edited.pk, edited.created = routine.pk, routine.created
    edited.save(force_update=True)
    return _routine_out(request, routine.pk)


@router.delete("/routines/{routine_id}", response={204: None, **ERRORS},
               summary="Delete a routine (the doses it logged stay in your log)")
def delete_routine(request, routine_id: int):
    _get_routine_for_user(request, routine_id).delete()  # one transaction: its pauses go, its entries forget it
    return Status(204, None)


@router.post("/routines/{routine_id}/pause", response={200: RoutineOut, **ERRORS},
             summary="Pause a routine from today until it is resumed")
def pause_one(request, routine_id: int):
    return _change_from_today(request, routine_id, pause_routine)


@router.post("/routines/{routine_id}/resume", response={200: RoutineOut, **ERRORS},
             summary="Resume a paused routine: its doses are due again from today")
def resume_one(request, routine_id: int):
    return _change_from_today(request, routine_id, resume_routine)


@router.post("/routines/{routine_id}/end", response={200: RoutineOut, **ERRORS},
             summary="End a routine: today is its last scheduled day")
def end_one(request, routine_id: int):
    return _change_from_today(request, routine_id, end_routine)


def _change_from_today(request, routine_id, change):
    """Pause, resume or end the caller's routine as of their today; the routine as it is then."""
    routine = _get_routine_for_user(request, routine_id)
    today = _today(request)
    change(routine, today)
    return _routine_out(request, routine.pk, today)


@router.post("/routines/{routine_id}/log", response={200: EntryOut, 201: EntryOut, **ERRORS},
             summary="Log a day's scheduled dose, once")
def log_dose(request, routine_id: int, payload: LogIn | None = None):
    """201 with the new entry; 200 with the entry already logged that day; 400 on a day with no dose due.

    No body, or no date: today.
    """
    routine = _get_routine_for_user(request, routine_id)
    day = (payload or LogIn()).date or _today(request)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError({"date": f"Give a date from {FIRST_DAY} to {LAST_DAY}."})
    try:
        entry, created = log_routine(routine, day)
    except ValidationError as error:
        raise _named(error) from None
    return Status(201 if created else 200, entry_json(entry))


def _named(error):
    """A refusal to log, naming the API's fields: the amount's, or the date's when no dose is due that day."""
    if not hasattr(error, "error_dict"):
        return ValidationError({"date": error.messages})
    return ValidationError({API_FIELDS.get(field, field): errors for field, errors in error.error_dict.items()})
