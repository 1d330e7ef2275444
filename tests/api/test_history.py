import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_item
from tests.tracker.factories import DAY, log_dose, log_item, make_d3_softgel, make_natto
from tracker.models import Profile

pytestmark = pytest.mark.django_db


def history_of(api, first_day, last_day=DAY):
    response = api.get("/history", start=str(first_day), end=str(last_day))
    assert response.status_code == 200
    return response.json()


def error_fields_of(response):
    assert response.status_code == 400
    return [error["field"] for error in response.json()["errors"]]


# One summary per day


def test_it_gives_every_day_of_the_range_in_order_logged_or_not(alice_api, alice):
    log_dose(alice, "vitamin_d_ug", 1000, "IU", day=DAY - timedelta(days=2))
    log_dose(alice, "vitamin_d_ug", 1000, "IU", day=DAY - timedelta(days=2), meal="dinner")

    days = history_of(alice_api, DAY - timedelta(days=4))

    assert [day["date"] for day in days] == [str(DAY - timedelta(days=back)) for back in range(4, -1, -1)]
    assert [day["entry_count"] for day in days] == [0, 0, 2, 0, 0]
    assert [day["totals"]["vitamin_d_iu"] for day in days] == [0, 0, 2000, 0, 0]
    assert [day["status"] for day in days] == ["no_target", "no_target", "below", "no_target", "no_target"]


def test_a_day_gives_its_totals_status_warning_codes_and_week(alice_api, alice):
    log_item(alice, make_d3_softgel(6000), units=1)
    log_item(alice, make_natto(), grams=20)

    [day] = history_of(alice_api, DAY)

    assert day["totals"]["vitamin_d_iu"] == 6000 and day["totals"]["k2_mk7_equivalent_ug"] == pytest.approx(187.8)
    assert day["missing"]["vitamin_d_ug"] == 1
    # Over 5,000 IU calls for at least 200 µg; the softgel came with natto's 2.2 g of fat.
    assert (day["status"], day["guidance"]["k2_target_min_ug"]) == ("below", 200)
    assert day["warnings"] == ["high_vitamin_d", "no_fat_with_supplement"]
    assert day["week"]["vitamin_d_iu_avg"] == pytest.approx(6000 / 7)
    assert (day["week"]["first_date"], day["week"]["last_date"]) == (str(DAY - timedelta(days=6)), str(DAY))


def test_every_day_is_the_one_get_days_gives(alice_api, alice):
    """On a random fortnight of logs, health flags on, each day of the history equals the day's own summary."""
    Profile.objects.filter(pk=Profile.objects.for_user(alice).pk).update(takes_warfarin=True, pregnant=True)
    natto, softgel = make_natto(), make_d3_softgel()
    cheese = make_item("Gouda", values={"k2_other_ug": 76, "k2_mk4_ug": 5, "calcium_mg": 700, "fat_g": 27})
    chance = random.Random(20261120)
    for back in range(21):
        day = DAY - timedelta(days=back)
        for _ in range(chance.randrange(4)):
            meal = chance.choice(["breakfast", "lunch", "dinner", "snack"])
            what = chance.randrange(4)
            if what == 0:
                log_item(alice, natto, grams=chance.randrange(5, 100), day=day, meal=meal)
            elif what == 1:
                log_item(alice, softgel, units=chance.randrange(1, 3), day=day, meal=meal)
            elif what == 2:
                log_item(alice, cheese, grams=chance.randrange(10, 300), day=day, meal=meal)
            else:
                log_dose(alice, "k2_mk4_ug", chance.randrange(100, 2000), "ug", day=day, meal=meal)

    days = history_of(alice_api, DAY - timedelta(days=13))

    for day in days:
        summary = alice_api.get(f"/days/{day['date']}").json()
        assert day["totals"] == pytest.approx(summary["totals"])
        assert day["missing"] == summary["missing"]
        assert day["guidance"] == pytest.approx(summary["guidance"])
        assert day["status"] == summary["guidance"]["status"]
        assert day["warnings"] == [warning["code"] for warning in summary["warnings"]]
        assert day["week"] == pytest.approx(summary["week"])
        assert day["entry_count"] == summary["entry_count"]
    assert len({day["status"] for day in days}) >= 3
    assert len({tuple(day["warnings"]) for day in days}) > 2


# The range


def test_a_range_of_one_day_or_of_366_days_is_fine(alice_api):
    assert len(history_of(alice_api, DAY)) == 1
    assert len(history_of(alice_api, DAY - timedelta(days=365))) == 366


def test_the_first_and_last_days_kept_can_be_read(alice_api):
    assert history_of(alice_api, "1900-01-01", "1900-01-02")[0]["week"]["first_date"] == "1899-12-26"
    assert history_of(alice_api, "2999-12-31", "2999-12-31")[0]["date"] == "2999-12-31"


def test_a_range_over_366_days_is_a_400_naming_end(alice_api):
    response = alice_api.get("/history", start=str(DAY - timedelta(days=366)), end=str(DAY))

    assert error_fields_of(response) == ["end"]
    assert "366" in response.json()["errors"][0]["message"]


def test_an_end_before_the_start_is_a_400_naming_end(alice_api):
    response = alice_api.get("/history", start=str(DAY), end=str(DAY - timedelta(days=1)))

    assert error_fields_of(response) == ["end"]


@pytest.mark.parametrize("params, fields", [
    ({"start": "2026-02-30", "end": "2026-03-01"}, ["start"]),
    ({"start": "2026-02-01", "end": "3000-01-01"}, ["end"]),
    ({"start": "1899-12-31", "end": "2026-13-01"}, ["start", "end"]),
    ({"start": "2026-11-20", "end": "yesterday"}, ["end"]),
    ({"start": "2026-11-20"}, ["end"]),
    ({}, ["start", "end"]),
])
def test_a_malformed_or_missing_date_is_a_400_naming_it(alice_api, params, fields):
    assert error_fields_of(alice_api.get("/history", **params)) == fields


def test_it_needs_a_token(anonymous_api):
    assert anonymous_api.get("/history", start=str(DAY), end=str(DAY)).status_code == 401


def test_it_refuses_other_methods(alice_api):
    assert alice_api.post("/history", {}).status_code == 405


# Isolation


def test_another_users_entries_never_count(alice_api, bob_api, bob):
    log_item(bob, make_d3_softgel(), units=1)

    [alices] = history_of(alice_api, DAY)
    [bobs] = history_of(bob_api, DAY)

    assert (alices["entry_count"], alices["totals"]["vitamin_d_iu"], alices["week"]["vitamin_d_iu_avg"]) == (0, 0, 0)
    assert bobs["entry_count"] == 1


# Queries


def test_7_days_and_366_days_take_the_same_number_of_queries(alice_api, alice):
    Profile.objects.for_user(alice)  # made on the first call otherwise
    natto = make_natto()
    for back in range(0, 366, 3):
        log_item(alice, natto, grams=20, day=DAY - timedelta(days=back))
        log_dose(alice, "vitamin_d_ug", 2000, "IU", day=DAY - timedelta(days=back), meal="dinner")

    with CaptureQueriesContext(connection) as a_week:
        history_of(alice_api, DAY - timedelta(days=6))
    with CaptureQueriesContext(connection) as a_year:
        history_of(alice_api, DAY - timedelta(days=365))

    # The token (1), the profile and the default guidance profile with its brackets (4),
    # the totals of every day (3), the entry counts (1).
    assert len(a_week) == len(a_year) == 9
