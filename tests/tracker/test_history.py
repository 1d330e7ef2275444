from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import translation
from django.utils.dateformat import format as format_date
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_item, make_source
from tests.tracker.factories import DAY, log_dose, log_item, make_d3_softgel, make_natto
from tracker.days import summarize_day
from tracker.history import day_history, day_labeller, days_between, summarize_history
from tracker.models import GuidanceProfile, Meal, Profile

pytestmark = pytest.mark.django_db


def history_of(user, first_day, last_day=DAY):
    return {day.day: day for day in day_history(user, first_day, last_day)}


# One day per day


def test_it_gives_every_day_of_the_range_in_order_logged_or_not(alice):
    log_dose(alice, "vitamin_d_ug", 1000, "IU", day=DAY - timedelta(days=2))

    history = day_history(alice, DAY - timedelta(days=4), DAY)

    assert [day.day for day in history] == days_between(DAY - timedelta(days=4), DAY)
    assert [day.entry_count for day in history] == [0, 0, 1, 0, 0]
    assert [day.vitamin_d_iu for day in history] == [0, 0, 1000, 0, 0]


def test_a_range_of_one_day_gives_that_day(alice):
    log_item(alice, make_d3_softgel(), units=1)
    [day] = day_history(alice, DAY, DAY)
    assert (day.day, day.vitamin_d_iu, day.status) == (DAY, 5000, "below")


def test_it_counts_every_entry_of_a_day_doses_included(alice):
    natto = make_natto()
    log_item(alice, natto, grams=20)
    log_item(alice, natto, grams=30, meal="dinner")
    log_dose(alice, "k2_mk7_ug", 100, "ug")
    log_dose(alice, "k2_mk7_ug", 100, "ug", meal="dinner")

    assert history_of(alice, DAY)[DAY].entry_count == 4


def test_the_day_totals_and_guidance_are_the_day_pages(alice):
    log_item(alice, make_d3_softgel(), units=1)
    log_item(alice, make_natto(), grams=20)

    day = history_of(alice, DAY)[DAY]

    assert day.totals["k2_mk7_ug"] == Decimal("187.8")
    assert (day.vitamin_d_iu, day.k2_equivalent_ug) == (5000, Decimal("187.8"))
    assert (day.guidance.target.min_ug, day.guidance.target.max_ug, day.status) == (100, 200, "within")


def test_other_users_entries_never_count(alice, bob):
    log_item(bob, make_d3_softgel(), units=1)
    day = history_of(alice, DAY)[DAY]
    assert (day.vitamin_d_iu, day.entry_count, day.week_vitamin_d_iu_avg) == (0, 0, 0)


def test_it_follows_the_users_guidance_profile(alice):
    Profile.objects.for_user(alice)
    Profile.objects.filter(user=alice).update(guidance_profile=GuidanceProfile.objects.get(slug="ratio-per-1000-iu"))
    log_dose(alice, "vitamin_d_ug", 2000, "IU")

    assert history_of(alice, DAY)[DAY].guidance.target.min_ug == 200


# The 7-day averages


def test_a_weekly_dose_counts_a_seventh_for_each_of_the_seven_days_from_it(alice):
    log_dose(alice, "vitamin_d_ug", 50000, "IU", day=DAY - timedelta(days=8))

    history = history_of(alice, DAY - timedelta(days=10))

    a_seventh = round(Decimal(50000) / 7, 6)
    expected = {DAY - timedelta(days=back): a_seventh if 2 <= back <= 8 else 0 for back in range(11)}
    assert {day: round(history[day].week_vitamin_d_iu_avg, 6) for day in history} == expected
    assert history[DAY - timedelta(days=8)].week_guidance.target.min_ug == 200


def test_the_average_of_the_first_day_reaches_back_a_week_before_the_range(alice):
    log_dose(alice, "k2_mk7_ug", 700, "ug", day=DAY - timedelta(days=6))
    log_dose(alice, "k2_mk7_ug", 7000, "ug", day=DAY - timedelta(days=7))

    [day] = day_history(alice, DAY, DAY)

    assert (day.k2_equivalent_ug, day.week_k2_equivalent_ug_avg) == (0, 100)


