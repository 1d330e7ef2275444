"""
The form for a user's own food or supplement product: what its label says, per 100 g or per unit.

Every nutrient of `foods.nutrients.NUTRIENTS` gets a field; an empty one means "not on the label" and
stays unknown. Amounts are checked by the validators of `NutrientValue.amount` and `Portion.grams` /
`Portion.units`, so the form and the database agree on what is too much.
"""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError

from foods import nutrients
from foods.models import Item, NutrientValue, Portion
from foods.units import plain, vitamin_d_iu_to_ug, vitamin_d_ug_to_iu

PORTION_ROWS = 3
VITAMIN_D_IN_IU = "IU"
VITAMIN_D_IN_UG = "ug"
# NutrientValue.amount keeps four decimal places; a figure converted from IU is rounded to them.
AMOUNT_QUANTUM = Decimal("0.0001")
# A food's values are per 100 g, so no nutrient weighed in grams can exceed 100 g of it.
FOOD_BASIS_GRAMS = Decimal(100)
NUTRIENTS_IN_GRAMS = [n for n in nutrients.NUTRIENTS if n.unit == "g"]

AMOUNT_VALIDATORS = NutrientValue._meta.get_field("amount").validators
PORTION_VALIDATORS = {
    Item.Kind.FOOD: Portion._meta.get_field("grams").validators,
    Item.Kind.SUPPLEMENT: Portion._meta.get_field("units").validators,
}


