"""
The forms that save a routine: a product or a free dose, typed and read exactly as on the entry forms
(the same search, the same fields), and a schedule.

The amount is then checked by `tracker.entries.routine_entry` on the unsaved routine, the function every
dose it schedules will be logged through, so a routine that saves is a routine that logs.
"""

from django import forms

from tracker.converters import FIRST_DAY, LAST_DAY
from tracker.entries import routine_entry
from tracker.forms import DoseEntryForm, FoodEntryForm, SupplementEntryForm
from tracker.models import MAX_INTERVAL_DAYS, WEEKDAY_NAMES, Routine

WEEKDAY_CHOICES = list(enumerate(WEEKDAY_NAMES))
DATE_INPUT = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class RoutineForm(forms.Form):
    """
    A routine's schedule, mixed in before the entry form of its kind, which reads the amount:
    `class SupplementRoutineForm(RoutineForm, SupplementEntryForm)`.
    """

    frequency = forms.ChoiceField(label="How often", choices=Routine.Frequency.choices, widget=forms.RadioSelect)
    weekdays = forms.TypedMultipleChoiceField(
        label="On", choices=WEEKDAY_CHOICES, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    every_n_days = forms.IntegerField(
        label="Every how many days", min_value=1, max_value=MAX_INTERVAL_DAYS, required=False,
        help_text="Counted from the start date: 7 is once a week.",
    )
    starts_on = forms.DateField(label="From", **DATE_INPUT)
    ends_on = forms.DateField(label="Until", required=False, help_text="Optional: the last day.", **DATE_INPUT)

    def __init__(self, *args, user, **kwargs):
        # The entry form's day is the one its entry is logged on; a routine's first dose is on its start date.
        super().__init__(*args, user=user, day=None, **kwargs)
        self.routine = None

    def clean_starts_on(self):
        return _within_days_we_keep(self.cleaned_data["starts_on"])

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        return None if ends_on is None else _within_days_we_keep(ends_on)

    def clean(self):
        self._check_schedule(self.cleaned_data)
        return super().clean()  # reads the amount once the schedule is complete

    def _check_schedule(self, data):
        frequency = data.get("frequency")
        if frequency == Routine.Frequency.WEEKDAYS and data.get("weekdays") == []:
            self.add_error("weekdays", "Tick at least one weekday.")
        if frequency == Routine.Frequency.INTERVAL and "every_n_days" in data and data["every_n_days"] is None:
            self.add_error("every_n_days", "Say every how many days.")
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The last day cannot come before the first.")

    def make_entry(self, data, **when):
        typed = super().make_entry(data, **when)  # the amount, read as the entry form of its kind reads it
        self.routine = Routine(
            user=self.user, item=typed.item, portion=typed.portion, quantity=typed.quantity,
            quantity_unit=typed.quantity_unit, dose_nutrient=typed.dose_nutrient,
            meal=data["meal"], time=data.get("time"), **_schedule(data),
        )
        return routine_entry(self.routine, self.routine.starts_on)

    @classmethod
    def initial_from(cls, routine):
        return super().initial_from(routine) | {
            "frequency": routine.frequency,
            "weekdays": routine.weekday_numbers,
            "every_n_days": routine.every_n_days if routine.frequency == Routine.Frequency.INTERVAL else None,
            "starts_on": routine.starts_on,
            "ends_on": routine.ends_on,
        }


def _within_days_we_keep(day):
    if not FIRST_DAY <= day <= LAST_DAY:
        raise forms.ValidationError(f"Pick a day from {FIRST_DAY.year} to {LAST_DAY.year}.")
    return day


def _schedule(data):
    """The routine's schedule fields; those its frequency does not use keep their defaults."""
    frequency = data["frequency"]
    return {
        "frequency": frequency,
        "weekdays": sum(1 << number for number in data["weekdays"]) if frequency == Routine.Frequency.WEEKDAYS else 0,
        "every_n_days": data["every_n_days"] if frequency == Routine.Frequency.INTERVAL else 1,
        "starts_on": data["starts_on"],
        "ends_on": data.get("ends_on"),
    }


class SupplementRoutineForm(RoutineForm, SupplementEntryForm):
    what, title = "supplement", "A supplement"


class FoodRoutineForm(RoutineForm, FoodEntryForm):
    what, title = "food", "A food"


class DoseRoutineForm(RoutineForm, DoseEntryForm):
    what, title = "dose", "A free dose"


ROUTINE_FORMS = {form.what: form for form in (SupplementRoutineForm, FoodRoutineForm, DoseRoutineForm)}
ROUTINE_KINDS = [(form.what, form.title) for form in ROUTINE_FORMS.values()]


def routine_form_class_for(routine):
    """The form that edits `routine`: the one of its kind."""
    if routine.is_dose:
        return DoseRoutineForm
    return SupplementRoutineForm if routine.item.is_supplement else FoodRoutineForm
