"""The history page: a range of days as figures, a chart and a table, each day linking to its day page."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from tracker.charts import history_chart
from tracker.converters import parse_day
from tracker.history import DEFAULT_RANGE, MAX_RANGE, QUICK_RANGES, day_history, day_labeller, summarize_history
from tracker.models import Profile
from tracker.templatetags.day_page import k2_target, totals_line, ug, vitamin_d

STAND_IN_DAY = date(2000, 1, 1)


class HistoryRangeForm(forms.Form):
    """?days=7|30|90|365, or ?start=YYYY-MM-DD&end=YYYY-MM-DD; the range ends today unless `end` says otherwise."""

    days = forms.TypedChoiceField(
        choices=[(str(days), f"{days} days") for days in QUICK_RANGES],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose the last 7, 30, 90 or 365 days, or a first and a last day."},
    )
    # Not DateFields: those take other spellings too; a day in Tandem is YYYY-MM-DD.
    start = forms.CharField(required=False)
    end = forms.CharField(required=False)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_start(self):
        return _day_or_none(self.cleaned_data["start"])

    def clean_end(self):
        return _day_or_none(self.cleaned_data["end"])

    def clean(self):
        cleaned = super().clean()
        last_day = cleaned.get("end") or self.today
        first_day = cleaned.get("start") or last_day - timedelta(days=(cleaned.get("days") or DEFAULT_RANGE) - 1)
        if first_day > last_day:
            raise ValidationError("The first day must not come after the last.")
        if (last_day - first_day).days + 1 > MAX_RANGE:
            raise ValidationError(f"Choose at most {MAX_RANGE} days.")
        cleaned["first_day"], cleaned["last_day"] = first_day, last_day
        return cleaned

    def chosen_range(self):
        """(first day, last day) as asked for, or the last 30 days when that cannot be shown."""
        if self.is_valid():
            return self.cleaned_data["first_day"], self.cleaned_data["last_day"]
        return self.today - timedelta(days=DEFAULT_RANGE - 1), self.today


@dataclass(frozen=True)
class HistoryRow:
    """One day of the table, each cell as it reads: formatted once here, not by a tag or filter per cell."""

    iso_day: str
    label: str  # "Fri 20 Nov 2026"
    url: str
    is_logged: bool
    vitamin_d: str  # "5,000 IU", or the dash of a value nobody measured (safe HTML)
    k2_equivalent: str  # "187.8 µg", or that dash
    k2_target: str
    status: str
    status_label: str
    logged_warnings: list
    week_vitamin_d: str
    week_k2_equivalent: str
    week_status: str


def history_rows(history, vitamin_d_unit):
    """A HistoryRow for each HistoryDay of `history`, in its order."""
    # Each day's page: its URL reversed once with a stand-in day, not for each of a year's rows.
    day_url = reverse("tracker:day", args=[STAND_IN_DAY]).replace(STAND_IN_DAY.isoformat(), "{}")
    name_of = day_labeller()
    rows = []
    for day in history:
        line = totals_line(day.totals, day)
        iso_day = day.day.isoformat()
        rows.append(
            HistoryRow(
                iso_day=iso_day,
                label=name_of(day.day),
                url=day_url.format(iso_day),
                is_logged=day.is_logged,
                vitamin_d=vitamin_d(line.vitamin_d_ug, vitamin_d_unit),
                k2_equivalent=ug(line.k2_equivalent_ug),
                k2_target=k2_target(day.guidance.target),
                status=day.status,
                status_label=day.guidance.status_label if day.is_logged else "Nothing logged",
                logged_warnings=day.logged_warnings,
                week_vitamin_d=vitamin_d(day.week_vitamin_d_ug_avg, vitamin_d_unit),
                week_k2_equivalent=ug(day.week_k2_equivalent_ug_avg),
                week_status=day.week_guidance.status,
            )
        )
    return rows


def _day_or_none(text):
    if not text:
        return None
    day = parse_day(text)
    if day is None:
        raise ValidationError("Enter a date as YYYY-MM-DD, from the year 1900 to 2999.")
    return day


@login_required
@require_GET
def index(request):
    profile = Profile.objects.for_user(request.user)
    today = profile.today()
    form = HistoryRangeForm(request.GET, today=today)
    first_day, last_day = form.chosen_range()
    history = day_history(request.user, first_day, last_day)
    ctx = {
        "form": form,
        "profile": profile,
        "first_day": first_day,
        "last_day": last_day,
        "quick_ranges": QUICK_RANGES,
        "chosen_days": (last_day - first_day).days + 1 if last_day == today else None,
        "summary": summarize_history(history),
        "chart": history_chart(history, profile.vitamin_d_unit),
        "rows": history_rows(history[::-1], profile.vitamin_d_unit),  # newest first
        "guidance_profile": history[0].guidance.profile,
    }
    return render(request, "tracker/history/index.html", ctx)
