"""
/entries: log, read, change and delete entries. An amount is given exactly one way:

    {"item_id", "grams"} · {"item_id", "portion_id", "count"} · {"item_id", "units"} · {"dose": {...}}

and goes through tracker.entries, the rules the pages use.
"""

import datetime
import re
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Header, Router, Schema, Status
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from foods import nutrients
from foods.catalog_search import MAX_ID
from foods.models import Item, Portion
from tracker.api.auth import caller
from tracker.api.bodies import Body
from tracker.api.errors import ERRORS, ErrorOut, error_body
from tracker.converters import FIRST_DAY, LAST_DAY
from tracker.entries import KeyReused, dose_entry, item_entry, log_entry_once, save_entry
from tracker.models import Entry

router = Router(tags=["entries"])

# The API's names for the free-dose nutrients, and the codes they are stored under.
DOSE_NUTRIENTS = {
    "vitamin_d": nutrients.VITAMIN_D.code,
    "k2_mk4": nutrients.K2_MK4.code,
    "k2_mk7": nutrients.K2_MK7.code,
    "calcium": nutrients.CALCIUM.code,
}
DOSE_NAMES = {code: name for name, code in DOSE_NUTRIENTS.items()}
# The rules name form fields; these are the same fields' names in the API's JSON.
API_FIELDS = {"item": "item_id", "portion": "portion_id", "dose_nutrient": "dose.nutrient",
              "dose_amount": "dose.amount", "dose_unit": "dose.unit"}
AMOUNT_FIELDS = ("grams", "portion_id", "count", "units", "dose")

Id = Field(..., ge=1, le=MAX_ID)
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", pattern=r"^[!-~]{1,64}$",
    description="New for each entry you log (a UUID, or 1 to 64 visible ASCII characters): see above.",
)]
MealName = Literal["breakfast", "lunch", "dinner", "snack"]
CLOCK_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"


def _clock_time(value):
    if isinstance(value, datetime.time) and value.tzinfo is None:
        return value
    if isinstance(value, str) and re.fullmatch(CLOCK_TIME, value):
        return datetime.time.fromisoformat(value)
    raise ValueError("Give the time of day as HH:MM, without a time zone: the day's own time zone is yours.")


# A time of day on the user's clock, "08:30" ("08:30:15" with seconds). Not JSON Schema's "time" format,
# which demands a UTC offset that a wall-clock time in the user's own time zone does not have.
ClockTime = Annotated[
    datetime.time,
    BeforeValidator(_clock_time),
    PlainSerializer(lambda value: value.isoformat("seconds" if value.second else "minutes")),
    WithJsonSchema({"type": "string", "pattern": CLOCK_TIME, "examples": ["08:30"]}),
]


class DoseIn(Body):
    nutrient: Literal["vitamin_d", "k2_mk4", "k2_mk7", "calcium"]
    amount: float
    unit: Literal["IU", "ug", "mg"]


class AmountIn(Body):
    item_id: int | None = Field(None, ge=1, le=MAX_ID)
    grams: float | None = None
    portion_id: int | None = Field(None, ge=1, le=MAX_ID)
    count: float | None = None
    units: float | None = None
    dose: DoseIn | None = None


class EntryIn(AmountIn):
    date: datetime.date
    time: ClockTime | None = None
    meal: MealName


class EntryPatch(AmountIn):
    date: datetime.date | None = None
    time: ClockTime | None = None
    meal: MealName | None = None


class DoseOut(Schema):
    nutrient: str
    amount: float
    unit: str


class EntryOut(Schema):
    id: int
    date: datetime.date
    time: ClockTime | None
    meal: MealName
    label: str = Field(description="The item's name, or the dose's nutrient.")
    item_id: int | None
    grams: float | None
    portion_id: int | None
    count: float | None
    units: float | None
    dose: DoseOut | None
    routine_id: int | None = Field(description="The routine this entry logged a scheduled dose of.")
    nutrients: dict[str, float | None] = Field(description="Nutrient code → amount this entry gave; null: unknown.")


def entry_json(entry):
    typed = {unit: None for unit in ("grams", "count", "units")}
    dose = None
    if entry.is_dose:
        dose = {**_typed_dose(entry), "amount": float(entry.quantity)}
    else:
        typed[{"g": "grams", "portion": "count", "unit": "units"}[entry.quantity_unit]] = float(entry.quantity)
    given = entry.nutrient_amounts()
    return {
        "id": entry.pk,
        "date": entry.day,
        "time": entry.time,
        "meal": entry.meal,
        "label": entry.label,
        "item_id": entry.item_id,
        "portion_id": entry.portion_id,
        **typed,
        "dose": dose,
        "routine_id": entry.routine_id,
        "nutrients": {n.code: None if given.get(n.code, 0) is None else float(given.get(n.code, 0))
                      for n in nutrients.NUTRIENTS},
    }


def build_entry(user, data):
    """An unsaved Entry from the API's fields, through the rules the forms use; ValidationError names API fields."""
    try:
        return _build_entry(user, data)
    except ValidationError as error:
        raise _renamed(error) from None


