from decimal import Decimal

import pytest

from tests.api.conftest import error_fields
from tests.factories import make_item
from tests.tracker.factories import DAY, log_dose, log_item, make_d3_softgel, make_natto
from tracker.models import Entry

pytestmark = pytest.mark.django_db

DATE = DAY.isoformat()


def natto_with_a_portion():
    return make_natto()


def test_it_logs_grams_of_a_food(alice_api, alice):
    natto = make_natto()

    response = alice_api.post("/entries", {"date": DATE, "meal": "breakfast", "item_id": natto.pk, "grams": 50})

    assert response.status_code == 201
    body = response.json()
    entry = Entry.objects.get(pk=body["id"])
    assert (entry.user, entry.day, entry.quantity, entry.quantity_unit) == (alice, DAY, Decimal(50), "g")
    assert body["grams"] == 50 and body["label"] == natto.name
    assert body["nutrients"]["k2_mk7_ug"] == pytest.approx(float(natto.nutrient_values.get(nutrient="k2_mk7_ug")
                                                                   .amount) / 2)


def test_it_logs_a_count_of_a_portion(alice_api):
    natto = make_natto()
    portion = natto.portions.first()

    response = alice_api.post("/entries", {"date": DATE, "meal": "lunch", "item_id": natto.pk,
                                           "portion_id": portion.pk, "count": 2, "time": "12:30"})

    assert response.status_code == 201
    assert (response.json()["count"], response.json()["portion_id"], response.json()["time"]) == (2, portion.pk,
                                                                                                "12:30")


def test_it_logs_units_of_a_supplement(alice_api):
    softgel = make_d3_softgel()

    response = alice_api.post("/entries", {"date": DATE, "meal": "dinner", "item_id": softgel.pk, "units": 1})

    assert response.status_code == 201
    assert response.json()["nutrients"]["vitamin_d_ug"] == pytest.approx(125)


def test_it_logs_a_free_dose_in_iu(alice_api):
    response = alice_api.post("/entries", {"date": DATE, "meal": "breakfast",
                                           "dose": {"nutrient": "vitamin_d", "amount": 5000, "unit": "IU"}})

    assert response.status_code == 201
    entry = Entry.objects.get()
    assert (entry.dose_nutrient, entry.dose_amount) == ("vitamin_d_ug", Decimal(125))
    assert response.json()["dose"] == {"nutrient": "vitamin_d", "amount": 5000, "unit": "IU"}


@pytest.mark.parametrize("amount", ["0", "-5", "1e400", "NaN", "-Infinity", "1000000000"])
def test_it_refuses_amounts_that_are_not_positive_finite_and_sane(alice_api, amount):
    natto = make_natto()
    body = f'{{"date": "{DATE}", "meal": "breakfast", "item_id": {natto.pk}, "grams": {amount}}}'

    response = alice_api.client.post("/api/v1/entries", body, content_type="application/json",
                                     headers=alice_api.headers)

    assert response.status_code == 400
    assert error_fields(response) == ["grams"]
    assert not Entry.objects.exists()


@pytest.mark.parametrize("dose, field", [
    ({"nutrient": "vitamin_e", "amount": 5, "unit": "IU"}, "dose.nutrient"),
    ({"nutrient": "vitamin_d", "amount": 5, "unit": "kg"}, "dose.unit"),
    ({"nutrient": "k2_mk7", "amount": 5, "unit": "IU"}, "dose.unit"),
    ({"nutrient": "calcium", "amount": -1, "unit": "mg"}, "dose.amount"),
])
def test_it_refuses_unknown_nutrients_and_units(alice_api, dose, field):
    response = alice_api.post("/entries", {"date": DATE, "meal": "breakfast", "dose": dose})

    assert response.status_code == 400
    assert error_fields(response) == [field]


def test_it_refuses_two_ways_of_giving_the_amount(alice_api):
    natto = make_natto()

    response = alice_api.post("/entries", {"date": DATE, "meal": "breakfast", "item_id": natto.pk, "grams": 50,
                                           "portion_id": natto.portions.first().pk, "count": 1})

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Give the amount one way: grams, a portion, or units."


def test_it_refuses_a_dose_beside_an_item(alice_api):
    natto = make_natto()

    response = alice_api.post("/entries", {"date": DATE, "meal": "breakfast", "item_id": natto.pk, "grams": 50,
                                           "dose": {"nutrient": "vitamin_d", "amount": 5, "unit": "IU"}})

    assert response.status_code == 400 and not Entry.objects.exists()


def test_it_refuses_another_users_item_as_if_it_did_not_exist(alice_api, bob):
    bobs = make_item(name="Bob's natto", owner=bob, values={"k2_mk7_ug": 900})

    response = alice_api.post("/entries", {"date": DATE, "meal": "breakfast", "item_id": bobs.pk, "grams": 50})

    assert response.status_code == 400
    assert error_fields(response) == ["item_id"]


