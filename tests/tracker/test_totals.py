from decimal import Decimal

import pytest

from tracker.totals import NutrientTotals


@pytest.mark.parametrize("totals, codes, unknown", [
    (NutrientTotals(), ["k2_mk7_ug"], False),  # nothing logged: zero, not unknown
    (NutrientTotals({"vitamin_d_ug": Decimal(125)}), ["k2_mk7_ug"], False),  # free doses alone know the rest is 0
    (NutrientTotals({}, items=2), ["k2_mk7_ug"], True),
    (NutrientTotals({"k2_mk4_ug": Decimal(5)}, items=2, reported={"k2_mk4_ug": 1}), ["k2_mk7_ug"], True),
    (NutrientTotals({"k2_mk4_ug": Decimal(5)}, items=2, reported={"k2_mk4_ug": 1}),
     ["k2_mk4_ug", "k2_mk7_ug"], False),
    (NutrientTotals({"k2_mk7_ug": Decimal(0)}, items=1, reported={"k2_mk7_ug": 1}), ["k2_mk7_ug"], False),
])
def test_a_total_is_unknown_only_when_items_were_logged_and_none_has_a_value(totals, codes, unknown):
    assert totals.is_unknown(*codes) is unknown


def test_adding_totals_adds_amounts_items_and_reports():
    natto = NutrientTotals({"k2_mk7_ug": Decimal(10)}, items=1, reported={"k2_mk7_ug": 1}, reported_k2=1)
    egg = NutrientTotals({"k2_mk4_ug": Decimal(2)}, items=1, reported={"k2_mk4_ug": 1}, reported_k2=1)

    both = natto + egg

    assert (both["k2_mk7_ug"], both["k2_mk4_ug"], both.items, both.missing("k2_mk7_ug"), both.missing_k2()) == (
        10, 2, 2, 1, 0)
