from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

import pytest

from tests.api.conftest import error_fields
from tests.factories import make_item
from tests.tracker.factories import DAY, log_dose, make_d3_softgel, make_natto
from tests.tracker.routine_factories import make_product_routine, make_routine, pause
from tracker.models import Entry, Profile, Routine, RoutinePause
from tracker.routines import log_routine

pytestmark = pytest.mark.django_db

VITAMIN_D = {"nutrient": "vitamin_d", "amount": 5000, "unit": "IU"}
DAILY_DOSE = {"meal": "breakfast", "dose": VITAMIN_D, "starts_on": DAY.isoformat()}


@pytest.fixture(autouse=True)
def on_day():
    """Today is DAY (alice's and bob's time zone is UTC)."""
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 11, 20, 12, 0, tzinfo=UTC)):
        yield


def create(api, **changes):
    return api.post("/routines", DAILY_DOSE | changes)


def test_it_starts_a_daily_free_dose_today_unless_told(alice_api, alice):
    response = alice_api.post("/routines", {"meal": "breakfast", "dose": VITAMIN_D, "time": "08:00"})

    assert response.status_code == 201
    routine = Routine.objects.get()
    assert (routine.user, routine.dose_nutrient, routine.quantity, routine.quantity_unit, routine.starts_on,
            routine.time) == (alice, "vitamin_d_ug", 5000, "IU", DAY, time(8))
    assert response.json() == {
        "id": routine.pk, "label": "Vitamin D (D2 + D3)", "item_id": None, "portion_id": None, "grams": None,
        "count": None, "units": None, "dose": VITAMIN_D, "meal": "breakfast", "time": "08:00",
        "frequency": "daily", "weekdays": [], "every_n_days": None, "starts_on": DAY.isoformat(), "ends_on": None,
        "paused": False, "schedule_label": "every day", "state": "active", "next_due": DAY.isoformat(),
        "adherence": {"last_7_days": 0.0, "last_30_days": 0.0},
    }


def test_it_starts_a_routine_of_units_of_a_product_on_chosen_weekdays(alice_api):
    softgel = make_d3_softgel()

    response = create(alice_api, dose=None, item_id=softgel.pk, units=2, frequency="weekdays",
                      weekdays=["mon", "thu"])

    assert response.status_code == 201
    routine = Routine.objects.get()
    assert (routine.item, routine.quantity, routine.quantity_unit, routine.weekday_numbers) == (
        softgel, 2, "unit", [0, 3])
    body = response.json()
    assert (body["units"], body["weekdays"], body["schedule_label"]) == (2, ["mon", "thu"], "on Mon, Thu")


def test_it_starts_a_routine_of_portions_of_a_food_every_n_days(alice_api):
    natto = make_natto()
    portion = natto.portions.get()

    response = create(alice_api, dose=None, item_id=natto.pk, portion_id=portion.pk, count=1.5,
                      frequency="interval", every_n_days=3, ends_on="2026-12-31")

    assert response.status_code == 201
    routine = Routine.objects.get()
    assert (routine.portion, routine.quantity, routine.every_n_days, str(routine.ends_on)) == (
        portion, Decimal("1.5"), 3, "2026-12-31")
    assert (response.json()["count"], response.json()["every_n_days"]) == (1.5, 3)


@pytest.mark.parametrize("changes, field", [
    ({"frequency": "weekdays"}, "weekdays"),
    ({"frequency": "weekdays", "weekdays": ["mon", "someday"]}, "weekdays.1"),
    ({"frequency": "interval"}, "every_n_days"),
    ({"frequency": "interval", "every_n_days": 0}, "every_n_days"),
    ({"frequency": "interval", "every_n_days": 367}, "every_n_days"),
    ({"frequency": "interval", "every_n_days": 10**30}, "every_n_days"),
    ({"frequency": "hourly"}, "frequency"),
    ({"ends_on": "2026-11-19"}, "ends_on"),
    ({"starts_on": "1800-01-01"}, "starts_on"),
    ({"starts_on": "2026-02-30"}, "starts_on"),
    ({"meal": "brunch"}, "meal"),
    ({"time": "25:00"}, "time"),
    ({"dose": {"nutrient": "vitamin_d", "amount": -5, "unit": "IU"}}, "dose.amount"),
    ({"dose": {"nutrient": "k2_mk7", "amount": 5, "unit": "IU"}}, "dose.unit"),
    ({"dose": {"nutrient": "vitamin_e", "amount": 5, "unit": "IU"}}, "dose.nutrient"),
])
def test_it_refuses_a_bad_schedule_or_dose_naming_the_field(alice_api, changes, field):
    response = create(alice_api, **changes)

    assert response.status_code == 400
    assert error_fields(response) == [field]
    assert not Routine.objects.exists()


