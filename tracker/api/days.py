"""
GET /days/{date}: one day as the day page shows it (tracker.days.summarize_day): the totals, what is
unknown, the D-to-K2 guidance, the warnings and the 7-day averages.
"""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Path, Router, Schema
from pydantic import create_model

from foods import nutrients
from tracker import guidance, warnings
from tracker.api.auth import caller
from tracker.api.errors import ErrorOut
from tracker.converters import FIRST_DAY, ISO_DAY, LAST_DAY, parse_day
from tracker.days import summarize_day
from tracker.models import Profile

router = Router(tags=["days"])

# What the pages' footer says.
DISCLAIMER = (
    "General information, not medical advice. Talk to your doctor before changing supplements, "
    "especially if you take blood thinners, are pregnant or have kidney disease."
)
DATE_FORMAT = f"YYYY-MM-DD, from {FIRST_DAY} to {LAST_DAY}."
DATE_PATTERN = f"^{ISO_DAY.pattern}$"
EXAMPLE_DATE = "2026-11-20"
DAY_ERRORS = {400: ErrorOut, 401: ErrorOut}
Status = Literal[guidance.STATUSES]
WarningCode = Literal[tuple(warning.code for warning in warnings.ALL)]
K2_CODES = [form.code for form in nutrients.K2_FORMS]
VITAMIN_D_IU = "vitamin_d_iu"
K2_TOTAL = "k2_total_ug"
K2_EQUIVALENT = "k2_mk7_equivalent_ug"


def _total_fields():
    """{name: description} of every total, in the nutrient list's order: vitamin D in IU beside its µg,
    K2 in all forms and as MK-7 equivalent after the last K2 form."""
    fields = {}
    for nutrient in nutrients.NUTRIENTS:
        fields[nutrient.code] = f"{nutrient.label}, {nutrient.unit}."
        if nutrient is nutrients.VITAMIN_D:
            fields[VITAMIN_D_IU] = "Vitamin D (D2 + D3), IU (1 µg = 40 IU)."
        if nutrient is nutrients.K2_OTHER:
            fields[K2_TOTAL] = "Vitamin K2, all forms, µg."
            fields[K2_EQUIVALENT] = (
                "Vitamin K2 as MK-7 equivalent, µg: MK-7 + other long-chain forms + MK-4 ÷ the guidance profile's "
                "mk4_per_mk7_equivalent. What the guidance compares."
            )
    return fields


TOTAL_FIELDS = _total_fields()

TotalsOut = create_model(
    "TotalsOut",
    __base__=Schema,
    __doc__="Sums over the entries. null: items were logged and none of them has a value (unknown, not zero).",
    **{name: (float | None, Field(description=text)) for name, text in TOTAL_FIELDS.items()},
)
MissingOut = create_model(
    "MissingOut",
    __base__=Schema,
    __doc__=(
        "How many logged items (foods and supplements; free doses never count) have no value for each total. "
        "A K2 form counts the items without a value for that form: natto, which reports MK-7 only, counts for "
        "k2_mk4_ug and k2_other_ug. k2_total_ug and k2_mk7_equivalent_ug count the items that report none of "
        "the K2 forms; vitamin_d_iu counts as vitamin_d_ug."
    ),
    **{name: (int, ...) for name in TOTAL_FIELDS},
)


class GuidanceOut(Schema):
    profile: str = Field(description="The slug of the guidance profile the day is compared with.")
    profile_name: str
    status: Status = Field(description="The K2 (MK-7 equivalent) against the target.")
    status_label: str
    vitamin_d_iu: float = Field(description="The vitamin D the target is chosen by.")
    k2_mk7_equivalent_ug: float = Field(description="The K2 compared with the target.")
    k2_target_min_ug: float | None = Field(description="null: no target.")
    k2_target_max_ug: float | None = Field(description="null: no upper bound, or no target.")
    advice: str


class WarningOut(Schema):
    code: WarningCode
    message: str
    source: str


class WeekOut(Schema):
    first_date: datetime.date
    last_date: datetime.date
    vitamin_d_iu_avg: float = Field(description="Vitamin D a day over the 7 days ending on last_date.")
    k2_mk7_equivalent_ug_avg: float = Field(description="K2 (MK-7 equivalent) a day over the same 7 days.")
    status: Status = Field(description="The averages against the guidance.")
    k2_target_min_ug: float | None
    k2_target_max_ug: float | None


