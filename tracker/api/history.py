"""GET /history: a range of days, each as GET /days/{date} sums it up, from tracker.history (the /history/ page's)."""

import datetime

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from tracker.api.auth import caller
from tracker.api.days import (
    DATE_FORMAT,
    DAY_ERRORS,
    GuidanceOut,
    MissingOut,
    Status,
    TotalsOut,
    WarningCode,
    WeekOut,
    date_param,
    day_date,
    guidance_json,
    missing_json,
    totals_json,
    week_json,
)
from tracker.days import WEEK
from tracker.history import MAX_RANGE, day_history

router = Router(tags=["history"])


class HistoryDayOut(Schema):
    date: datetime.date
    entry_count: int = Field(description="0: nothing logged that day.")
    totals: TotalsOut
    missing: MissingOut
    status: Status = Field(description="The day's K2 (MK-7 equivalent) against its target, as in guidance.")
    guidance: GuidanceOut
    warnings: list[WarningCode] = Field(description="The codes of the day's warnings, as GET /days/{date} gives them.")
    week: WeekOut


def history_day_json(history_day):
    mk4_per_mk7 = history_day.guidance.profile.mk4_per_mk7_equivalent
    return {
        "date": history_day.day,
        "entry_count": history_day.entry_count,
        "totals": totals_json(history_day.totals, mk4_per_mk7),
        "missing": missing_json(history_day.totals),
        "status": history_day.status,
        "guidance": guidance_json(history_day.guidance),
        "warnings": [warning.code for warning in history_day.warnings],
        "week": week_json(history_day.day - datetime.timedelta(days=WEEK - 1), history_day.day,
                          history_day.week_guidance),
    }


def chosen_range(start, end):
    """(first day, last day) from the query's texts, or a ValidationError naming each field that is wrong."""
    errors, days = {}, {}
    for field, text in (("start", start), ("end", end)):
        try:
            days[field] = day_date(text, field)
        except ValidationError as error:
            errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    first_day, last_day = days["start"], days["end"]
    if first_day > last_day:
        raise ValidationError({"end": "The last day must not come before the first (start)."})
    if (last_day - first_day).days + 1 > MAX_RANGE:
        raise ValidationError({"end": f"Ask for at most {MAX_RANGE} days at a time, start and end included."})
    return first_day, last_day


@router.get("/history", response={200: list[HistoryDayOut], **DAY_ERRORS},
            summary=f"Every day from start to end, at most {MAX_RANGE} days")
def list_history(
    request,
    start: str = date_param(Query, f"The first day: {DATE_FORMAT}"),
    end: str = date_param(Query, f"The last day, included: {DATE_FORMAT}"),
):
    """One summary per day, days with nothing logged included. General information, not medical advice."""
    first_day, last_day = chosen_range(start, end)
    return [history_day_json(day) for day in day_history(caller(request), first_day, last_day)]