@pytest.mark.parametrize("amount, field", [({"grams": -1}, "grams"), ({"grams": 10**9}, "grams"),
                                           ({"units": 1}, "units"), ({"count": 1}, "portion_id")])
def test_it_refuses_a_bad_amount_of_an_item_naming_the_field(alice_api, amount, field):
    natto = make_natto()

    response = create(alice_api, dose=None, item_id=natto.pk, **amount)

    assert response.status_code == 400
    assert error_fields(response) == [field]
    assert not Routine.objects.exists()


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "1e400"])
def test_it_refuses_amounts_that_are_not_finite(alice_api, amount):
    natto = make_natto()
    body = f'{{"meal": "lunch", "starts_on": "{DAY}", "item_id": {natto.pk}, "grams": {amount}}}'

    response = alice_api.client.post("/api/v1/routines", body, content_type="application/json",
                                     headers=alice_api.headers)

    assert response.status_code == 400
    assert error_fields(response) == ["grams"]


def test_it_refuses_two_ways_of_giving_the_amount(alice_api):
    natto = make_natto()

    response = create(alice_api, item_id=natto.pk, grams=50)

    assert response.status_code == 400
    assert error_fields(response) == [None]
    assert not Routine.objects.exists()


def test_it_refuses_another_users_item_as_if_it_did_not_exist(alice_api, bob):
    bobs = make_item("Bob's softgel", kind="supplement", owner=bob, values={"vitamin_d_ug": 125})

    response = create(alice_api, dose=None, item_id=bobs.pk, units=1)

    assert response.status_code == 400
    assert error_fields(response) == ["item_id"]


def test_it_lists_the_callers_routines_with_state_and_adherence(alice_api, alice, bob):
    active = make_routine(alice, starts_on=DAY - timedelta(days=3))
    for day in (DAY - timedelta(days=3), DAY - timedelta(days=1)):
        log_routine(active, day)
    paused = make_routine(alice, starts_on=DAY - timedelta(days=2))
    pause(paused, DAY - timedelta(days=1))
    later = make_product_routine(alice, starts_on=DAY + timedelta(days=2))
    make_routine(bob)

    body = alice_api.get("/routines").json()

    assert [(routine["id"], routine["state"], routine["paused"], routine["next_due"]) for routine in body] == [
        (active.pk, "active", False, DAY.isoformat()),
        (paused.pk, "paused", True, None),
        (later.pk, "not_started", False, (DAY + timedelta(days=2)).isoformat()),
    ]
    assert body[0]["adherence"] == {"last_7_days": 0.5, "last_30_days": 0.5}
    assert body[2]["adherence"] == {"last_7_days": None, "last_30_days": None}


def test_the_list_costs_the_same_queries_for_1_and_8_routines(alice_api, alice, django_assert_num_queries):
    make_product_routine(alice)
    Profile.objects.for_user(alice)  # made on first use
    # token, profile, routines with their items and portions, pauses, logged days
    with django_assert_num_queries(5):
        assert len(alice_api.get("/routines").json()) == 1
    for _ in range(7):
        pause(make_product_routine(alice, item=make_natto(), quantity=85, quantity_unit="g"), DAY)
    with django_assert_num_queries(5):
        assert len(alice_api.get("/routines").json()) == 8


def test_it_reads_one_routine(alice_api, alice):
    routine = make_routine(alice, meal="dinner")

    response = alice_api.get(f"/routines/{routine.pk}")

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["meal"]) == (routine.pk, "dinner")


def test_another_users_routine_is_a_404_for_every_method(alice_api, bob):
    routine = make_routine(bob)
    path = f"/routines/{routine.pk}"

    responses = [alice_api.get(path), alice_api.patch(path, {"meal": "lunch"}), alice_api.delete(path),
                 *(alice_api.post(f"{path}/{action}", {}) for action in ("pause", "resume", "end", "log"))]

    assert [response.status_code for response in responses] == [404] * 7
    routine.refresh_from_db()
    assert (routine.meal, routine.ends_on) == ("breakfast", None)
    assert not RoutinePause.objects.exists() and not Entry.objects.exists()