class DayOut(Schema):
    date: datetime.date
    entry_count: int
    totals: TotalsOut
    missing: MissingOut
    guidance: GuidanceOut
    warnings: list[WarningOut] = Field(description="The day's warnings, as the day page shows them.")
    standing_notices: list[WarningOut] = Field(
        description="The user's health flags' notices shown on every page, unless the day already warns of it."
    )
    week: WeekOut
    disclaimer: str


def date_param(where, description):
    """A date parameter (Path or Query): the schema documents and checks its shape, `day_date` its range."""
    return where(..., description=description, pattern=DATE_PATTERN, example=EXAMPLE_DATE)


def day_date(text, field):
    """The day `text` names (YYYY-MM-DD, within the years Tandem keeps), or a ValidationError naming `field`."""
    day = parse_day(text)
    if day is None:
        raise ValidationError({field: f"Give a date as {DATE_FORMAT}"})
    return day


def totals_json(totals, mk4_per_mk7):
    return {name: None if _unknown(totals, name) else float(_total(totals, name, mk4_per_mk7)) for name in TOTAL_FIELDS}


def _total(totals, name, mk4_per_mk7):
    if name == VITAMIN_D_IU:
        return totals.vitamin_d_iu
    if name == K2_TOTAL:
        return totals.k2_total_ug
    if name == K2_EQUIVALENT:
        return totals.k2_mk7_equivalent_ug(mk4_per_mk7)
    return totals[name]


def _unknown(totals, name):
    """Whether the total `name` is unknown (NutrientTotals.is_unknown): the page's "—"."""
    return totals.is_unknown(*_stored_codes(name))


def missing_json(totals):
    return {name: _missing(totals, name) for name in TOTAL_FIELDS}


def _missing(totals, name):
    if name in (K2_TOTAL, K2_EQUIVALENT):
        return totals.missing_k2()
    [code] = _stored_codes(name)
    return totals.missing(code)


def _stored_codes(name):
    """The stored nutrients a total is made of."""
    if name in (K2_TOTAL, K2_EQUIVALENT):
        return K2_CODES
    return [nutrients.VITAMIN_D.code if name == VITAMIN_D_IU else name]


def guidance_json(day_guidance):
    return {
        "profile": day_guidance.profile.slug,
        "profile_name": day_guidance.profile.name,
        "status": day_guidance.status,
        "status_label": day_guidance.status_label,
        "vitamin_d_iu": float(day_guidance.vitamin_d_iu),
        "k2_mk7_equivalent_ug": float(day_guidance.k2_equivalent_ug),
        "k2_target_min_ug": _number(day_guidance.target.min_ug),
        "k2_target_max_ug": _number(day_guidance.target.max_ug),
        "advice": day_guidance.target.advice,
    }


def warning_json(warning):
    return {"code": warning.code, "message": warning.message, "source": warning.source}


def week_json(first_day, last_day, week_guidance):
    """The 7-day averages, from the guidance of the week's average day."""
    return {
        "first_date": first_day,
        "last_date": last_day,
        "vitamin_d_iu_avg": float(week_guidance.vitamin_d_iu),
        "k2_mk7_equivalent_ug_avg": float(week_guidance.k2_equivalent_ug),
        "status": week_guidance.status,
        "k2_target_min_ug": _number(week_guidance.target.min_ug),
        "k2_target_max_ug": _number(week_guidance.target.max_ug),
    }


def _number(value):
    return None if value is None else float(value)


@router.get("/days/{date}", response={200: DayOut, **DAY_ERRORS}, summary="One day's totals, guidance and warnings")
def get_day(request, date: str = date_param(Path, DATE_FORMAT)):
    user = caller(request)
    summary = summarize_day(user, day_date(date, "date"))
    day_codes = {warning.code for warning in summary.warnings}
    mk4_per_mk7 = summary.guidance.profile.mk4_per_mk7_equivalent
    return {
        "date": summary.day,
        "entry_count": len(summary.entries),
        "totals": totals_json(summary.totals, mk4_per_mk7),
        "missing": missing_json(summary.totals),
        "guidance": guidance_json(summary.guidance),
        "warnings": [warning_json(warning) for warning in summary.warnings],
        "standing_notices": [
            warning_json(warning)
            for warning in warnings.standing_warnings(Profile.objects.for_user(user))
            if warning.code not in day_codes
        ],
        "week": week_json(summary.week.first_day, summary.week.last_day, summary.week.guidance),
        "disclaimer": DISCLAIMER,
    }
