"""
A user's log as CSV rows: every entry, and every day's totals with its guidance. Plain generators of
rows (lists of strings), read from the database a chunk at a time, so five years of entries stream
out without being held in memory.

Amounts are in each nutrient's stored unit, which its code names (`vitamin_d_ug`, `calcium_mg`). A
value nobody measured is an empty cell, never 0 (shared/DOMAIN.md).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Prefetch

from foods import nutrients
from foods.models import Item, NutrientValue
from foods.units import plain
from tracker.models import Entry

# Entries read at a time: each chunk costs two more queries, for its items and their values and sources.
CHUNK_SIZE = 1000
NUTRIENT_CODES = [nutrient.code for nutrient in nutrients.NUTRIENTS]
YOUR_DOSE = "your dose"
DOSE = "dose"
ZERO = Decimal(0)
# Stored values have four decimal places; a product with a portion's factor has ten.
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