@pytest.mark.parametrize("routine_id", [0, 2**63, 10**30])
def test_ids_out_of_range_are_a_404_or_400_never_a_500(alice_api, routine_id):
    path = f"/routines/{routine_id}"

    responses = [alice_api.get(path), alice_api.patch(path, {"meal": "lunch"}), alice_api.delete(path),
                 *(alice_api.post(f"{path}/{action}", {}) for action in ("pause", "resume", "end", "log"))]

    assert all(response.status_code in (400, 404) for response in responses)


def test_every_call_needs_a_token(anonymous_api, alice):
    path = f"/routines/{make_routine(alice).pk}"

    responses = [anonymous_api.get("/routines"), anonymous_api.post("/routines", DAILY_DOSE),
                 anonymous_api.get(path), anonymous_api.patch(path, {"meal": "lunch"}), anonymous_api.delete(path),
                 *(anonymous_api.post(f"{path}/{action}", {}) for action in ("pause", "resume", "end", "log"))]

    assert [response.status_code for response in responses] == [401] * 9
    assert Routine.objects.get().meal == "breakfast" and not Entry.objects.exists()


def test_a_patch_changes_only_what_it_names(alice_api, alice):
    routine = make_routine(alice, frequency="weekdays", weekdays=0b1001, time=time(8))

    response = alice_api.patch(f"/routines/{routine.pk}", {"meal": "dinner"})

    assert response.status_code == 200
    routine.refresh_from_db()
    assert (routine.meal, routine.quantity, routine.weekday_numbers, routine.time, routine.starts_on) == (
        "dinner", 5000, [0, 3], time(8), DAY)


def test_a_patch_can_give_the_amount_another_way(alice_api, alice):
    routine = make_routine(alice)
    softgel = make_d3_softgel()

    response = alice_api.patch(f"/routines/{routine.pk}", {"item_id": softgel.pk, "units": 1})

    assert response.status_code == 200
    routine.refresh_from_db()
    assert (routine.item, routine.dose_nutrient, routine.quantity_unit) == (softgel, "", "unit")


def test_a_patch_can_clear_the_time_and_the_end(alice_api, alice):
    routine = make_routine(alice, time=time(8), ends_on=DAY + timedelta(days=9))

    alice_api.patch(f"/routines/{routine.pk}", {"time": None, "ends_on": None})

    routine.refresh_from_db()
    assert (routine.time, routine.ends_on) == (None, None)


def test_a_patch_with_a_bad_value_changes_nothing(alice_api, alice):
    routine = make_routine(alice)

    response = alice_api.patch(f"/routines/{routine.pk}", {"meal": "dinner", "frequency": "interval"})

    assert response.status_code == 400
    assert error_fields(response) == ["every_n_days"]
    routine.refresh_from_db()
    assert (routine.meal, routine.frequency) == ("breakfast", "daily")


def test_a_patch_leaves_what_the_routine_logged_as_it_was(alice_api, alice):
    routine = make_routine(alice)
    entry, _ = log_routine(routine, DAY)

    alice_api.patch(f"/routines/{routine.pk}", {"dose": {"nutrient": "vitamin_d", "amount": 1000, "unit": "IU"}})

    entry.refresh_from_db()
    assert (entry.quantity, entry.routine) == (5000, routine)


def test_a_routine_whose_portion_was_removed_asks_for_another(alice_api, alice):
    natto = make_natto()
    routine = make_product_routine(alice, item=natto, portion=natto.portions.get(), quantity=1,
                                   quantity_unit="portion")
    natto.portions.all().delete()

    response = alice_api.patch(f"/routines/{routine.pk}", {"meal": "lunch"})

    assert response.status_code == 400
    assert error_fields(response) == ["portion_id"]


def test_it_deletes_a_routine_and_keeps_what_it_logged(alice_api, alice):
    routine = make_routine(alice)
    entry, _ = log_routine(routine, DAY)

    response = alice_api.delete(f"/routines/{routine.pk}")

    assert response.status_code == 204 and not Routine.objects.exists()
    entry.refresh_from_db()
    assert entry.routine is None


