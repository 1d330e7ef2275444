"""
How the day page reads: amounts in the user's vitamin D unit, what each entry gave, totals per meal
and per day with a note where items have no data. Nothing here queries the database: it reads the
`DaySummary` that `tracker.days.summarize_day` built.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import template

from foods import nutrients
from foods.templatetags.nutrient_format import UNKNOWN, format_amount
from foods.units import vitamin_d_ug_to_iu
from tracker.models import Profile

register = template.Library()

K2_CODES = [form.code for form in nutrients.K2_FORMS]
K2_SHORT_LABELS = {nutrients.K2_MK4.code: "MK-4", nutrients.K2_MK7.code: "MK-7", nutrients.K2_OTHER.code: "other MKs"}
ZERO = Decimal(0)


def intake_amount(value):
    """Like the catalog's amounts, but with one decimal from 100 up: 187.8 µg of K2 against a 100–200 µg
    target must not read as 188, nor 200.4 as 200."""
    value = Decimal(value)
    if abs(value) < 100:
        return format_amount(value)
    text = f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,f}"
    return text.removesuffix(".0")


@register.filter
def intake(value):
    """An amount of the day, or "—" when unknown."""
    return UNKNOWN if value is None else intake_amount(value)


def vitamin_d_in(amount_ug, unit):
    return vitamin_d_ug_to_iu(amount_ug) if unit == Profile.VitaminDUnit.IU else amount_ug


def unit_label(unit):
    return Profile.VitaminDUnit(unit).label


@register.filter
def vitamin_d(amount_ug, unit):
    """Vitamin D stored in µg, shown with its unit in the user's choice: "5,000 IU" or "125 µg"."""
    if amount_ug is None:
        return UNKNOWN
    return f"{intake_amount(vitamin_d_in(amount_ug, unit))} {unit_label(unit)}"


@register.filter
def vitamin_d_unit(unit):
    return unit_label(unit)


@register.filter
def ug(amount):
    """An amount in µg with its unit, or "—" when unknown."""
    return UNKNOWN if amount is None else f"{intake_amount(amount)} µg"


@register.filter
def k2_target(target):
    """A guidance target as it reads: "100–200 µg", "at least 200 µg" or "no target"."""
    if not target.exists:
        return "no target"
    if target.max_ug is None:
        return f"at least {intake_amount(target.min_ug)} µg"
    return f"{intake_amount(target.min_ug)}–{intake_amount(target.max_ug)} µg"


def no_data_note(missing, items, what):
    """ "2 of 5 foods have no K2 data", or "" when every item has some."""
    if not missing:
        return ""
    noun = "food" if items == 1 else "foods"
    verb = "has" if missing == 1 else "have"
    return f"{missing} of {items} {noun} {verb} no {what} data"


@register.simple_tag
def k2_note(totals):
    return no_data_note(totals.missing_k2(), totals.items, "K2")


@register.simple_tag
def vitamin_d_note(totals):
    return no_data_note(totals.missing(nutrients.VITAMIN_D.code), totals.items, "vitamin D")


@dataclass(frozen=True)
class EntryAmounts:
    """What one entry gave of vitamin D and K2; None where its item has no value."""

    entry: object
    vitamin_d_ug: Decimal | None
    k2_ug: dict
    k2_equivalent_ug: Decimal | None

    @property
    def k2_forms(self):
        """[(short label, µg)] of the K2 forms the entry gave any of."""
        return [(K2_SHORT_LABELS[code], amount) for code, amount in self.k2_ug.items() if amount]

    @property
    def gave_any(self):
        return bool(self.vitamin_d_ug or self.k2_equivalent_ug)


@register.filter
def k2_given(given):
    """What an entry gave of K2 form by form: "187.8 µg MK-7 + 10 µg MK-4", "0 µg", or "—" if unknown."""
    if given.k2_equivalent_ug is None:
        return UNKNOWN
    return " + ".join(f"{intake_amount(amount)} µg {label}" for label, amount in given.k2_forms) or "0 µg"


