"""
Copying a meal or a whole day from another day: "the same breakfast as yesterday".

A copy is logged again as it was typed ("20 g", "2 × 1 serving", "5,000 IU"), through the same rules as
a new entry (`tracker.entries`), so it is exactly what typing it again would give: a new row of its own,
independent of the original. An entry that can no longer be logged as it was typed (its item has become
someone else's private item, its portion was deleted) is not copied, and neither is anything else: the
preview says which entry is in the way, so that nobody finds half a day copied.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tracker.entries import entry_as_typed
from tracker.models import Entry, Meal

MEAL_ORDER = {meal: position for position, meal in enumerate(Meal.values)}
ALREADY_LOGGED_BY_ROUTINE = "Already logged by your routine."


@dataclass(frozen=True)
class Left:
    """An entry of the source day that the copy leaves out, and why."""

    entry: Entry
    reason: str

    @property
    def description(self):
        return f"{self.entry.label}, {self.entry.quantity_label}, in {self.entry.get_meal_display()}"


@dataclass(frozen=True)
class CopyPlan:
    """What copying would do: the copies to add (unsaved), the entries skipped and those that cannot be copied."""

    source_ids: tuple
    copies: list
    skipped: list  # routine doses already logged on the day copied to
    refused: list  # entries that can no longer be logged as they were typed: nothing is copied while any is here

    @property
    def can_copy(self):
        return bool(self.copies) and not self.refused


@dataclass(frozen=True)
class Preview:
    """What the person saw before copying: which entries were listed, and when."""

    source_ids: tuple
    shown_at: datetime


def entries_to_copy(user, from_day, meal=None):
    """The user's entries of `from_day` (of one meal, if given), meal by meal, with what a copy reads."""
    entries = Entry.objects.for_user(user).on(from_day)
    if meal is not None:
        entries = entries.filter(meal=meal)
    entries = entries.select_related("item", "portion", "routine").prefetch_related(
        "item__nutrient_values", "routine__pauses"
    )
    return sorted(entries, key=lambda entry: MEAL_ORDER[entry.meal])


def plan_copy(*, user, from_day, to_day, meal=None, into_meal=None):
    """The preview: what copying `from_day` (or one meal of it) to `to_day` would add, skip and refuse."""
    originals = entries_to_copy(user, from_day, meal)
    routines_logged = _routines_logged_on(user, to_day, {entry.routine_id for entry in originals} - {None})
    copies, skipped, refused = [], [], []
    for original in originals:
        if original.routine_id in routines_logged:
            skipped.append(Left(original, ALREADY_LOGGED_BY_ROUTINE))
            continue
        try:
            copies.append(copy_of(original, user=user, day=to_day, meal=into_meal or original.meal))
        except ValidationError as error:
            refused.append(Left(original, _why_not(error)))
    return CopyPlan(tuple(entry.pk for entry in originals), copies, skipped, refused)


def copy_entries(*, user, from_day, to_day, meal=None, into_meal=None, preview=None):
    """Copy `from_day`'s entries (or one meal's, into the same or `into_meal`'s slot) to `to_day`: the new entries.

    Copying a day onto itself is allowed and doubles it: a second helping, or breakfast again as a snack.
    With `preview` (what the person saw), the copy is refused when the entries changed since, and when
    it was already made since: see `_already_there`. Raises ValidationError with code "refused",
    "changed" or "already_copied"; nothing is copied then.
    """
    with transaction.atomic():
        # Two submits of one form can arrive together (a double click). On PostgreSQL the second waits
        # here until the first has committed, and then sees its copies.
        get_user_model().objects.select_for_update().filter(pk=user.pk).get()
        plan = plan_copy(user=user, from_day=from_day, to_day=to_day, meal=meal, into_meal=into_meal)
        if plan.refused:
            described = "; ".join(f"{left.description}: {left.reason}" for left in plan.refused)
            raise ValidationError(f"Nothing was copied. {described}", code="refused")
        if preview is not None:
            if tuple(preview.source_ids) != plan.source_ids:
                raise ValidationError(
                    "These entries changed since you saw them: look at them again before copying.", code="changed"
                )
            if _already_there(user, to_day, plan.copies, since=preview.shown_at):
                raise ValidationError("These entries were already copied.", code="already_copied")
        try:
            with transaction.atomic():
                return Entry.objects.bulk_create(plan.copies)
        except IntegrityError:
            # A routine's dose was logged for that day (in another tab) since the plan was made.
            raise ValidationError(
                "A routine's dose was logged meanwhile: look at the entries again before copying.", code="changed"
            ) from None


def copy_of(original, *, user, day, meal):
    """An unsaved copy of `original` on `day` in `meal`, checked as if its amount were typed again."""
    copy = entry_as_typed(original, user=user, day=day, meal=meal, time=original.time)
    # The copy stands for the routine's dose only where the routine asks for one, so that the day's
    # scheduled doses count it as taken; elsewhere it is a plain entry.
    if original.routine_id is not None and original.routine.is_due_on(day):
        copy.routine = original.routine
    return copy


def _why_not(error):
    if hasattr(error, "error_dict") and "item" in error.error_dict:
        return "Its item is no longer in the catalog or among your own."
    return " ".join(error.messages)


def _routines_logged_on(user, day, routine_ids):
    """Which of these routines already have their dose logged on `day`."""
    if not routine_ids:
        return set()
    logged = Entry.objects.for_user(user).on(day).filter(routine__in=routine_ids)
    return set(logged.order_by().values_list("routine_id", flat=True))


def _sameness(entry):
    """What makes two entries the same thing logged in the same place."""
    return (entry.item_id, entry.portion_id, entry.quantity, entry.quantity_unit, entry.dose_nutrient,
            entry.dose_amount, entry.meal, entry.time)


def _already_there(user, day, copies, *, since):
    """Whether every copy is already on `day`, logged after the preview was shown: the same form sent twice.

    A submitted form can be sent again (a double click, the browser's back button and resubmit). The
    preview's time tells such a repeat apart from copying the same meal again on purpose, which starts
    from a new preview; entries logged before the preview (the originals, when a day is copied onto
    itself) never count. Nothing left to copy (the routine doses it listed were logged since) is there too.
    """
    made_since = Entry.objects.for_user(user).on(day).filter(created__gte=since)
    wanted = Counter(_sameness(copy) for copy in copies)
    return not wanted - Counter(_sameness(entry) for entry in made_since)