def test_it_pauses_and_resumes_a_routine(alice_api, alice):
    routine = make_routine(alice, starts_on=DAY - timedelta(days=5))

    paused = alice_api.post(f"/routines/{routine.pk}/pause", {})
    assert paused.status_code == 200
    assert (paused.json()["paused"], paused.json()["state"]) == (True, "paused")
    assert RoutinePause.objects.get().first_day == DAY

    resumed = alice_api.post(f"/routines/{routine.pk}/resume", {})
    assert resumed.status_code == 200
    assert (resumed.json()["paused"], resumed.json()["state"]) == (False, "active")


def test_it_ends_a_routine_today(alice_api, alice):
    routine = make_routine(alice, starts_on=DAY - timedelta(days=5))

    response = alice_api.post(f"/routines/{routine.pk}/end", {})

    assert response.status_code == 200 and response.json()["ends_on"] == DAY.isoformat()


def test_a_routine_not_started_cannot_end(alice_api, alice):
    routine = make_routine(alice, starts_on=DAY + timedelta(days=1))

    response = alice_api.post(f"/routines/{routine.pk}/end", {})

    assert response.status_code == 400
    assert "has not started yet" in response.json()["errors"][0]["message"]
    routine.refresh_from_db()
    assert routine.ends_on is None


def test_it_logs_a_days_dose_once(alice_api, alice):
    routine = make_routine(alice, meal="lunch")

    first = alice_api.post(f"/routines/{routine.pk}/log", {"date": DAY.isoformat()})
    second = alice_api.post(f"/routines/{routine.pk}/log", {"date": DAY.isoformat()})

    entry = Entry.objects.get()
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] == entry.pk
    assert (entry.routine, entry.day, entry.meal, entry.dose_amount) == (routine, DAY, "lunch", 125)
    assert first.json()["routine_id"] == routine.pk


def test_it_logs_todays_dose_when_no_date_is_given(alice_api, alice):
    routine = make_routine(alice)

    response = alice_api.post(f"/routines/{routine.pk}/log", {})

    assert response.status_code == 201 and Entry.objects.get().day == DAY


def test_it_logs_todays_dose_when_the_call_has_no_body(alice_api, alice):
    routine = make_routine(alice)

    response = alice_api.client.generic("POST", f"/api/v1/routines/{routine.pk}/log", b"",
                                        headers=alice_api.headers)

    assert response.status_code == 201 and Entry.objects.get().day == DAY


def test_it_counts_a_logged_dose_in_the_adherence(alice_api, alice):
    routine = make_routine(alice, starts_on=DAY - timedelta(days=1))
    alice_api.post(f"/routines/{routine.pk}/log", {})

    assert alice_api.get(f"/routines/{routine.pk}").json()["adherence"]["last_7_days"] == 0.5


@pytest.mark.parametrize("date", ["2026-11-19", "2026-11-21"])
def test_a_day_with_no_dose_due_is_refused_naming_the_date(alice_api, alice, date):
    routine = make_routine(alice, frequency="weekdays", weekdays=0b10000)  # Fridays: DAY is one

    response = alice_api.post(f"/routines/{routine.pk}/log", {"date": date})

    assert response.status_code == 400
    assert error_fields(response) == ["date"]
    assert not Entry.objects.exists()


def test_a_paused_routine_logs_nothing(alice_api, alice):
    routine = make_routine(alice)
    pause(routine, DAY)

    response = alice_api.post(f"/routines/{routine.pk}/log", {"date": DAY.isoformat()})

    assert response.status_code == 400 and not Entry.objects.exists()


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01", "2026-13-01", "tomorrow"])
def test_a_date_out_of_range_or_malformed_is_refused(alice_api, alice, date):
    routine = make_routine(alice, starts_on=DAY.replace(year=1900, month=1, day=1))

    response = alice_api.post(f"/routines/{routine.pk}/log", {"date": date})

    assert response.status_code == 400
    assert error_fields(response) == ["date"]


def test_a_dose_logged_by_hand_that_day_does_not_count_as_the_routines(alice_api, alice):
    routine = make_routine(alice)
    log_dose(alice, "vitamin_d_ug", 5000, "IU")

    response = alice_api.post(f"/routines/{routine.pk}/log", {})

    assert response.status_code == 201 and Entry.objects.filter(routine=routine).count() == 1