def entry_amounts(entry, mk4_per_mk7):
    given = entry.nutrient_amounts()
    if entry.is_dose:
        # A free dose gives its one nutrient and nothing else: the others are zero, not unknown.
        given = {code: given.get(code, ZERO) for code in nutrients.BY_CODE}
    k2 = {code: given[code] for code in K2_CODES}
    return EntryAmounts(
        entry=entry,
        vitamin_d_ug=given[nutrients.VITAMIN_D.code],
        k2_ug=k2,
        k2_equivalent_ug=nutrients.k2_mk7_equivalent_ug(*(k2[code] for code in K2_CODES), mk4_per_mk7),
    )


@register.simple_tag
def amounts_of(entry, summary):
    return entry_amounts(entry, summary.guidance.profile.mk4_per_mk7_equivalent)


@register.simple_tag
def contributions(summary):
    """The entries that gave vitamin D or K2, most K2 (MK-7 equivalent) first, then most vitamin D."""
    factor = summary.guidance.profile.mk4_per_mk7_equivalent
    given = [amounts for amounts in (entry_amounts(e, factor) for e in summary.entries) if amounts.gave_any]
    return sorted(given, key=lambda a: (-(a.k2_equivalent_ug or ZERO), -(a.vitamin_d_ug or ZERO)))


@dataclass(frozen=True)
class TotalCell:
    amount: Decimal | None  # None: no logged item has a value
    note: str


@dataclass(frozen=True)
class TotalRow:
    label: str
    unit: str
    cells: list
    code: str


def _cell(totals, amount, *, codes, missing):
    """A total, or None when items were logged and none of them has a value (unknown, not zero)."""
    note = f"{missing} of {totals.items} without data" if missing else ""
    return TotalCell(None if totals.is_unknown(*codes) else amount, note)


def _nutrient_cell(totals, code, vitamin_d_unit):
    amount = totals[code]
    if code == nutrients.VITAMIN_D.code:
        amount = vitamin_d_in(amount, vitamin_d_unit)
    return _cell(totals, amount, codes=[code], missing=totals.missing(code))


def _k2_cell(totals, amount):
    return _cell(totals, amount, codes=K2_CODES, missing=totals.missing_k2())


@register.simple_tag
def total_rows(summary, vitamin_d_unit):
    """One row per nutrient, plus K2 in all forms and as MK-7 equivalent; a cell per meal and the day's."""
    columns = [meal.totals for meal in summary.meals] + [summary.totals]
    factor = summary.guidance.profile.mk4_per_mk7_equivalent
    rows = []
    for nutrient in nutrients.NUTRIENTS:
        unit = unit_label(vitamin_d_unit) if nutrient is nutrients.VITAMIN_D else nutrient.unit
        cells = [_nutrient_cell(totals, nutrient.code, vitamin_d_unit) for totals in columns]
        rows.append(TotalRow(nutrient.label, unit, cells, nutrient.code))
        if nutrient is nutrients.K2_OTHER:
            cells = [_k2_cell(totals, totals.k2_total_ug) for totals in columns]
            rows.append(TotalRow("Vitamin K2, all forms", "µg", cells, "k2_total"))
            cells = [_k2_cell(totals, totals.k2_mk7_equivalent_ug(factor)) for totals in columns]
            rows.append(TotalRow("Vitamin K2, MK-7 equivalent", "µg", cells, "k2_equivalent"))
    return rows


@dataclass(frozen=True)
class TotalsLine:
    """The short form of a total for a meal's footer or the day's heading; None where unknown."""

    vitamin_d_ug: Decimal | None
    vitamin_d_note: str
    k2_total_ug: Decimal | None
    k2_equivalent_ug: Decimal | None
    k2_note: str


@register.simple_tag
def totals_line(totals, summary):
    factor = summary.guidance.profile.mk4_per_mk7_equivalent
    vitamin_d = nutrients.VITAMIN_D.code
    return TotalsLine(
        vitamin_d_ug=None if totals.is_unknown(vitamin_d) else totals[vitamin_d],
        vitamin_d_note=vitamin_d_note(totals),
        k2_total_ug=_k2_cell(totals, totals.k2_total_ug).amount,
        k2_equivalent_ug=_k2_cell(totals, totals.k2_mk7_equivalent_ug(factor)).amount,
        k2_note=k2_note(totals),
    )
