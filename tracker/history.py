"""
A user's history, day by day: each day's totals, guidance and warnings, and the 7-day averages, as the
day page shows them (`tracker.days.summarize_day`), for a whole range of days in a handful of queries.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR

from foods.units import vitamin_d_iu_to_ug
from tracker import guidance, warnings
from tracker.days import WEEK, day_facts, guidance_for_totals, guidance_profile_for
from tracker.models import Entry, Profile
from tracker.totals import ZERO, NutrientTotals, combine, totals_by

QUICK_RANGES = (7, 30, 90, 365)  # days
DEFAULT_RANGE = 30  # days
MAX_RANGE = 366  # days: a leap year


@dataclass(frozen=True)
class HistoryDay:
    day: date
    totals: NutrientTotals
    k2_equivalent_ug: Decimal
    vitamin_d_iu: Decimal
    guidance: guidance.Guidance
    warnings: list  # every DayWarning of the day, as on the day page
    week_vitamin_d_iu_avg: Decimal
    week_k2_equivalent_ug_avg: Decimal
    week_guidance: guidance.Guidance
    entry_count: int  # 0: nothing logged
    # The warnings that come from what was logged: without those the user's health flags put on every day
    # (kidney disease, pregnancy), which the pages show once, as standing notices.
    logged_warnings: list

    @property
    def is_logged(self):
        return self.entry_count > 0

    @property
    def status(self):
        return self.guidance.status

    @property
    def week_vitamin_d_ug_avg(self):
        return vitamin_d_iu_to_ug(self.week_vitamin_d_iu_avg)


@dataclass(frozen=True)
class HistorySummary:
    days: int
    logged_days: int
    logged_days_within: int  # logged days whose K2 is within the target
    days_with_warnings: int  # days with warnings about what was logged

    @property
    def share_within_percent(self):
        """The share of logged days within the K2 target, in whole percent; None without logged days."""
        if not self.logged_days:
            return None
        return round(100 * self.logged_days_within / self.logged_days)


def day_history(user, first_day, last_day):
    """One HistoryDay for each day from `first_day` to `last_day`, both included, days with nothing logged too.

    A constant number of queries, whatever the range: the profile, the guidance rules, the totals of every
    day by meal and kind from a week before `first_day` on (for the 7-day averages), and the entry counts.
    """
    profile = Profile.objects.for_user(user)
    rules = guidance_profile_for(profile)
    week_back = first_day - timedelta(days=WEEK - 1)
    entries = Entry.objects.for_user(user).between(week_back, last_day)
    groups_by_day = _groups_by_day(totals_by(entries, "day", "meal"))
    entry_counts = dict(entries.values("day").annotate(n=Count("id")).values_list("day", "n"))
    # A day with nothing logged has the warnings of the health flags alone: the same on every such day.
    warnings_of_every_day = warnings.warnings_for_day(profile, day_facts({}, rules))
    codes_of_every_day = {warning.code for warning in warnings_of_every_day}

    days = days_between(week_back, last_day)
    totals_of_days = [combine(groups_by_day.get(day, {})) for day in days]
    week_sums = _week_sums([totals.amounts for totals in totals_of_days])
    history = []
    for day, totals, week_sum in zip(days[WEEK - 1 :], totals_of_days[WEEK - 1 :], week_sums, strict=True):
        day_guidance = guidance_for_totals(rules, totals, profile)
        week_guidance = guidance_for_totals(rules, NutrientTotals(week_sum).divided_by(WEEK), profile)
        if day in groups_by_day:
            day_warnings = warnings.warnings_for_day(profile, day_facts(groups_by_day[day], rules))
        else:
            day_warnings = list(warnings_of_every_day)
        history.append(
            HistoryDay(
                day=day,
                totals=totals,
                k2_equivalent_ug=day_guidance.k2_equivalent_ug,
                vitamin_d_iu=day_guidance.vitamin_d_iu,
                guidance=day_guidance,
                warnings=day_warnings,
                week_vitamin_d_iu_avg=week_guidance.vitamin_d_iu,
                week_k2_equivalent_ug_avg=week_guidance.k2_equivalent_ug,
                week_guidance=week_guidance,
                entry_count=entry_counts.get(day, 0),
                logged_warnings=[warning for warning in day_warnings if warning.code not in codes_of_every_day],
            )
        )
    return history


def summarize_history(history):
    logged = [day for day in history if day.is_logged]
    return HistorySummary(
        days=len(history),
        logged_days=len(logged),
        logged_days_within=sum(1 for day in logged if day.status == guidance.WITHIN),
        days_with_warnings=sum(1 for day in history if day.logged_warnings),
    )


def day_labeller():
    """A function naming a day as the history's table and tooltips do, "Fri 20 Nov 2026": what Django's date
    filter makes of "D j M Y" in the active language, with the names translated once, not for each day."""
    weekdays = [str(WEEKDAYS_ABBR[number]) for number in range(7)]
    months = {number: str(name).title() for number, name in MONTHS_3.items()}
    return lambda day: f"{weekdays[day.weekday()]} {day.day} {months[day.month]} {day.year:04d}"


def days_between(first_day, last_day):
    """Every day from `first_day` to `last_day`, both included."""
    return [first_day + timedelta(days=offset) for offset in range((last_day - first_day).days + 1)]


def _week_sums(amounts_of_days):
    """Each nutrient summed over every seven days in a row of `amounts_of_days` ({code: amount} a day, oldest
    first): one {code: sum} for each day from the seventh on, over that day and the six before it.

    A running sum: each day adds its amounts and takes away those of the day a week before. Sums of logged
    amounts are exact in Decimal (some 25 digits at the very most, where it keeps 28), so this is to the last
    digit what adding up the seven days anew would give.
    """
    running = {}
    sums = []
    for index, amounts in enumerate(amounts_of_days):
        for code, amount in amounts.items():
            running[code] = running.get(code, ZERO) + amount
        if index >= WEEK:
            for code, amount in amounts_of_days[index - WEEK].items():
                running[code] -= amount
        if index >= WEEK - 1:
            sums.append(dict(running))
    return sums


def _groups_by_day(groups):
    """{(day, meal, kind): totals} as {day: {(meal, kind): totals}}, the shape one day's groups have."""
    by_day = defaultdict(dict)
    for (day, *meal_and_kind), totals in groups.items():
        by_day[day][tuple(meal_and_kind)] = totals
    return by_day
