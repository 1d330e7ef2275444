"""
The forms that log what a person ate or took. They only parse what was typed: `tracker.entries` holds
the rules, and the ValidationErrors it raises land on the fields they name.

The item and portion selects list the items a search found (plus the one chosen), never the whole
catalog: with JavaScript the search box fills them as the user types, without it a plain GET search
does, so the forms work either way.
"""

import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F

from foods.models import Item, Portion
from foods.units import plain
from tracker.entries import DOSE_UNITS, dose_entry, item_entry
from tracker.models import DOSE_NUTRIENTS, Entry, Meal

SEARCH_LIMIT = 15
MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 8

# Which form field holds the amount, by the unit an entry was typed in; free doses use dose_amount.
AMOUNT_FIELDS = {Entry.Unit.GRAMS: "grams", Entry.Unit.PORTION: "count", Entry.Unit.UNITS: "units"}
DOSE_UNIT_CHOICES = [
    (unit, Entry.Unit(unit).label) for unit in dict.fromkeys(unit for units in DOSE_UNITS.values() for unit in units)
]


def search_words(query):
    """The words a search looks for: at most 8, from at most 100 characters."""
    query = str(query or "").replace("\x00", "")  # PostgreSQL refuses NUL in a string
    return " ".join(query.split())[:MAX_QUERY_LENGTH].split()[:MAX_QUERY_WORDS]


def matching_items(user, query, *, kind=None, limit=SEARCH_LIMIT):
    """Items `user` may log whose name holds every word of `query`: their own first, then the catalog's.

    An empty query lists the first items of that kind. Two queries, portions included.
    """
    items = Item.objects.visible_to(user)
    if kind in Item.Kind.values:
        items = items.filter(kind=kind)
    for word in search_words(query):
        items = items.filter(name__icontains=word)
    own_first = F("owner").asc(nulls_last=True)
    return list(items.order_by(own_first, "name", "pk").prefetch_related("portions")[:limit])


def item_json(item):
    """What the search box needs of one item (the `tracker:item_search` endpoint)."""
    return {
        "id": item.pk,
        "name": item.name,
        "kind": item.kind,
        "brand": item.brand,
        "own": item.owner_id is not None,
        "portions": [
            {
                "id": portion.pk,
                "label": portion.label,
                "grams": None if portion.grams is None else float(portion.grams),
                "units": None if portion.units is None else float(portion.units),
            }
            for portion in item.portions.all()
        ],
    }


def rounds_to_zero(entry):
    """Whether an amount of `entry` is so small that its database column would store 0.

    The check constraints refuse such a row; the form says so instead of failing at save.
    """
    for name in ("quantity", "basis_factor", "dose_amount"):
        value = getattr(entry, name)
        if value is not None:
            places = Entry._meta.get_field(name).decimal_places
            if value.quantize(Decimal(1).scaleb(-places)) <= 0:
                return True
    return False




class PortionSelect(forms.Select):
    """A portion select whose options say which item they belong to, so the script can filter them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_of = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        item_id = self.item_of.get(str(value))
        if item_id is not None:
            option["attrs"]["data-item"] = str(item_id)
        return option


class EntryForm(forms.Form):
    """What every entry form shares: the meal, an optional time, and turning the amount into an Entry."""

    meal = forms.ChoiceField(choices=Meal.choices)
    time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    # A new key in every form rendered to add an entry, so that the form sent twice logs it once
    # (tracker.entries.log_entry_once). Editing ignores it: an edit sent twice changes one row twice.
    idempotency_key = forms.UUIDField(
        required=False, widget=forms.HiddenInput,
        error_messages={"invalid": "This form was damaged on its way: open it again and fill it in once more."},
    )

    def __init__(self, *args, user, day, query="", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.day = day
        self.query = " ".join(search_words(query))
        self.entry = None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            entry = self.make_entry(cleaned, day=self.day, meal=cleaned["meal"], time=cleaned.get("time"))
        except ValidationError as error:
            self._add_entry_errors(error)
            return cleaned
        if rounds_to_zero(entry):
            field = AMOUNT_FIELDS.get(entry.quantity_unit, "dose_amount")
            self.add_error(field if field in self.fields else None, "That amount is too small to record.")
            return cleaned
        key = cleaned.get("idempotency_key")
        entry.idempotency_key = str(key) if key else ""
        self.entry = entry
        return cleaned

    def make_entry(self, data, **when):
        raise NotImplementedError

    def refuse_reused_key(self, logged):
        """Say that this form already logged `logged`, and give it a new key, so that sending it again logs it."""
        self.add_error(None, f"This form was already sent, and logged {logged.label}, {logged.quantity_label}, "
                             f"in {logged.get_meal_display()}. To log what it says now as well, add it again.")
        self.data = self.data.copy()
        self.data[self.add_prefix("idempotency_key")] = str(uuid.uuid4())

    def _add_entry_errors(self, error):
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class ItemEntryForm(EntryForm):
    """An amount of a food or supplement product found by a search, or of its portions."""

    kind = None  # Item.Kind this form logs
    item = forms.ModelChoiceField(queryset=Item.objects.none())
    count = forms.DecimalField(required=False, label="How many", widget=forms.NumberInput(
        attrs={"step": "any", "inputmode": "decimal"}))
    portion = forms.ModelChoiceField(queryset=Portion.objects.none(), required=False, widget=PortionSelect,
                                     empty_label="—")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Item.objects.visible_to(self.user).filter(kind=self.kind)
        self.fields["item"].queryset = visible
        self.fields["portion"].queryset = Portion.objects.filter(item__in=visible)
        self.items = self._items_to_list(visible)
        self._fill_selects()

    def _items_to_list(self, visible):
        """The search's results and the item already chosen (typed, picked by the script, or logged)."""
        items = matching_items(self.user, self.query, kind=self.kind)
        chosen = self.data.get(self.add_prefix("item")) if self.is_bound else self.initial.get("item")
        chosen = getattr(chosen, "pk", chosen)
        chosen = str(chosen)
        if chosen.isascii() and chosen.isdigit() and int(chosen) not in {item.pk for item in items}:
            items = [*visible.filter(pk=chosen).prefetch_related("portions"), *items]
        return items

    def _fill_selects(self):
        self.fields["item"].widget.choices = [("", self.item_empty_label)] + [
            (item.pk, f"{item} · yours" if item.owner_id else str(item)) for item in self.items
        ]
        portion_widget = self.fields["portion"].widget
        portion_widget.choices = [("", "—")] + [
            (item.name, [(portion.pk, str(portion)) for portion in item.portions.all()])
            for item in self.items
            if item.portions.all()
        ]
        portion_widget.item_of = {str(p.pk): item.pk for item in self.items for p in item.portions.all()}

    @classmethod
    def initial_from(cls, entry):
        initial = {"item": entry.item_id, "portion": entry.portion_id, "meal": entry.meal, "time": entry.time}
        initial[AMOUNT_FIELDS[entry.quantity_unit]] = plain(entry.quantity)
        return initial


