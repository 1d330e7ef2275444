"""How amounts read on the pages: a few significant digits, and "—" for a value never measured."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.safestring import mark_safe

from foods.units import plain, vitamin_d_ug_to_iu

register = template.Library()

UNKNOWN = mark_safe('<span class="value-unknown" title="not measured">—</span>')


def format_amount(value):
    """939 → "939", 1100 → "1,100", 76.42 → "76.4", 4.834 → "4.83", 0.02104 → "0.021".

    Whole units from 100 up, three significant digits below; trailing zeros dropped.
    """
    value = Decimal(str(value))
    if value == 0:
        return "0"
    if abs(value) >= 100:
        step = Decimal(1)
    else:
        step = Decimal(1).scaleb(value.adjusted() - 2)
    text = f"{value.quantize(step, rounding=ROUND_HALF_UP):,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def amount(value):
    """An amount, or "—" (not measured) when it is unknown. Zero stays "0"."""
    if value is None:
        return UNKNOWN
    return format_amount(value)


@register.filter
def iu(vitamin_d_ug):
    """Vitamin D in µg shown in IU (1 µg = 40 IU), or "—" when unknown."""
    if vitamin_d_ug is None:
        return UNKNOWN
    return format_amount(vitamin_d_ug_to_iu(vitamin_d_ug))


@register.filter
def quantity(value):
    """A portion's grams or units as stored, without trailing zeros: 28.350 → "28.35"."""
    if value is None:
        return ""
    return plain(Decimal(str(value)))