def test_each_weeks_averages_over_a_long_range_are_the_day_pages_to_the_last_digit(alice):
    # Awkward decimals every few days over two months: the averages run from day to day along the range.
    cheese = make_item("Gouda", values={"vitamin_d_ug": "0.2468", "k2_mk4_ug": "7.6543", "k2_mk7_ug": "13.5791"})
    softgel = make_d3_softgel(iu=2000)
    for back in range(0, 66, 3):
        log_item(alice, cheese, grams=Decimal("28.349") + back, day=DAY - timedelta(days=back))
        log_dose(alice, "k2_mk7_ug", Decimal("33.333") * (back % 5 + 1), "ug", day=DAY - timedelta(days=back + 1))
    for back in range(0, 66, 7):
        log_item(alice, softgel, units=Decimal("1.5"), day=DAY - timedelta(days=back + 2), meal="dinner")

    history = day_history(alice, DAY - timedelta(days=59), DAY)

    for day in history:
        week = summarize_day(alice, day.day).week
        assert (day.week_vitamin_d_iu_avg, day.week_guidance) == (week.averages.vitamin_d_iu, week.guidance)


# Warnings


def test_it_gives_each_days_warnings(alice):
    log_dose(alice, "vitamin_d_ug", 6000, "IU", day=DAY - timedelta(days=1))
    history = history_of(alice, DAY - timedelta(days=1))
    assert [w.code for w in history[DAY - timedelta(days=1)].warnings] == ["high_vitamin_d", "no_fat_with_supplement"]
    assert history[DAY].warnings == []


def test_warnings_of_the_health_flags_alone_are_not_warnings_about_what_was_logged(alice):
    Profile.objects.for_user(alice)
    Profile.objects.filter(user=alice).update(pregnant=True, takes_warfarin=True)
    log_dose(alice, "k2_mk7_ug", 100, "ug")

    history = history_of(alice, DAY - timedelta(days=1))

    assert [w.code for w in history[DAY].warnings] == ["warfarin", "pregnancy", "no_fat_with_supplement"]
    assert [w.code for w in history[DAY].logged_warnings] == ["warfarin", "no_fat_with_supplement"]
    assert [w.code for w in history[DAY - timedelta(days=1)].warnings] == ["pregnancy"]
    assert history[DAY - timedelta(days=1)].logged_warnings == []


# The summary


def test_the_share_within_target_is_of_the_logged_days(alice):
    softgel, natto, oil = make_d3_softgel(), make_natto(), make_item("Olive oil", values={"fat_g": 100})
    for back in range(3):  # three days within the target, the softgel taken with fat
        for item, amount in ((softgel, {"units": 1}), (natto, {"grams": 20}), (oil, {"grams": 10})):
            log_item(alice, item, day=DAY - timedelta(days=back), **amount)
    log_item(alice, softgel, units=1, day=DAY - timedelta(days=3))  # below, and without fat

    summary = summarize_history(day_history(alice, DAY - timedelta(days=9), DAY))

    assert (summary.days, summary.logged_days, summary.logged_days_within) == (10, 4, 3)
    assert summary.share_within_percent == 75
    assert summary.days_with_warnings == 1


def test_a_history_without_logged_days_has_no_share(alice):
    Profile.objects.for_user(alice)
    Profile.objects.filter(user=alice).update(kidney_disease=True)

    summary = summarize_history(day_history(alice, DAY - timedelta(days=6), DAY))

    assert (summary.logged_days, summary.share_within_percent, summary.days_with_warnings) == (0, None, 0)


# Naming days


def test_a_day_is_named_as_djangos_date_filter_names_it_in_the_active_language():
    days = days_between(date(2027, 12, 25), date(2028, 3, 1)) + [date(1900, 1, 1), date(2999, 12, 31)]
    name_of = day_labeller()

    assert name_of(DAY) == "Fri 20 Nov 2026"
    assert [name_of(day) for day in days] == [format_date(day, "D j M Y") for day in days]
    with translation.override("de"):
        name_in_german = day_labeller()
        assert name_in_german(DAY) == format_date(DAY, "D j M Y") != "Fri 20 Nov 2026"


# Queries


def test_a_year_costs_the_same_queries_as_a_week(alice, django_assert_num_queries):
    natto, softgel = make_natto(), make_d3_softgel()
    for back in range(0, 400, 3):
        log_item(alice, natto, grams=20, day=DAY - timedelta(days=back))
        log_dose(alice, "vitamin_d_ug", 2000, "IU", day=DAY - timedelta(days=back + 1), meal="dinner")
    log_item(alice, softgel, units=1)
    Profile.objects.for_user(alice)

    # profile, the default guidance profile, it with its brackets (2), totals (3), entry counts
    with django_assert_num_queries(8):
        week = day_history(alice, DAY - timedelta(days=6), DAY)
    with django_assert_num_queries(8):
        year = day_history(alice, DAY - timedelta(days=364), DAY)

    assert (len(week), len(year)) == (7, 365)
    assert sum(day.entry_count for day in year) == 2 * 122 + 1


# The history against the day page, on random logs

