from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from foods import nutrients
from tests.factories import make_item
from tests.tracker.factories import DAY, log_dose, log_item, make_d3_softgel, make_natto
from tracker.models import GuidanceProfile, Profile

pytestmark = pytest.mark.django_db

URL = f"/days/{DAY}"
CONTRACT_TOTALS = {"vitamin_d_ug", "vitamin_d_iu", "k2_mk4_ug", "k2_mk7_ug", "k2_other_ug", "k2_total_ug",
                   "k2_mk7_equivalent_ug", "k1_ug", "vitamin_a_ug_rae", "calcium_mg", "fat_g", "energy_kcal"}


def log_realistic_day(user):
    """Natto and a 5,000 IU D3 softgel at breakfast, a 500 µg MK-4 dose at dinner, with no food."""
    log_item(user, make_natto(), grams=50)
    log_item(user, make_d3_softgel(5000), units=1)
    log_dose(user, "k2_mk4_ug", 500, "ug", meal="dinner")


def day_of(api, day=DAY):
    response = api.get(f"/days/{day}")
    assert response.status_code == 200
    return response.json()


# The contract's fields, on a realistic day


def test_it_gives_every_total_of_the_contract_and_of_every_nutrient(alice_api, alice):
    log_realistic_day(alice)

    totals = day_of(alice_api)["totals"]

    assert set(totals) == CONTRACT_TOTALS | {nutrient.code for nutrient in nutrients.NUTRIENTS}
    assert all(isinstance(amount, float) for amount in totals.values() if amount is not None)


def test_the_totals_add_up_the_days_entries(alice_api, alice):
    log_realistic_day(alice)

    totals = day_of(alice_api)["totals"]

    # 50 g of natto: half of its 939 µg MK-7, 11 g fat and 212 kcal per 100 g.
    assert totals["k2_mk7_ug"] == pytest.approx(469.5)
    assert (totals["fat_g"], totals["energy_kcal"]) == (pytest.approx(5.5), pytest.approx(106))
    # One softgel of 5,000 IU: 125 µg.
    assert (totals["vitamin_d_ug"], totals["vitamin_d_iu"]) == (pytest.approx(125), pytest.approx(5000))
    assert totals["k2_mk4_ug"] == pytest.approx(500)
    assert totals["k2_total_ug"] == pytest.approx(469.5 + 500)
    # MK-4 counts a tenth under the default profile.
    assert totals["k2_mk7_equivalent_ug"] == pytest.approx(469.5 + 50)


def test_a_total_no_logged_item_has_a_value_for_is_null_not_zero(alice_api, alice):
    log_realistic_day(alice)

    totals = day_of(alice_api)["totals"]

    assert (totals["k2_other_ug"], totals["k1_ug"], totals["calcium_mg"], totals["vitamin_a_ug_rae"]) == (None,) * 4


def test_a_day_of_free_doses_alone_knows_it_had_none_of_the_rest(alice_api, alice):
    log_dose(alice, "vitamin_d_ug", 1000, "IU")

    totals = day_of(alice_api)["totals"]

    assert totals["vitamin_d_iu"] == pytest.approx(1000)
    assert (totals["k2_total_ug"], totals["calcium_mg"], totals["fat_g"]) == (0, 0, 0)


def test_an_empty_day_is_all_zeros(alice_api):
    body = day_of(alice_api)

    assert set(body["totals"].values()) == {0}
    assert set(body["missing"].values()) == {0}
    assert (body["entry_count"], body["guidance"]["status"], body["warnings"]) == (0, "no_target", [])


def test_it_counts_the_items_with_no_value_for_each_total(alice_api, alice):
    log_realistic_day(alice)

    missing = day_of(alice_api)["missing"]

    assert set(missing) == set(day_of(alice_api)["totals"])
    # Natto has no vitamin D value, the softgel no fat; the dose never counts.
    assert (missing["vitamin_d_ug"], missing["vitamin_d_iu"], missing["fat_g"]) == (1, 1, 1)
    # Form by form: neither item has MK-4 (the dose's is not an item's); the softgel has no MK-7.
    assert (missing["k2_mk4_ug"], missing["k2_mk7_ug"], missing["k2_other_ug"]) == (2, 1, 2)
    # K2 as a whole: natto's MK-7 is K2 data; the softgel reports no K2 form.
    assert (missing["k2_total_ug"], missing["k2_mk7_equivalent_ug"]) == (1, 1)