class OwnItemForm(forms.ModelForm):
    vitamin_d_unit = forms.ChoiceField(
        label="Vitamin D unit",
        choices=[(VITAMIN_D_IN_IU, "IU"), (VITAMIN_D_IN_UG, "µg")],
        initial=VITAMIN_D_IN_IU,
        help_text="Labels give vitamin D in IU or µg; it is stored in µg (1 µg = 40 IU).",
    )

    class Meta:
        model = Item
        fields = ["name", "brand", "kind", "category"]
        labels = {"kind": "This is a"}
        widgets = {"kind": forms.RadioSelect}
        help_texts = {
            "kind": "A food's label values are per 100 g; a supplement's are per unit (one softgel, one drop).",
        }

    def __init__(self, *args, kind_locked=False, portion_rows=PORTION_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_locked = kind_locked
        self.fields["kind"].choices = [
            (Item.Kind.FOOD, "Food (values per 100 g)"),
            (Item.Kind.SUPPLEMENT, "Supplement product (values per unit)"),
        ]
        for nutrient in nutrients.NUTRIENTS:
            self.fields[nutrient.code] = _amount_field(nutrient)
        # An item given more portions elsewhere (the admin) shows them all, so saving loses none.
        stored_portions = list(self.instance.portions.all()) if self.instance.pk else []
        self.portion_row_count = max(portion_rows, len(stored_portions))
        for row in range(1, self.portion_row_count + 1):
            self.fields[f"portion_{row}_label"] = forms.CharField(
                label=f"Portion {row}", max_length=120, required=False,
                widget=forms.TextInput(attrs={"placeholder": "e.g. 1 bar, 1 softgel" if row == 1 else ""}),
            )
            self.fields[f"portion_{row}_amount"] = forms.DecimalField(
                label=f"Portion {row}: grams or units", required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
        if self.instance.pk:
            self.initial.update(_initial_for(self.instance, stored_portions))

    @property
    def nutrient_fields(self):
        return [self[nutrient.code] for nutrient in nutrients.NUTRIENTS]

    @property
    def portion_rows(self):
        rows = range(1, self.portion_row_count + 1)
        return [(self[f"portion_{row}_label"], self[f"portion_{row}_amount"]) for row in rows]

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        if self.kind_locked and kind != self.instance.kind:
            # Logged amounts were counted per 100 g or per unit of this kind; switching would rescale them.
            raise ValidationError(
                "This item is in your log, so it cannot change between food and supplement. "
                "Make a new item instead."
            )
        return kind

    def clean(self):
        cleaned_data = super().clean()
        self._clean_vitamin_d()
        kind = cleaned_data.get("kind")
        if kind == Item.Kind.FOOD:
            self._clean_food_masses()
        if kind in PORTION_VALIDATORS:
            self._clean_portions(kind)
        return cleaned_data

    def _clean_vitamin_d(self):
        code = nutrients.VITAMIN_D.code
        typed = self.cleaned_data.get(code)
        if typed is None:
            return
        if self.cleaned_data.get("vitamin_d_unit") == VITAMIN_D_IN_IU:
            amount = vitamin_d_iu_to_ug(typed).quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)
        else:
            amount = typed
        try:
            for validator in AMOUNT_VALIDATORS:
                validator(amount)
        except ValidationError as error:
            self.add_error(code, _in_stored_unit(error, amount))
            return
        self.cleaned_data[code] = amount

    def _clean_food_masses(self):
        for nutrient in NUTRIENTS_IN_GRAMS:
            amount = self.cleaned_data.get(nutrient.code)
            if amount is not None and amount > FOOD_BASIS_GRAMS:
                self.add_error(
                    nutrient.code,
                    f"100 g of a food cannot hold more than 100 g of {nutrient.label.lower()}.",
                )

    def _clean_portions(self, kind):
        what = "weight in grams" if kind == Item.Kind.FOOD else "number of units"
        seen = set()
        for row in range(1, self.portion_row_count + 1):
            label_name, amount_name = f"portion_{row}_label", f"portion_{row}_amount"
            if self.has_error(label_name) or self.has_error(amount_name):
                continue
            label, amount = self.cleaned_data.get(label_name), self.cleaned_data.get(amount_name)
            if not label and amount is None:
                continue
            if not label:
                self.add_error(label_name, "Name this portion, e.g. “1 bar” or “1 softgel”.")
            if amount is None:
                self.add_error(amount_name, f"Give this portion's {what}.")
            elif amount <= 0:
                self.add_error(amount_name, f"The {what} must be more than zero.")
            else:
                try:
                    for validator in PORTION_VALIDATORS[kind]:
                        validator(amount)
                except ValidationError as error:
                    self.add_error(amount_name, error)
            if label and label.casefold() in seen:
                self.add_error(label_name, f"Another portion is already called “{label}”.")
            elif label:
                seen.add(label.casefold())

    def nutrient_amounts(self):
        """{code: amount in the nutrient's stored unit, or None when not on the label}."""
        return {nutrient.code: self.cleaned_data.get(nutrient.code) for nutrient in nutrients.NUTRIENTS}

    def portions(self):
        """[(label, grams or units)] in the order typed; the first is the typical portion."""
        rows = [
            (self.cleaned_data.get(f"portion_{row}_label"), self.cleaned_data.get(f"portion_{row}_amount"))
            for row in range(1, self.portion_row_count + 1)
        ]
        return [(label, amount) for label, amount in rows if label]


def _amount_field(nutrient):
    is_vitamin_d = nutrient == nutrients.VITAMIN_D
    help_text = " ".join(filter(None, [nutrient.help_text, "Empty: not on the label, so unknown (not zero)."]))
    field = forms.DecimalField(
        label=nutrient.label if is_vitamin_d else f"{nutrient.label} ({nutrient.unit})",
        required=False,
        min_value=0 if is_vitamin_d else None,
        max_digits=14 if is_vitamin_d else None,
        decimal_places=4 if is_vitamin_d else None,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    if not is_vitamin_d:
        # Checked in the typed unit here; vitamin D is checked once converted to µg (see _clean_vitamin_d).
        field.validators.extend(AMOUNT_VALIDATORS)
    return field


def _in_stored_unit(error, amount_ug):
    return ValidationError(f"That is {amount_ug.normalize():,f} µg. {' '.join(error.messages)}")


def _initial_for(item, portions):
    """What an edit form shows: the stored values (vitamin D in IU, the unit selected first) and portions."""
    initial = {}
    for value in item.nutrient_values.all():
        if value.nutrient == nutrients.VITAMIN_D.code:
            initial[value.nutrient] = plain(vitamin_d_ug_to_iu(value.amount))
        else:
            initial[value.nutrient] = plain(value.amount)
    for row, portion in enumerate(portions, start=1):
        quantity = portion.units if item.is_supplement else portion.grams
        initial[f"portion_{row}_label"] = portion.label
        initial[f"portion_{row}_amount"] = "" if quantity is None else plain(quantity)
    return initial