class FoodEntryForm(ItemEntryForm):
    kind = Item.Kind.FOOD
    item_empty_label = "— choose a food —"
    grams = forms.DecimalField(required=False, widget=forms.NumberInput(
        attrs={"step": "any", "inputmode": "decimal"}))

    field_order = ["item", "grams", "count", "portion", "meal", "time"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].label = "Food"
        self.fields["item"].error_messages.update(
            required="Choose a food.", invalid_choice="Choose one of the catalog's foods or your own."
        )

    def make_entry(self, data, **when):
        grams, count, portion = data.get("grams"), data.get("count"), data.get("portion")
        if count is not None and portion is None:
            raise ValidationError({"portion": "Choose which portion you counted."})
        if grams is not None and count is None:
            portion = None  # a portion left selected beside typed grams is not a second amount
        return item_entry(user=self.user, item=data["item"], grams=grams, portion=portion, count=count, **when)


class SupplementEntryForm(ItemEntryForm):
    kind = Item.Kind.SUPPLEMENT
    item_empty_label = "— choose a product —"
    units = forms.DecimalField(required=False, label="Units (softgels, tablets, drops…)", widget=forms.NumberInput(
        attrs={"step": "any", "inputmode": "decimal"}))

    field_order = ["item", "units", "count", "portion", "meal", "time"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].label = "Supplement"
        self.fields["item"].error_messages.update(
            required="Choose a supplement.", invalid_choice="Choose one of the catalog's supplements or your own."
        )

    def make_entry(self, data, **when):
        units, count, portion = data.get("units"), data.get("count"), data.get("portion")
        if count is not None and portion is None:
            raise ValidationError({"portion": "Choose which portion you counted."})
        if units is not None and count is None:
            portion = None
        return item_entry(user=self.user, item=data["item"], units=units, portion=portion, count=count, **when)


class DoseEntryForm(EntryForm):
    """A free dose of one nutrient: vitamin D in IU or µg, K2 as MK-4 or MK-7 in µg, calcium in mg."""

    dose_nutrient = forms.ChoiceField(label="Nutrient", choices=DOSE_NUTRIENTS)
    dose_amount = forms.DecimalField(label="Amount", widget=forms.NumberInput(
        attrs={"step": "any", "inputmode": "decimal"}))
    dose_unit = forms.ChoiceField(label="Unit", choices=DOSE_UNIT_CHOICES)

    field_order = ["dose_nutrient", "dose_amount", "dose_unit", "meal", "time"]

    def make_entry(self, data, **when):
        return dose_entry(user=self.user, nutrient=data["dose_nutrient"], amount=data["dose_amount"],
                          unit=data["dose_unit"], **when)

    @classmethod
    def initial_from(cls, entry):
        return {"dose_nutrient": entry.dose_nutrient, "dose_amount": plain(entry.quantity),
                "dose_unit": entry.quantity_unit, "meal": entry.meal, "time": entry.time}


def form_class_for(entry):
    """The form that edits `entry`: the one it was logged with."""
    if entry.is_dose:
        return DoseEntryForm
    return SupplementEntryForm if entry.item.is_supplement else FoodEntryForm