def _build_entry(user, data):
    day = data["date"]
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError({"date": f"Give a date from {FIRST_DAY} to {LAST_DAY}."})
    when = {"day": day, "time": data.get("time"), "meal": data["meal"]}
    given = [name for name in AMOUNT_FIELDS if data.get(name) is not None]
    if data.get("dose") is not None:
        if data.get("item_id") is not None or given != ["dose"]:
            raise ValidationError("Give either a dose or an item with its amount, not both.")
        dose = data["dose"]
        return dose_entry(user=user, nutrient=DOSE_NUTRIENTS[dose["nutrient"]], amount=dose["amount"],
                          unit=dose["unit"], **when)
    if data.get("item_id") is None:
        raise ValidationError({"item_id": "Give an item_id with its amount, or a dose."})
    item = Item.objects.visible_to(user).filter(pk=data["item_id"]).first()
    if item is None:
        raise ValidationError({"item_id": "There is no such item among the catalog's and yours."})
    portion = None
    if data.get("portion_id") is not None:
        portion = Portion.objects.filter(pk=data["portion_id"], item=item).first()
        if portion is None:
            raise ValidationError({"portion_id": "That item has no such portion."})
    elif data.get("count") is not None:
        raise ValidationError({"portion_id": "Give the portion_id that count counts."})
    return item_entry(user=user, item=item, grams=data.get("grams"), portion=portion, count=data.get("count"),
                      units=data.get("units"), **when)


def _renamed(error):
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({API_FIELDS.get(field, field): errors for field, errors in error.error_dict.items()})


def typed_fields(entry):
    """What was typed to log `entry`, in the API's fields: the starting point of a PATCH."""
    data = {"date": entry.day, "time": entry.time, "meal": entry.meal}
    if entry.is_dose:
        data["dose"] = _typed_dose(entry)
        return data
    data["item_id"] = entry.item_id
    if entry.quantity_unit == Entry.Unit.PORTION:
        data.update(portion_id=entry.portion_id, count=entry.quantity)
    else:
        data["grams" if entry.quantity_unit == Entry.Unit.GRAMS else "units"] = entry.quantity
    return data


def _typed_dose(entry):
    return {"nutrient": DOSE_NAMES[entry.dose_nutrient], "amount": entry.quantity, "unit": entry.quantity_unit}


def _get_entry_for_user(request, entry_id):
    if not 0 < entry_id <= MAX_ID:
        raise Http404
    queryset = Entry.objects.for_user(caller(request)).select_related("item", "portion")
    return get_object_or_404(queryset.prefetch_related("item__nutrient_values"), pk=entry_id)


@router.get("/entries", response={200: list[EntryOut], **ERRORS}, summary="Your entries on one day")
def list_entries(request, date: datetime.date):
    entries = (Entry.objects.for_user(caller(request)).on(date)
               .select_related("item", "portion").prefetch_related("item__nutrient_values"))
    return [entry_json(entry) for entry in entries]


@router.post("/entries", response={200: EntryOut, 201: EntryOut, 409: ErrorOut, **ERRORS},
             summary="Log a food, a supplement or a dose")
def create_entry(request, payload: EntryIn, idempotency_key: IdempotencyKey = None):
    """201 with the new entry.

    To make a retry safe (after a timeout, say), send an `Idempotency-Key` header, new for each entry: the
    same key with the same fields again logs nothing more and answers 200 with the entry it logged. The
    same key with other fields, or for an entry changed since, is a 409 that says what the key logged.
    A key is remembered as long as the entry it logged.
    """
    entry = build_entry(caller(request), payload.model_dump())
    entry.idempotency_key = idempotency_key or ""
    try:
        entry, created = log_entry_once(entry)
    except KeyReused as reused:
        logged = reused.logged
        detail = (f"This Idempotency-Key already logged entry {logged.pk} ({logged.label}, {logged.quantity_label}, "
                  f"on {logged.day}): send a new key for a new entry.")
        return Status(409, error_body(detail))
    return Status(201 if created else 200, entry_json(entry))


@router.get("/entries/{entry_id}", response={200: EntryOut, **ERRORS}, summary="One entry")
def get_entry(request, entry_id: int):
    return entry_json(_get_entry_for_user(request, entry_id))


@router.patch("/entries/{entry_id}", response={200: EntryOut, **ERRORS}, summary="Change an entry")
def update_entry(request, entry_id: int, payload: EntryPatch):
    """Fields left out keep their value. A new amount replaces the old one, given one way as when logging."""
    entry = _get_entry_for_user(request, entry_id)
    changes = payload.model_dump(exclude_unset=True)
    data = typed_fields(entry)
    if any(name in changes for name in AMOUNT_FIELDS):
        for name in (*AMOUNT_FIELDS, "item_id"):
            data.pop(name, None)
        data["item_id"] = entry.item_id
    data.update({name: value for name, value in changes.items() if value is not None or name == "time"})
    if "dose" in changes and changes["dose"] is not None:
        data.pop("item_id", None)
    changed = build_entry(caller(request), data)
    save_entry(changed, replacing=entry)
    return entry_json(_get_entry_for_user(request, entry_id))


@router.delete("/entries/{entry_id}", response={204: None, **ERRORS}, summary="Delete an entry")
def delete_entry(request, entry_id: int):
    _get_entry_for_user(request, entry_id).delete()
    return Status(204, None)