def test_it_refuses_a_portion_of_another_item(alice_api):
    natto, softgel = make_natto(), make_d3_softgel()

    response = alice_api.post("/entries", {"date": DATE, "meal": "breakfast", "item_id": softgel.pk,
                                           "portion_id": natto.portions.first().pk, "count": 1})

    assert response.status_code == 400
    assert error_fields(response) == ["portion_id"]


@pytest.mark.parametrize("date", ["2026-13-01", "20261120", "yesterday", "0001-01-01"])
def test_it_refuses_malformed_dates(alice_api, date):
    response = alice_api.post("/entries", {"date": date, "meal": "breakfast",
                                           "dose": {"nutrient": "vitamin_d", "amount": 5, "unit": "IU"}})

    assert response.status_code == 400
    assert error_fields(response) == ["date"]


def test_a_time_keeps_its_seconds_when_it_has_some(alice_api):
    response = alice_api.post("/entries", {"date": DATE, "meal": "lunch", "time": "12:30:15",
                                           "dose": {"nutrient": "vitamin_d", "amount": 5, "unit": "IU"}})

    assert response.status_code == 201
    assert response.json()["time"] == "12:30:15"
    assert str(Entry.objects.get().time) == "12:30:15"


@pytest.mark.parametrize("time", ["00:00:00Z", "08:30+02:00", "24:00", "8:30", "08:30:00.5", "noon", 830])
def test_it_refuses_a_time_that_is_not_hh_mm_on_the_users_clock(alice_api, time):
    response = alice_api.post("/entries", {"date": DATE, "meal": "lunch", "time": time,
                                           "dose": {"nutrient": "vitamin_d", "amount": 5, "unit": "IU"}})

    assert response.status_code == 400
    assert error_fields(response) == ["time"]
    assert not Entry.objects.exists()


def test_it_lists_one_days_entries_of_the_caller_only(alice_api, alice, bob):
    mine = log_dose(alice, "vitamin_d_ug", 1000, "IU")
    log_dose(alice, "vitamin_d_ug", 1000, "IU", day=DAY.replace(day=19))
    log_dose(bob, "vitamin_d_ug", 1000, "IU")

    response = alice_api.get("/entries", date=DATE)

    assert [entry["id"] for entry in response.json()] == [mine.pk]


def test_it_reads_one_entry(alice_api, alice):
    entry = log_item(alice, make_natto(), grams=20)

    assert alice_api.get(f"/entries/{entry.pk}").json()["grams"] == 20


def test_another_users_entry_is_a_404_for_every_method(alice_api, bob):
    entry = log_dose(bob, "vitamin_d_ug", 1000, "IU")
    path = f"/entries/{entry.pk}"

    responses = [alice_api.get(path), alice_api.patch(path, {"meal": "lunch"}), alice_api.delete(path)]

    assert [response.status_code for response in responses] == [404, 404, 404]
    entry.refresh_from_db()
    assert entry.meal == "breakfast"


@pytest.mark.parametrize("entry_id", [0, 2**63, 10**30])
def test_ids_out_of_range_are_a_404_or_400_never_a_500(alice_api, entry_id):
    assert alice_api.get(f"/entries/{entry_id}").status_code in (400, 404)


def test_a_patch_changes_only_what_it_names(alice_api, alice):
    entry = log_item(alice, make_natto(), grams=20, meal="breakfast")

    response = alice_api.patch(f"/entries/{entry.pk}", {"meal": "dinner"})

    assert response.status_code == 200
    entry.refresh_from_db()
    assert (entry.meal, entry.quantity, entry.pk) == ("dinner", Decimal(20), response.json()["id"])


def test_a_patch_can_give_the_amount_another_way(alice_api, alice):
    natto = make_natto()
    entry = log_item(alice, natto, grams=20)
    portion = natto.portions.first()

    response = alice_api.patch(f"/entries/{entry.pk}", {"portion_id": portion.pk, "count": 3})

    assert response.status_code == 200
    entry.refresh_from_db()
    assert (entry.quantity_unit, entry.portion, entry.quantity) == ("portion", portion, Decimal(3))


def test_a_patch_with_a_bad_amount_changes_nothing(alice_api, alice):
    entry = log_item(alice, make_natto(), grams=20)

    response = alice_api.patch(f"/entries/{entry.pk}", {"grams": -1, "meal": "dinner"})

    assert response.status_code == 400
    entry.refresh_from_db()
    assert (entry.quantity, entry.meal) == (Decimal(20), "breakfast")


def test_a_patch_can_change_a_doses_amount(alice_api, alice):
    entry = log_dose(alice, "vitamin_d_ug", 1000, "IU")

    alice_api.patch(f"/entries/{entry.pk}", {"dose": {"nutrient": "vitamin_d", "amount": 25, "unit": "ug"}})

    entry.refresh_from_db()
    assert (entry.dose_amount, entry.quantity_unit) == (Decimal(25), "ug")


def test_it_deletes_an_entry(alice_api, alice):
    entry = log_dose(alice, "vitamin_d_ug", 1000, "IU")

    response = alice_api.delete(f"/entries/{entry.pk}")

    assert response.status_code == 204 and not Entry.objects.exists()
