"""POST /entries with an Idempotency-Key header: a retry logs nothing more."""

import uuid

import pytest

from tests.api.conftest import ApiClient, token_in_use
from tests.tracker.factories import DAY, make_natto
from tracker.models import Entry

pytestmark = pytest.mark.django_db

DOSE = {"date": DAY.isoformat(), "meal": "breakfast", "dose": {"nutrient": "vitamin_d", "amount": 5000, "unit": "IU"}}


def with_key(api, key):
    keyed = ApiClient(api.client)
    keyed.headers = api.headers | {"Idempotency-Key": key}
    return keyed


def test_the_same_key_again_answers_200_with_the_entry_it_logged(alice_api):
    keyed = with_key(alice_api, str(uuid.uuid4()))

    first = keyed.post("/entries", DOSE)
    again = keyed.post("/entries", DOSE)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Entry.objects.count() == 1


def test_an_item_entry_sent_again_with_its_key_is_logged_once(alice_api):
    body = {"date": DAY.isoformat(), "meal": "lunch", "item_id": make_natto().pk, "grams": 20, "time": "12:30"}
    keyed = with_key(alice_api, "retry-1")

    statuses = [keyed.post("/entries", body).status_code for _ in range(3)]

    assert statuses == [201, 200, 200]
    assert Entry.objects.get().idempotency_key == "retry-1"


def test_a_new_key_logs_a_new_entry(alice_api):
    with_key(alice_api, "first").post("/entries", DOSE)
    response = with_key(alice_api, "second").post("/entries", DOSE)

    assert response.status_code == 201
    assert Entry.objects.count() == 2


def test_without_a_key_each_post_logs_an_entry(alice_api):
    alice_api.post("/entries", DOSE)
    alice_api.post("/entries", DOSE)

    assert Entry.objects.count() == 2


def test_a_key_sent_with_other_fields_is_a_409_that_says_what_it_logged(alice_api):
    keyed = with_key(alice_api, "retry-1")
    first = keyed.post("/entries", DOSE)

    response = keyed.post("/entries", DOSE | {"meal": "dinner"})

    assert response.status_code == 409
    assert f"already logged entry {first.json()['id']} (Vitamin D" in response.json()["detail"]
    assert Entry.objects.count() == 1


def test_a_key_whose_entry_was_changed_since_is_a_409(alice_api):
    keyed = with_key(alice_api, "retry-1")
    entry_id = keyed.post("/entries", DOSE).json()["id"]
    alice_api.patch(f"/entries/{entry_id}", {"meal": "lunch"})

    response = keyed.post("/entries", DOSE)

    assert response.status_code == 409
    assert Entry.objects.get().meal == "lunch"


def test_another_user_may_send_the_same_key(alice_api, client, bob):
    with_key(alice_api, "retry-1").post("/entries", DOSE)
    bob_keyed = with_key(ApiClient(client, token_in_use(bob)), "retry-1")

    response = bob_keyed.post("/entries", DOSE)

    assert response.status_code == 201
    assert Entry.objects.filter(user=bob).count() == 1


@pytest.mark.parametrize("key", ["", "k" * 65, "with space", "é"])
def test_a_key_that_is_not_1_to_64_visible_ascii_characters_is_a_400(alice_api, key):
    response = with_key(alice_api, key).post("/entries", DOSE)

    assert response.status_code == 400
    assert not Entry.objects.exists()


def test_the_schema_declares_the_header_and_the_answers(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/entries"]["post"]

    header = next(p for p in operation["parameters"] if p["in"] == "header")
    assert header["name"] == "Idempotency-Key" and not header.get("required", False)
    assert {"200", "201", "409"} <= set(operation["responses"])
    assert "Idempotency-Key" in operation["description"]
