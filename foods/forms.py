"""
Admin forms for the food catalog: a nutrient value that may be typed in IU (vitamin D only), portions
checked against their item's kind, and the nutrient-value inline with one row per nutrient.
"""

from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from foods import nutrients
from foods.models import NutrientValue, Portion
from foods.units import plain, vitamin_d_iu_to_ug

ENTERED_IN_NUTRIENT_UNIT = ""
ENTERED_IN_IU = "iu"

# NutrientValue.amount keeps four decimal places; a converted IU figure is rounded to them.
AMOUNT_QUANTUM = Decimal("0.0001")


class NutrientValueForm(forms.ModelForm):
    entered_in = forms.ChoiceField(
        label="Entered in",
        choices=[(ENTERED_IN_NUTRIENT_UNIT, "its unit"), (ENTERED_IN_IU, "IU (vitamin D only)")],
        required=False,
        help_text="Vitamin D may be typed in IU; it is stored in µg (1 µg = 40 IU).",
    )

    class Meta:
        model = NutrientValue
        fields = ["item", "nutrient", "amount", "entered_in", "source", "note"]
        widgets = {"note": forms.TextInput(attrs={"size": 30})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.amount is not None:
            # A Decimal, not text: the formset compares it with the posted amount to see what changed.
            self.initial["amount"] = Decimal(plain(self.instance.amount))

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount < 0:
            raise ValidationError("An amount cannot be negative.")
        return amount

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("entered_in") != ENTERED_IN_IU:
            return cleaned_data
        code = cleaned_data.get("nutrient")
        if code and code != nutrients.VITAMIN_D.code:
            nutrient = nutrients.BY_CODE[code]
            self.add_error(
                "entered_in", f"Only vitamin D can be entered in IU; enter {nutrient.label} in {nutrient.unit}."
            )
        elif cleaned_data.get("amount") is not None:
            cleaned_data["amount"] = vitamin_d_iu_to_ug(cleaned_data["amount"]).quantize(
                AMOUNT_QUANTUM, rounding=ROUND_HALF_UP
            )
        return cleaned_data


class NutrientValueInlineFormSet(BaseInlineFormSet):
    """Every stored value, then an empty row for each nutrient the item has no value for yet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = {value.nutrient for value in self.get_queryset()}
        self.initial_extra = [{"nutrient": n.code} for n in nutrients.NUTRIENTS if n.code not in stored]

    def clean(self):
        # Checked before the generic unique check, so the second row of a nutrient is marked with a
        # plain message (and, being invalid, is left out of that check's vaguer one).
        seen = set()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            code = form.cleaned_data.get("nutrient")
            if code in seen:
                label = nutrients.BY_CODE[code].label
                form.add_error("nutrient", f"{label} is entered twice; keep one value per nutrient.")
            elif code:
                seen.add(code)
        super().clean()


class PortionForm(forms.ModelForm):
    class Meta:
        model = Portion
        fields = ["item", "label", "grams", "units", "position", "source"]

    def clean_grams(self):
        return _positive_quantity(self.cleaned_data["grams"], "A portion must weigh more than 0 g.")

    def clean_units(self):
        return _positive_quantity(self.cleaned_data["units"], "A portion must hold more than 0 units.")

    def _post_clean(self):
        super()._post_clean()
        item = self.cleaned_data.get("item")
        if item is not None and item.pk is None and not self.has_error("grams") and not self.has_error("units"):
            # Portion.clean() skips a portion whose item has no id yet, as on the admin's add page.
            # Run the same rule against the new item, so a new food cannot get a portion in units.
            stand_in = SimpleNamespace(
                item_id="new", item=item, grams=self.instance.grams, units=self.instance.units
            )
            try:
                Portion.clean(stand_in)
            except ValidationError as error:
                self._update_errors(error)




def _positive_quantity(value, message):
    if value is not None and value <= 0:
        raise ValidationError(message)
    return value
