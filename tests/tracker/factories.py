"""Builders for intake-log tests: a few catalog items and a way to log them."""

from datetime import date

from tests.factories import make_item, make_source
from tracker.entries import dose_entry, item_entry

DAY = date(2026, 11, 20)


def make_natto():
    return make_item(
        "Natto",
        values={"k2_mk7_ug": 939, "fat_g": 11, "protein_g": "19.4", "carbohydrate_g": "12.7", "energy_kcal": 212},
        portions={"1 serving (3 oz)": 85},
    )


def make_d3_softgel(iu=5000):
    return make_item(
        f"Vitamin D3 {iu:,} IU",
        kind="supplement",
        values={"vitamin_d_ug": iu / 40},
        source=make_source(key="label", kind="product_label", citation="Generic label"),
        portions={"1 softgel": 1},
    )


def log_item(user, item, *, day=DAY, meal="breakfast", **amount):
    entry = item_entry(user=user, item=item, day=day, meal=meal, **amount)
    entry.save()
    return entry


def log_dose(user, nutrient, amount, unit, *, day=DAY, meal="breakfast"):
    entry = dose_entry(user=user, nutrient=nutrient, amount=amount, unit=unit, day=day, meal=meal)
    entry.save()
    return entry
