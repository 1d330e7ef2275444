from datetime import timedelta
from decimal import Decimal

import pytest

from tests.factories import make_item
from tests.tracker.factories import DAY, log_dose, log_item, make_d3_softgel, make_natto
from tracker.days import summarize_day
from tracker.models import GuidanceProfile, Profile

pytestmark = pytest.mark.django_db


def test_an_empty_day_has_no_target(alice):
    summary = summarize_day(alice, DAY)
    assert summary.totals.vitamin_d_iu == 0
    assert summary.guidance.status == "no_target"
    assert summary.warnings == []


def test_5000_iu_alone_is_below_a_100_to_200_ug_target(alice):
    log_item(alice, make_d3_softgel(), units=1)

    summary = summarize_day(alice, DAY)

    assert summary.totals.vitamin_d_iu == 5000
    assert (summary.guidance.target.min_ug, summary.guidance.target.max_ug) == (100, 200)
    assert summary.guidance.status == "below"


def test_20_g_of_natto_brings_5000_iu_within_target(alice):
    log_item(alice, make_d3_softgel(), units=1)
    log_item(alice, make_natto(), grams=20, meal="breakfast")

    summary = summarize_day(alice, DAY)

    assert summary.totals.k2_mk7_equivalent_ug() == Decimal("187.8")
    assert summary.guidance.status == "within"


def test_mk4_counts_a_tenth_towards_the_target(alice):
    log_dose(alice, "k2_mk4_ug", 1000, "ug")
    summary = summarize_day(alice, DAY)
    assert summary.totals.k2_total_ug == 1000
    assert summary.guidance.k2_equivalent_ug == 100


def test_the_profile_factor_is_data(alice):
    GuidanceProfile.objects.filter(slug="clinical-table").update(mk4_per_mk7_equivalent=5)
    log_dose(alice, "k2_mk4_ug", 1000, "ug")
    assert summarize_day(alice, DAY).guidance.k2_equivalent_ug == 200


def test_it_counts_the_items_with_no_k2_data(alice):
    natto = make_natto()
    bread = make_item("Bread", values={"fat_g": 3})
    apple = make_item("Apple")
    for item in (natto, bread, apple):
        log_item(alice, item, grams=100)

    totals = summarize_day(alice, DAY).totals

    assert totals.items == 3
    assert totals.missing_k2() == 2
    assert totals.missing("fat_g") == 1
    assert totals["k2_mk7_ug"] == Decimal("939")


def test_unknown_is_not_counted_as_zero_but_zero_is_known(alice):
    log_item(alice, make_item("Water", values={"k2_mk7_ug": 0}), grams=250)
    assert summarize_day(alice, DAY).totals.missing_k2() == 0


def test_a_dose_adds_to_totals_without_counting_as_an_item(alice):
    log_dose(alice, "vitamin_d_ug", 50, "ug")
    totals = summarize_day(alice, DAY).totals
    assert (totals.vitamin_d_iu, totals.items) == (2000, 0)


def test_totals_are_split_by_meal(alice):
    natto = make_natto()
    log_item(alice, natto, grams=10, meal="breakfast")
    log_item(alice, natto, grams=30, meal="dinner")

    meals = {meal.meal: meal.totals["k2_mk7_ug"] for meal in summarize_day(alice, DAY).meals}

    assert meals == {"breakfast": Decimal("93.9"), "lunch": 0, "dinner": Decimal("281.7"), "snack": 0}


def test_each_entry_says_what_it_gave(alice):
    log_item(alice, make_natto(), portion=None, grams=50)
    [entry] = summarize_day(alice, DAY).entries
    assert entry.nutrient_amounts()["k2_mk7_ug"] == Decimal("469.5")
    assert entry.nutrient_amounts()["vitamin_d_ug"] is None


def test_a_portion_scales_the_entry(alice):
    natto = make_natto()
    log_item(alice, natto, portion=natto.portions.get(), count=2)
    assert summarize_day(alice, DAY).totals["k2_mk7_ug"] == Decimal("1596.3")


def test_other_users_entries_do_not_count(alice, bob):
    log_item(bob, make_d3_softgel(), units=1)
    assert summarize_day(alice, DAY).totals.vitamin_d_iu == 0


def test_a_weekly_50000_iu_dose_averages_over_seven_days(alice):
    log_dose(alice, "vitamin_d_ug", 50000, "IU", day=DAY - timedelta(days=3))

    summary = summarize_day(alice, DAY)

    assert summary.totals.vitamin_d_iu == 0
    assert round(summary.week.averages.vitamin_d_iu, 6) == round(Decimal(50000) / 7, 6)
    assert summary.week.guidance.status == "below"
    assert summary.week.guidance.target.min_ug == 200


def test_the_week_ignores_entries_older_than_seven_days(alice):
    log_dose(alice, "vitamin_d_ug", 7000, "IU", day=DAY - timedelta(days=7))
    assert summarize_day(alice, DAY).week.averages.vitamin_d_iu == 0


def test_warfarin_users_are_warned_about_a_k2_supplement(alice):
    Profile.objects.for_user(alice)
    Profile.objects.filter(user=alice).update(takes_warfarin=True)
    log_dose(alice, "k2_mk7_ug", 100, "ug")
    assert "warfarin" in [w.code for w in summarize_day(alice, DAY).warnings]


def test_a_d3_softgel_without_fat_in_that_meal_is_flagged(alice):
    log_item(alice, make_d3_softgel(), units=1, meal="breakfast")
    log_item(alice, make_natto(), grams=100, meal="dinner")

    [warning] = [w for w in summarize_day(alice, DAY).warnings if w.code == "no_fat_with_supplement"]

    assert "Breakfast" in warning.message and "Dinner" not in warning.message


def test_a_d3_softgel_with_a_fatty_meal_is_not_flagged(alice):
    log_item(alice, make_d3_softgel(), units=1, meal="breakfast")
    log_item(alice, make_natto(), grams=50, meal="breakfast")  # 5.5 g fat
    assert "no_fat_with_supplement" not in [w.code for w in summarize_day(alice, DAY).warnings]


def test_calcium_from_food_does_not_count_as_a_supplement_load(alice):
    log_item(alice, make_item("Cheese", values={"calcium_mg": 700}), grams=300)
    assert "calcium_load" not in [w.code for w in summarize_day(alice, DAY).warnings]
    log_dose(alice, "calcium_mg", 1500, "mg")
    assert "calcium_load" in [w.code for w in summarize_day(alice, DAY).warnings]


def test_the_day_costs_the_same_queries_for_1_and_60_entries(alice, django_assert_num_queries):
    natto = make_natto()
    log_item(alice, natto, grams=20)
    Profile.objects.for_user(alice)
    with django_assert_num_queries(12) as one:
        summarize_day(alice, DAY)
    for _ in range(59):
        log_item(alice, natto, grams=20)
    with django_assert_num_queries(len(one.captured_queries)):
        summary = summarize_day(alice, DAY)
    assert len(summary.entries) == 60


def test_items_reporting_different_k2_forms_all_have_k2_data(alice):
    log_item(alice, make_natto(), grams=100)
    log_item(alice, make_item("Butter", values={"k2_mk4_ug": 15}), grams=10)
    log_item(alice, make_item("Apple"), grams=100)

    totals = summarize_day(alice, DAY).totals

    assert (totals.items, totals.missing_k2()) == (3, 1)