FOOD_NUTRIENTS = {
    "vitamin_d_ug": 30,
    "k2_mk4_ug": 400,
    "k2_mk7_ug": 1100,
    "k2_other_ug": 100,
    "k1_ug": 500,
    "calcium_mg": 1200,
    "fat_g": 80,
}
SUPPLEMENT_NUTRIENTS = {"vitamin_d_ug": 250, "k2_mk4_ug": 1500, "k2_mk7_ug": 300, "k1_ug": 100, "calcium_mg": 800}
DOSES = [("vitamin_d_ug", "IU", 50000), ("vitamin_d_ug", "ug", 1250), ("k2_mk4_ug", "ug", 5000),
         ("k2_mk7_ug", "ug", 1000), ("calcium_mg", "mg", 2000)]
LAST_OFFSET = 12  # the history ends at most this many days after its first day
WEEK_BACK = 7


def amounts_up_to(largest, places=2):
    return st.decimals(min_value=0, max_value=largest, places=places)


def nutrient_values(ranges):
    """{code: amount} where a code left out is a nutrient the item has no value for (unknown)."""
    return st.fixed_dictionaries({}, optional={code: amounts_up_to(largest) for code, largest in ranges.items()})


def positive(largest, places=2):
    return st.decimals(min_value=Decimal(1).scaleb(-places), max_value=largest, places=places)


days_offsets = st.integers(min_value=-WEEK_BACK - 1, max_value=LAST_OFFSET + 1)  # from the history's first day
meals = st.sampled_from(Meal.values)
food_log = st.tuples(st.just("food"), st.integers(0, 2), positive(400), days_offsets, meals)
supplement_log = st.tuples(st.just("supplement"), st.integers(0, 1), st.integers(1, 3), days_offsets, meals)
dose_log = st.tuples(st.just("dose"), st.sampled_from(range(len(DOSES))), st.integers(1, 100), days_offsets, meals)


HEALTH_FLAGS = ("takes_warfarin", "kidney_disease", "pregnant", "is_child")
random_logs = st.fixed_dictionaries(
    {
        "foods": st.lists(nutrient_values(FOOD_NUTRIENTS), min_size=3, max_size=3),
        "supplements": st.lists(nutrient_values(SUPPLEMENT_NUTRIENTS), min_size=2, max_size=2),
        "entries": st.lists(st.one_of(food_log, supplement_log, dose_log), max_size=25),
        "days": st.integers(min_value=1, max_value=LAST_OFFSET + 1),
        "flags": st.fixed_dictionaries({flag: st.booleans() for flag in HEALTH_FLAGS}),
        "guidance_profile": st.sampled_from([None, "clinical-table", "ratio-per-1000-iu"]),  # None: the default
    }
)


def log_randomly(user, foods, supplements, entries, first_day):
    for kind, which, amount, offset, meal in entries:
        day = first_day + timedelta(days=offset)
        if kind == "food":
            log_item(user, foods[which], grams=amount, day=day, meal=meal)
        elif kind == "supplement":
            log_item(user, supplements[which], units=amount, day=day, meal=meal)
        else:
            nutrient, unit, largest = DOSES[which]
            log_dose(user, nutrient, Decimal(largest) * amount / 100, unit, day=day, meal=meal)


# alice is made once for the test; each example's rows are rolled back at its end.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(log=random_logs)
def test_each_day_of_the_history_is_what_the_day_page_says_of_it(alice, log):
    first_day, last_day = DAY, DAY + timedelta(days=log["days"] - 1)
    with transaction.atomic():
        Profile.objects.for_user(alice)
        chosen = GuidanceProfile.objects.filter(slug=log["guidance_profile"]).first()
        Profile.objects.filter(user=alice).update(guidance_profile=chosen, **log["flags"])
        source = make_source()
        foods = [make_item(f"Food {n}", values=values, source=source) for n, values in enumerate(log["foods"])]
        supplements = [
            make_item(f"Supplement {n}", kind="supplement", values=values, source=source)
            for n, values in enumerate(log["supplements"])
        ]
        log_randomly(alice, foods, supplements, log["entries"], first_day)

        history = day_history(alice, first_day, last_day)

        assert [day.day for day in history] == days_between(first_day, last_day)
        for day in history:
            summary = summarize_day(alice, day.day)
            assert day.totals == summary.totals
            assert day.vitamin_d_iu == summary.totals.vitamin_d_iu
            assert day.k2_equivalent_ug == summary.guidance.k2_equivalent_ug
            assert day.guidance == summary.guidance
            assert day.warnings == summary.warnings
            assert day.entry_count == len(summary.entries)
            assert day.week_vitamin_d_iu_avg == summary.week.averages.vitamin_d_iu
            assert day.week_k2_equivalent_ug_avg == summary.week.guidance.k2_equivalent_ug
            assert day.week_guidance == summary.week.guidance
        transaction.set_rollback(True)
