"""
A user's log as CSV rows: every entry, and every day's totals with its guidance. Plain generators of
rows (lists of strings), read from the database a chunk at a time, so five years of entries stream
out without being held in memory.

Amounts are in each nutrient's stored unit, which its code names (`vitamin_d_ug`, `calcium_mg`). A
value nobody measured is an empty cell, never 0 (shared/DOMAIN.md).
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Max, Min, Prefetch

from foods import nutrients
from foods.models import Item, NutrientValue
from foods.units import plain
from tracker.history import day_history
from tracker.models import Entry

# Entries read at a time: each chunk costs two more queries, for its items and their values and sources.
CHUNK_SIZE = 1000
# Days summed per call of the history: its queries and memory grow with the days it is given.
DAYS_PER_CALL = 366
NUTRIENT_CODES = [nutrient.code for nutrient in nutrients.NUTRIENTS]
YOUR_DOSE = "your dose"
DOSE = "dose"
ZERO = Decimal(0)
# Stored values have four decimal places; times an entry's basis factor (six places) they have ten.
PLACES = Decimal("0.0001")

ENTRY_HEADER = [
    "day", "time", "meal", "item", "kind", "brand", "quantity", "unit",
    *(column for code in NUTRIENT_CODES for column in (code, f"{code}_source")),
]

# A spreadsheet runs a cell that starts with one of these as a formula; users name their own items.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text):
    """`text` as a spreadsheet shows it and never runs it: a leading quote makes a would-be formula text."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def number(amount):
    """An amount as a CSV cell: "" when unknown, else plain digits rounded to the stored precision."""
    if amount is None:
        return ""
    return plain(Decimal(amount).quantize(PLACES, rounding=ROUND_HALF_UP))


def entry_rows(user, *, chunk_size=CHUNK_SIZE):
    """The header, then one row per entry of `user`, oldest first (by day, then time; untimed last):
    what was logged and what it gave."""
    yield ENTRY_HEADER
    # Prefetched rather than joined, an item is read once per chunk and shared by its entries, and so
    # are its values: a few dozen items a chunk instead of one copy per entry.
    items = Item.objects.order_by().prefetch_related(
        Prefetch("nutrient_values", queryset=NutrientValue.objects.select_related("source").order_by())
    )
    entries = (
        Entry.objects.for_user(user)
        .select_related("portion")
        .prefetch_related(Prefetch("item", queryset=items))
        # Both databases alike: SQLite would sort entries without a time first, PostgreSQL last.
        .order_by("day", F("time").asc(nulls_last=True), "created", "pk")
    )
    for entry in entries.iterator(chunk_size=chunk_size):
        yield [spreadsheet_safe(cell) for cell in entry_row(entry)]


def entry_row(entry):
    given, sources = _given_and_sources(entry)
    return [
        entry.day.isoformat(),
        entry.time.isoformat(timespec="minutes") if entry.time else "",
        entry.get_meal_display(),
        entry.label,
        DOSE if entry.is_dose else entry.item.kind,
        "" if entry.is_dose else entry.item.brand,
        plain(entry.quantity),
        entry.portion.label if entry.portion_id else Entry.Unit(entry.quantity_unit).label,
        *(cell for code in NUTRIENT_CODES for cell in (number(given[code]), sources.get(code, ""))),
    ]


def _given_and_sources(entry):
    """({code: amount the entry gave or None}, {code: where that amount comes from})."""
    given = entry.nutrient_amounts()
    if entry.is_dose:
        # A free dose gives its one nutrient and nothing else: the others are zero, not unknown.
        return {code: given.get(code, ZERO) for code in NUTRIENT_CODES}, dict.fromkeys(NUTRIENT_CODES, YOUR_DOSE)
    sources = {value.nutrient: value.source.citation or value.source.key for value in entry.item.nutrient_values.all()}
    return given, sources


DAY_HEADER = [
    "day", "entries", *NUTRIENT_CODES, "vitamin_d_iu", "k2_total_ug", "k2_mk7_equivalent_ug",
    "items_without_vitamin_d_data", "items_without_k2_data",
    "k2_target_min_ug", "k2_target_max_ug", "status", "warnings",
    "week_vitamin_d_iu_avg", "week_k2_mk7_equivalent_ug_avg", "week_k2_target_min_ug", "week_k2_target_max_ug",
    "week_status",
]
K2_CODES = [form.code for form in nutrients.K2_FORMS]


def day_rows(user, *, days_per_call=DAYS_PER_CALL):
    """The header, then one row per day from the user's first logged day to the last, days with nothing
    logged too: the day's totals, its guidance and warnings, and the 7-day averages, as the day page
    shows them. Statuses are under the user's guidance profile of now."""
    yield DAY_HEADER
    logged = Entry.objects.for_user(user).aggregate(first=Min("day"), last=Max("day"))
    if logged["first"] is None:
        return
    first_day = logged["first"]
    while first_day <= logged["last"]:
        last_day = min(first_day + timedelta(days=days_per_call - 1), logged["last"])
        for history_day in day_history(user, first_day, last_day):
            yield day_row(history_day)
        first_day = last_day + timedelta(days=1)


def day_row(history_day):
    totals, day_guidance, week_guidance = history_day.totals, history_day.guidance, history_day.week_guidance
    return [
        history_day.day.isoformat(),
        str(history_day.entry_count),
        *(number(_known(totals, [code], totals[code])) for code in NUTRIENT_CODES),
        number(_known(totals, [nutrients.VITAMIN_D.code], history_day.vitamin_d_iu)),
        number(_known(totals, K2_CODES, totals.k2_total_ug)),
        number(_known(totals, K2_CODES, history_day.k2_equivalent_ug)),
        str(totals.missing(nutrients.VITAMIN_D.code)),
        str(totals.missing_k2()),
        number(day_guidance.target.min_ug),
        number(day_guidance.target.max_ug),
        day_guidance.status,
        " ".join(warning.code for warning in history_day.warnings),
        number(history_day.week_vitamin_d_iu_avg),
        number(history_day.week_k2_equivalent_ug_avg),
        number(week_guidance.target.min_ug),
        number(week_guidance.target.max_ug),
        week_guidance.status,
    ]


def _known(totals, codes, amount):
    """`amount`, or None when it is unknown (NutrientTotals.is_unknown), as the day page reads it."""
    return None if totals.is_unknown(*codes) else amount
