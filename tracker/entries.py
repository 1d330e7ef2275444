"""
Logging what a person ate or took. One function turns "150 g", "2 × 1 large egg yolk", "1 softgel" or
"5,000 IU of vitamin D" into an Entry, so the forms and the API share the rules.
"""

import math
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from foods import nutrients
from foods.models import Item
from foods.units import vitamin_d_iu_to_ug
from tracker.models import MAX_DOSE, MAX_FOOD_GRAMS, MAX_PORTION_COUNT, MAX_UNITS, Entry

BASIS_FACTOR_PLACES = Entry._meta.get_field("basis_factor").decimal_places
DOSE_AMOUNT_PLACES = Entry._meta.get_field("dose_amount").decimal_places

# The units a free dose may be typed in, per nutrient (DOMAIN.md, "Units a user may type").
DOSE_UNITS = {
    nutrients.VITAMIN_D.code: (Entry.Unit.IU, Entry.Unit.UG),
    nutrients.K2_MK4.code: (Entry.Unit.UG,),
    nutrients.K2_MK7.code: (Entry.Unit.UG,),
    nutrients.CALCIUM.code: (Entry.Unit.MG,),
}


def positive_amount(value, *, field, maximum, what, places=3):
    """`value` as a Decimal > 0 and <= maximum, rounded to `places`, or a ValidationError naming `field`."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: f"Enter the {what} as a number."}) from None
    if not amount.is_finite() or (isinstance(value, float) and not math.isfinite(value)):
        raise ValidationError({field: f"Enter the {what} as a finite number."})
    if amount <= 0:
        raise ValidationError({field: f"The {what} must be more than zero."})
    if amount > maximum:
        raise ValidationError({field: f"The {what} can be at most {maximum:,f}."})
    return storable(amount, field=field, places=places)


def storable(amount, *, field, places):
    """`amount` rounded as the database keeps it; refused when that rounds it away to nothing."""
    rounded = amount.quantize(Decimal(1).scaleb(-places))
    if rounded <= 0:
        raise ValidationError({field: "That amount is too small to record."})
    return rounded


def item_entry(*, user, item, grams=None, portion=None, count=None, units=None, **when):
    """An unsaved Entry for an amount of `item`: grams, a number of a portion, or units of a supplement."""
    if item.owner_id not in (None, user.pk):
        raise ValidationError({"item": "Choose one of the catalog's items or your own."})
    given = [name for name, value in (("grams", grams), ("portion", portion), ("units", units)) if value is not None]
    if len(given) != 1:
        raise ValidationError("Give the amount one way: grams, a portion, or units.")

    if portion is not None:
        if portion.item_id != item.pk:
            raise ValidationError({"portion": "That portion belongs to another item."})
        count = positive_amount(1 if count is None else count, field="count", maximum=MAX_PORTION_COUNT,
                                what="number of portions")
        basis_factor = storable(portion.basis_factor() * count, field="count", places=BASIS_FACTOR_PLACES)
        if not item.is_supplement and portion.grams * count > MAX_FOOD_GRAMS:
            raise ValidationError({"count": f"That is over {MAX_FOOD_GRAMS:,f} g of food."})
        return Entry(user=user, item=item, portion=portion, quantity=count, quantity_unit=Entry.Unit.PORTION,
                     basis_factor=basis_factor, **when)
    if grams is not None:
        if item.is_supplement:
            raise ValidationError({"grams": "A supplement is logged in units, not grams."})
        grams = positive_amount(grams, field="grams", maximum=MAX_FOOD_GRAMS, what="weight in grams")
        return Entry(user=user, item=item, quantity=grams, quantity_unit=Entry.Unit.GRAMS,
                     basis_factor=storable(grams / 100, field="grams", places=BASIS_FACTOR_PLACES), **when)
    if item.kind != Item.Kind.SUPPLEMENT:
        raise ValidationError({"units": "A food is logged in grams or portions, not units."})
    units = positive_amount(units, field="units", maximum=MAX_UNITS, what="number of units")
    return Entry(user=user, item=item, quantity=units, quantity_unit=Entry.Unit.UNITS, basis_factor=units, **when)


def dose_entry(*, user, nutrient, amount, unit, **when):
    """An unsaved Entry for a free dose: vitamin D in IU or µg, K2 as MK-4 or MK-7 in µg, calcium in mg."""
    if nutrient not in DOSE_UNITS:
        raise ValidationError({"dose_nutrient": "Choose vitamin D, K2 as MK-4, K2 as MK-7 or calcium."})
    if unit not in DOSE_UNITS[nutrient]:
        allowed = " or ".join(Entry.Unit(u).label for u in DOSE_UNITS[nutrient])
        raise ValidationError({"dose_unit": f"Give {nutrients.BY_CODE[nutrient].label} in {allowed}."})
    stored_maximum = MAX_DOSE[nutrient]
    typed_maximum = stored_maximum * 40 if unit == Entry.Unit.IU else stored_maximum
    quantity = positive_amount(amount, field="dose_amount", maximum=typed_maximum, what="dose")
    stored = vitamin_d_iu_to_ug(quantity) if unit == Entry.Unit.IU else quantity
    stored = storable(stored, field="dose_amount", places=DOSE_AMOUNT_PLACES)
    return Entry(user=user, dose_nutrient=nutrient, dose_amount=stored, quantity=quantity, quantity_unit=unit, **when)


def entry_as_typed(amount, *, user, **when):
    """An unsaved Entry for the amount an entry or a routine keeps as it was typed, checked by the rules again.

    Copying an entry and logging a routine's dose go through here, so an item made private since or a
    portion deleted since is refused with a message rather than copied.
    """
    if amount.is_dose:
        return dose_entry(user=user, nutrient=amount.dose_nutrient, amount=amount.quantity,
                          unit=amount.quantity_unit, **when)
    if amount.quantity_unit == Entry.Unit.PORTION:
        if amount.portion_id is None:
            raise ValidationError({"portion": "The portion it was logged in has been deleted."})
        typed = {"portion": amount.portion, "count": amount.quantity}
    elif amount.quantity_unit == Entry.Unit.GRAMS:
        typed = {"grams": amount.quantity}
    else:
        typed = {"units": amount.quantity}
    return item_entry(user=user, item=amount.item, **typed, **when)


def routine_entry(routine, day):
    """An unsaved Entry for the dose `routine` schedules on `day`, checked by the same rules as a typed one."""
    entry = entry_as_typed(routine, user=routine.user, day=day, meal=routine.meal, time=routine.time)
    entry.routine = routine
    return entry


def save_entry(entry, replacing=None):
    """Save a new entry, or write it over the one it edits (same row, creation time, key and, on its day, routine)."""
    if replacing is not None:
        entry.pk, entry.created = replacing.pk, replacing.created
        # A retry of the request that logged it must still find it, edited or not.
        entry.idempotency_key = replacing.idempotency_key
        if entry.day == replacing.day:
            entry.routine_id = replacing.routine_id
    with transaction.atomic():
        entry.save(force_update=replacing is not None)



class KeyReused(Exception):
    """An idempotency key that already logged something else: `logged`."""

    def __init__(self, logged):
        super().__init__(f"The key already logged entry {logged.pk}.")
        self.logged = logged


def log_entry_once(entry):
    """
    Save the new `entry` unless its idempotency key already logged one: (the entry, whether it was saved now).

    The same request sent twice (a double click, a retry after a timeout) finds the entry the first one
    saved. Two that arrive together are kept apart by the database, which refuses a second entry with the
    user's key; the savepoint keeps that refusal from spoiling a transaction around it. A key that logged
    something else (a form sent back, changed and sent again; an entry edited since) raises KeyReused.
    """
    if entry.idempotency_key:
        logged = _logged_with_key(entry)
        if logged is not None:
            return _same_as(entry, logged), False
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        logged = _logged_with_key(entry) if entry.idempotency_key else None
        if logged is None:
            raise
        return _same_as(entry, logged), False
    return entry, True


def _logged_with_key(entry):
    return Entry.objects.filter(user=entry.user_id, idempotency_key=entry.idempotency_key).first()


def _same_as(entry, logged):
    if what_it_logs(logged) != what_it_logs(entry):
        raise KeyReused(logged)
    return logged


WHAT_IT_LOGS = [Entry._meta.get_field(name) for name in (
    "day", "meal", "time", "item", "portion", "quantity", "quantity_unit", "dose_nutrient", "dose_amount"
)]


def what_it_logs(entry):
    """What makes two entries the same thing logged at the same time, as the database would read it back."""
    return tuple(field.to_python(getattr(entry, field.attname)) for field in WHAT_IT_LOGS)
