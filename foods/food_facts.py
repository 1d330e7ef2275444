"""
What a food page shows: every tracked nutrient with its source, or "not measured"; K2 as a raw
total and as MK-7 equivalent; and what each portion holds.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from foods import nutrients
from foods.models import Item, NutrientValue, Portion


def items_for_food_page(user):
    """Items `user` may open, with everything the page reads fetched in a fixed number of queries."""
    return (
        Item.objects.visible_to(user)
        .select_related("category")
        .prefetch_related(
            Prefetch("nutrient_values", queryset=NutrientValue.objects.select_related("source")),
            Prefetch("portions", queryset=Portion.objects.select_related("source")),
        )
    )


@dataclass(frozen=True)
class NutrientRow:
    nutrient: nutrients.Nutrient
    value: NutrientValue | None

    @property
    def amount(self):
        return None if self.value is None else self.value.amount


@dataclass(frozen=True)
class PortionRow:
    portion: Portion
    k2_mk7_equivalent_ug: Decimal | None
    vitamin_d_ug: Decimal | None


@dataclass(frozen=True)
class FoodFacts:
    nutrient_rows: list[NutrientRow]
    k2_total_ug: Decimal | None
    k2_mk7_equivalent_ug: Decimal | None
    vitamin_d_ug: Decimal | None
    portion_rows: list[PortionRow]
    energy_mismatch: str | None


def food_facts(item):
    values = {value.nutrient: value for value in item.nutrient_values.all()}
    rows = [NutrientRow(nutrient, values.get(nutrient.code)) for nutrient in nutrients.NUTRIENTS]
    amounts = {row.nutrient.code: row.amount for row in rows}
    k2_forms = [amounts[form.code] for form in (nutrients.K2_MK4, nutrients.K2_MK7, nutrients.K2_OTHER)]
    k2_equivalent = nutrients.k2_mk7_equivalent_ug(*k2_forms)
    vitamin_d = amounts[nutrients.VITAMIN_D.code]
    return FoodFacts(
        nutrient_rows=rows,
        # Counting MK-4 one for one turns the equivalent into the plain sum of the forms.
        k2_total_ug=nutrients.k2_mk7_equivalent_ug(*k2_forms, mk4_per_mk7=Decimal(1)),
        k2_mk7_equivalent_ug=k2_equivalent,
        vitamin_d_ug=vitamin_d,
        portion_rows=[
            PortionRow(portion, amount_in_portion(k2_equivalent, portion), amount_in_portion(vitamin_d, portion))
            for portion in item.portions.all()
        ],
        energy_mismatch=item.energy_mismatch(),
    )


def amount_in_portion(amount, portion):
    """How much of a per-basis amount `portion` holds; None when the amount or the portion is unknown."""
    if amount is None or portion is None:
        return None
    return amount * portion.basis_factor()
