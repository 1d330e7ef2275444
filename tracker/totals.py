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

    @classmethod
    def sum_of(cls, many):
        """All of `many` added up in one pass, rather than a new NutrientTotals for each addition."""
        amounts, reported, items, reported_k2 = {}, {}, 0, 0
        for totals in many:
            for code, amount in totals.amounts.items():
                amounts[code] = amounts.get(code, ZERO) + amount
            for code, count in totals.reported.items():
                reported[code] = reported.get(code, 0) + count
            items += totals.items
            reported_k2 += totals.reported_k2
        return cls(amounts, items, reported, reported_k2)

    def __add__(self, other):
        return NutrientTotals.sum_of((self, other))

    def __getitem__(self, code):
        return self.amounts.get(code, ZERO)

    def missing(self, code):
        """How many of the logged items have no value for this nutrient."""
        return self.items - self.reported.get(code, 0)

    def is_unknown(self, *codes):
        """Whether items were logged and none of them has a value for any of `codes`: unknown, not zero.

        A day of free doses alone knows it had none of the rest.
        """
        return bool(self.items) and not any(code in self.amounts for code in codes)

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
    # Rows as tuples, not dicts: over a year of entries, a dict for each row took a third of the time.
    item_counts = (
        items.values(*fields, kind=F("item__kind"))
        .annotate(n=Count("id"), with_k2=Count("id", filter=Q(reports_k2)))
        .values_list(*fields, "kind", "n", "with_k2")
    )
    for *key, count, count_with_k2 in item_counts:
        group = tuple(key)
        counted[group] = count
        counted_with_k2[group] = count_with_k2

    value_rows = (
        items.filter(item__nutrient_values__isnull=False)
        .values(*fields, kind=F("item__kind"), nutrient=F("item__nutrient_values__nutrient"))
        .annotate(
            amount=Sum(F("item__nutrient_values__amount") * F("basis_factor"), output_field=DecimalField()),
            n=Count("id"),
        )
        .values_list(*fields, "kind", "nutrient", "amount", "n")
    )
    for *key, nutrient, amount, count in value_rows:
        group = tuple(key)
        amounts[group][nutrient] = Decimal(amount)
        reported[group][nutrient] = count

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


def combine(groups, where=lambda key: True):
    """Add up the totals of the groups whose key passes `where`."""
    return NutrientTotals.sum_of(totals for key, totals in groups.items() if where(key))