def test_the_guidance_compares_the_k2_equivalent_with_the_target_for_the_vitamin_d(alice_api, alice):
    log_realistic_day(alice)

    guidance = day_of(alice_api)["guidance"]

    # 5,000 IU is in the clinical table's "over 2,000 up to 5,000 IU" bracket: 100–200 µg.
    assert guidance["profile"] == "clinical-table"
    assert (guidance["k2_target_min_ug"], guidance["k2_target_max_ug"]) == (100, 200)
    assert guidance["advice"].startswith("Over 2,000 IU of vitamin D")
    assert (guidance["vitamin_d_iu"], guidance["k2_mk7_equivalent_ug"]) == (5000, pytest.approx(519.5))
    assert guidance["status"] == "above"


def test_a_target_without_upper_bound_has_a_null_maximum(alice_api, alice):
    log_dose(alice, "vitamin_d_ug", 6000, "IU")

    guidance = day_of(alice_api)["guidance"]

    assert (guidance["k2_target_min_ug"], guidance["k2_target_max_ug"], guidance["status"]) == (200, None, "below")


def test_it_follows_the_users_guidance_profile_and_its_mk4_factor(alice_api, alice):
    ratio = GuidanceProfile.objects.get(slug="ratio-per-1000-iu")
    ratio.mk4_per_mk7_equivalent = Decimal(5)
    ratio.save()
    Profile.objects.filter(pk=Profile.objects.for_user(alice).pk).update(guidance_profile=ratio)
    log_realistic_day(alice)

    body = day_of(alice_api)

    assert body["totals"]["k2_mk7_equivalent_ug"] == pytest.approx(469.5 + 500 / 5)
    assert (body["guidance"]["profile"], body["guidance"]["k2_target_min_ug"]) == ("ratio-per-1000-iu", 500)
    assert (body["guidance"]["k2_target_max_ug"], body["guidance"]["status"]) == (None, "within")


def test_it_gives_the_days_warnings_with_their_codes_and_messages(alice_api, alice):
    log_realistic_day(alice)

    warnings = day_of(alice_api)["warnings"]

    # 519.5 µg of K2 (MK-7 eq.) is over the 360 µg studied; the dinner's MK-4 dose came with no food fat.
    assert [warning["code"] for warning in warnings] == ["k2_above_studied", "no_fat_with_supplement"]
    assert "Dinner" in warnings[1]["message"] and "Breakfast" not in warnings[1]["message"]
    assert all(warning["source"] for warning in warnings)


def test_a_warfarin_notice_stands_until_a_vitamin_k_supplement_makes_it_the_days_warning(alice_api, alice):
    Profile.objects.filter(pk=Profile.objects.for_user(alice).pk).update(takes_warfarin=True, pregnant=True)
    log_item(alice, make_natto(), grams=50)

    food_only = day_of(alice_api)
    log_dose(alice, "k2_mk7_ug", 100, "ug")
    with_k2_dose = day_of(alice_api)

    assert [w["code"] for w in food_only["warnings"]] == ["pregnancy", "k2_above_studied"]
    assert [w["code"] for w in food_only["standing_notices"]] == ["warfarin"]
    assert [w["code"] for w in with_k2_dose["warnings"]] == ["warfarin", "pregnancy", "k2_above_studied"]
    assert with_k2_dose["standing_notices"] == []


def test_the_week_averages_the_seven_days_ending_on_the_date(alice_api, alice):
    log_dose(alice, "vitamin_d_ug", 50000, "IU", day=DAY - timedelta(days=6))
    log_dose(alice, "k2_mk7_ug", 700, "ug", day=DAY - timedelta(days=3))
    log_dose(alice, "vitamin_d_ug", 50000, "IU", day=DAY - timedelta(days=7))  # a day before the week

    week = day_of(alice_api)["week"]

    assert (week["first_date"], week["last_date"]) == (str(DAY - timedelta(days=6)), str(DAY))
    assert week["vitamin_d_iu_avg"] == pytest.approx(50000 / 7)
    assert week["k2_mk7_equivalent_ug_avg"] == pytest.approx(100)
    # 7,143 IU a day on average calls for at least 200 µg: 100 is below.
    assert (week["k2_target_min_ug"], week["k2_target_max_ug"], week["status"]) == (200, None, "below")


def test_it_says_it_is_not_medical_advice(alice_api):
    assert "not medical advice" in day_of(alice_api)["disclaimer"]


