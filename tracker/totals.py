"""
Nutrient totals over logged entries, summed by the database, wrapped in a small value object that
keeps "unknown" apart from zero: a total knows how many of its items report each nutrient.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Sum

from foods import nutrients
from foods.models import Item, NutrientValue
from foods.units import vitamin_d_ug_to_iu

SUPPLEMENT = Item.Kind.SUPPLEMENT
FOOD = Item.Kind.FOOD
ZERO = Decimal(0)


@dataclass(frozen=True)
class NutrientTotals:
    """Sums of each nutrient, and for how many logged items each one is known.

    `items` counts logged catalog or own items; free doses add to `amounts` only, as they say
    nothing about the other nutrients.
    """

    amounts: dict = field(default_factory=dict)
    items: int = 0
    reported: dict = field(default_factory=dict)
    reported_k2: int = 0  # items that report at least one K2 form

    def __add__(self, other):
        amounts, reported = dict(self.amounts), dict(self.reported)
        for code, amount in other.amounts.items():
            amounts[code] = amounts.get(code, ZERO) + amount
        for code, count in other.reported.items():
            reported[code] = reported.get(code, 0) + count
        return NutrientTotals(amounts, self.items + other.items, reported, self.reported_k2 + other.reported_k2)

    def __getitem__(self, code):
        return self.amounts.get(code, ZERO)

    def missing(self, code):
        """How many of the logged items have no value for this nutrient."""
        return self.items - self.reported.get(code, 0)

    def missing_k2(self):
        """How many logged items report none of the K2 forms (natto's MK-7 alone is K2 data)."""
        return self.items - self.reported_k2

    @property
    def vitamin_d_iu(self):
        return vitamin_d_ug_to_iu(self[nutrients.VITAMIN_D.code])

    @property
    def k2_total_ug(self):
        return sum((self[form.code] for form in nutrients.K2_FORMS), ZERO)

    def k2_mk7_equivalent_ug(self, mk4_per_mk7=nutrients.DEFAULT_MK4_PER_MK7_EQUIVALENT):
        return nutrients.k2_mk7_equivalent_ug(
            self[nutrients.K2_MK4.code], self[nutrients.K2_MK7.code], self[nutrients.K2_OTHER.code], mk4_per_mk7
        )

    @property
    def vitamin_k_ug(self):
        return self.k2_total_ug + self[nutrients.K1.code]

    def divided_by(self, days):
        averages = {code: amount / days for code, amount in self.amounts.items()}
        return NutrientTotals(averages, self.items, self.reported, self.reported_k2)


def totals_by(entries, *fields):
    """Sum `entries` grouped by the Entry `fields` given and by kind (food or supplement).

    Returns {(*field values, kind): NutrientTotals}. Three queries, whatever the number of entries.
    """
    items = entries.filter(item__isnull=False)
    groups = defaultdict(NutrientTotals)
    amounts = defaultdict(dict)
    reported = defaultdict(dict)
    counted, counted_with_k2 = {}, {}

    reports_k2 = Exists(
        NutrientValue.objects.filter(item=OuterRef("item"), nutrient__in=[form.code for form in nutrients.K2_FORMS])
    )
    item_counts = items.values(*fields, kind=F("item__kind")).annotate(
        n=Count("id"), with_k2=Count("id", filter=Q(reports_k2))
    )
    for row in item_counts:
        counted[_key(row, fields)] = row["n"]
        counted_with_k2[_key(row, fields)] = row["with_k2"]

    value_rows = (
        items.filter(item__nutrient_values__isnull=False)
        .values(*fields, kind=F("item__kind"), nutrient=F("item__nutrient_values__nutrient"))
        .annotate(
            amount=Sum(F("item__nutrient_values__amount") * F("basis_factor"), output_field=DecimalField()),
            n=Count("id"),
        )
    )
    for row in value_rows:
        key = _key(row, fields)
        amounts[key][row["nutrient"]] = Decimal(row["amount"])
        reported[key][row["nutrient"]] = row["n"]

    doses = entries.filter(item=None).values(*fields, "dose_nutrient").annotate(amount=Sum("dose_amount"))
    for row in doses:
        key = (*(row[f] for f in fields), SUPPLEMENT)
        code = row["dose_nutrient"]
        amounts[key][code] = amounts[key].get(code, ZERO) + Decimal(row["amount"])

    for key in set(counted) | set(amounts):
        groups[key] = NutrientTotals(
            amounts.get(key, {}), counted.get(key, 0), reported.get(key, {}), counted_with_k2.get(key, 0)
        )
    return dict(groups)


def _key(row, fields):
    return (*(row[f] for f in fields), row["kind"])


def combine(groups, where=lambda key: True):
    """Add up the totals of the groups whose key passes `where`."""
    return sum((totals for key, totals in groups.items() if where(key)), NutrientTotals())