def test_it_counts_the_days_entries(alice_api, alice):
    log_realistic_day(alice)
    log_dose(alice, "vitamin_d_ug", 1000, "IU", day=DAY - timedelta(days=1))

    assert day_of(alice_api)["entry_count"] == 3


# The same day as the day page


@pytest.mark.parametrize("flags", [{}, {"takes_warfarin": True, "kidney_disease": True}])
def test_it_is_the_day_the_day_page_shows(client, alice, alice_api, flags):
    Profile.objects.filter(pk=Profile.objects.for_user(alice).pk).update(**flags)
    log_realistic_day(alice)
    log_item(alice, make_item("Kale", values={"k1_ug": 390, "calcium_mg": 150}), grams=80, meal="lunch")
    body = day_of(alice_api)
    client.force_login(alice)

    page = client.get(f"/day/{DAY}/")

    summary = page.context["summary"]
    factor = summary.guidance.profile.mk4_per_mk7_equivalent
    assert body["totals"]["k1_ug"] == pytest.approx(float(summary.totals["k1_ug"]))
    assert body["totals"]["k2_mk7_equivalent_ug"] == pytest.approx(float(summary.totals.k2_mk7_equivalent_ug(factor)))
    assert body["guidance"]["status"] == summary.guidance.status
    assert body["guidance"]["k2_target_min_ug"] == float(summary.guidance.target.min_ug)
    assert body["week"]["status"] == summary.week.guidance.status
    assert [w["code"] for w in body["warnings"]] == [w.code for w in summary.warnings]
    assert [w["code"] for w in body["standing_notices"]] == [w.code for w in page.context["standing_warnings"]]
    shown = page.content.decode()
    assert f'data-status="{body["guidance"]["status"]}"' in shown
    for warning in body["warnings"] + body["standing_notices"]:
        assert f'data-warning="{warning["code"]}"' in shown


# Errors


@pytest.mark.parametrize("date", ["2026-02-30", "20261120", "2026-11-2", "1899-12-31", "3000-01-01", "today",
                                  "2026-W47-5", "२०२६-११-२०"])
def test_a_malformed_date_or_one_outside_the_years_kept_is_a_400_naming_it(alice_api, date):
    response = alice_api.get(f"/days/{date}")

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["date"]


def test_the_first_and_last_days_kept_can_be_read(alice_api):
    assert day_of(alice_api, "1900-01-01")["week"]["first_date"] == "1899-12-26"
    assert day_of(alice_api, "2999-12-31")["date"] == "2999-12-31"


def test_it_needs_a_token(anonymous_api):
    response = anonymous_api.get(URL)

    assert response.status_code == 401
    assert response.json()["detail"].startswith("Send a valid token")


def test_it_refuses_other_methods(alice_api):
    assert alice_api.post(URL, {}).status_code == 405


# Isolation


def test_another_users_entries_and_settings_never_count(alice_api, bob_api, alice, bob):
    log_realistic_day(bob)
    Profile.objects.filter(pk=Profile.objects.for_user(bob).pk).update(
        pregnant=True, guidance_profile=GuidanceProfile.objects.get(slug="ratio-per-1000-iu")
    )

    alices = day_of(alice_api)

    assert set(alices["totals"].values()) == {0}
    assert (alices["entry_count"], alices["warnings"], alices["guidance"]["profile"]) == (0, [], "clinical-table")
    assert day_of(bob_api)["entry_count"] == 3


# Queries


def test_it_makes_the_same_number_of_queries_for_1_or_60_entries(alice_api, alice):
    Profile.objects.for_user(alice)  # made on the first call otherwise
    log_item(alice, make_natto(), grams=20)
    natto, softgel = make_natto(), make_d3_softgel()
    other_day = DAY - timedelta(days=1)
    for number in range(30):
        log_item(alice, natto, grams=number + 1, day=other_day, meal="lunch")
        log_item(alice, softgel, units=1, day=other_day)

    with CaptureQueriesContext(connection) as one_entry:
        day_of(alice_api)
    with CaptureQueriesContext(connection) as sixty_entries:
        day_of(alice_api, other_day)

    # The token (1), the profile and the default guidance profile with its brackets (4),
    # the day's totals (3), its entries with their items' values (2), the week's totals (3), the profile for
    # the standing notices, as the page reads it (1).
    assert len(one_entry) == len(sixty_entries) == 14
