"""The add forms sent twice (a double click, a retry after a timeout) log one entry: tracker.entries.log_entry_once."""

import uuid

import pytest
from django.db import IntegrityError, transaction

from tests.tracker.factories import DAY, make_d3_softgel, make_natto
from tests.tracker.forms_html import field_value
from tracker import entries
from tracker.entries import KeyReused, dose_entry, item_entry, log_entry_once
from tracker.models import Entry

pytestmark = pytest.mark.django_db

WHEN = {"day": DAY, "meal": "lunch"}


@pytest.fixture
def natto():
    return make_natto()


def natto_entry(user, natto, key, grams=20):
    entry = item_entry(user=user, item=natto, grams=grams, **WHEN)
    entry.idempotency_key = key
    return entry


# log_entry_once


def test_it_saves_a_new_entry(alice, natto):
    entry, created = log_entry_once(natto_entry(alice, natto, "key-1"))

    assert created is True
    assert Entry.objects.get() == entry


def test_it_finds_the_entry_its_key_already_logged(alice, natto):
    first, _ = log_entry_once(natto_entry(alice, natto, "key-1"))

    again, created = log_entry_once(natto_entry(alice, natto, "key-1"))

    assert (again, created) == (first, False)
    assert Entry.objects.count() == 1


def test_it_finds_the_entry_when_a_request_with_the_same_key_saved_it_meanwhile(alice, natto, monkeypatch):
    """Two requests at once both look for the key before either has saved: the database keeps them apart."""
    first, _ = log_entry_once(natto_entry(alice, natto, "key-1"))
    looks = []
    real_lookup = entries._logged_with_key

    def not_yet_committed_at_first_look(entry):
        looks.append(entry)
        return None if len(looks) == 1 else real_lookup(entry)

    monkeypatch.setattr(entries, "_logged_with_key", not_yet_committed_at_first_look)

    with transaction.atomic():  # the request's own transaction survives the refused insert
        again, created = log_entry_once(natto_entry(alice, natto, "key-1"))
        assert Entry.objects.count() == 1

    assert (again, created) == (first, False)
    assert len(looks) == 2


def test_the_database_refuses_a_second_entry_with_a_users_key(alice, natto):
    natto_entry(alice, natto, "key-1").save()

    with pytest.raises(IntegrityError), transaction.atomic():
        natto_entry(alice, natto, "key-1").save()


def test_entries_without_a_key_are_never_the_same(alice, natto):
    log_entry_once(natto_entry(alice, natto, ""))
    _, created = log_entry_once(natto_entry(alice, natto, ""))

    assert created is True
    assert Entry.objects.count() == 2


def test_two_users_may_send_the_same_key(alice, bob, natto):
    log_entry_once(natto_entry(alice, natto, "key-1"))
    _, created = log_entry_once(natto_entry(bob, natto, "key-1"))

    assert created is True
    assert sorted(Entry.objects.values_list("user__username", flat=True)) == ["alice", "bob"]


@pytest.mark.parametrize("change", [{"grams": 30}, {"day": DAY.replace(day=21)}, {"meal": "dinner"}])
def test_a_key_that_logged_something_else_is_refused(alice, natto, change):
    first, _ = log_entry_once(natto_entry(alice, natto, "key-1"))
    other = item_entry(user=alice, item=natto, **({"grams": 20} | WHEN | change))
    other.idempotency_key = "key-1"

    with pytest.raises(KeyReused) as refused:
        log_entry_once(other)

    assert refused.value.logged == first
    assert Entry.objects.count() == 1


def test_a_dose_sent_twice_is_logged_once(alice):
    def dose():
        entry = dose_entry(user=alice, nutrient="vitamin_d_ug", amount="5000", unit="IU", **WHEN)
        entry.idempotency_key = "key-1"
        return entry

    log_entry_once(dose())
    _, created = log_entry_once(dose())

    assert created is False
    assert Entry.objects.count() == 1


# The add forms


FORMS = {
    "food": lambda: {"item": make_natto().pk, "grams": "20", "count": "", "portion": ""},
    "supplement": lambda: {"item": make_d3_softgel().pk, "units": "1", "count": "", "portion": ""},
    "dose": lambda: {"dose_nutrient": "vitamin_d_ug", "dose_amount": "2000", "dose_unit": "IU"},
}


def url(what):
    return f"/day/{DAY}/add/{what}/"


@pytest.mark.parametrize("what", FORMS)
def test_each_add_form_carries_a_new_key_each_time_it_is_shown(alice_client, what):
    keys = [field_value(alice_client.get(url(what)).content.decode(), "idempotency_key") for _ in range(2)]

    assert all(uuid.UUID(key) for key in keys)
    assert keys[0] != keys[1]


@pytest.mark.parametrize("what", FORMS)
def test_each_add_form_sent_twice_logs_once_and_says_so(alice_client, what):
    data = FORMS[what]() | {"meal": "lunch", "time": "", "idempotency_key": str(uuid.uuid4())}

    first = alice_client.post(url(what), data)
    second = alice_client.post(url(what), data, follow=True)

    entry = Entry.objects.get()
    assert first.url == f"/day/2026-11-20/#entry-{entry.pk}"
    assert second.redirect_chain == [(first.url, 302)]
    assert "Already logged" in second.content.decode()


def test_the_same_form_with_a_new_key_logs_again(alice_client):
    data = FORMS["food"]() | {"meal": "lunch", "time": ""}

    alice_client.post(url("food"), data | {"idempotency_key": str(uuid.uuid4())})
    alice_client.post(url("food"), data | {"idempotency_key": str(uuid.uuid4())})

    assert Entry.objects.count() == 2


def test_a_form_without_a_key_still_logs(alice_client):
    data = FORMS["food"]() | {"meal": "lunch", "time": ""}

    alice_client.post(url("food"), data)
    alice_client.post(url("food"), data)

    assert Entry.objects.count() == 2


def test_a_form_sent_back_changed_says_what_it_logged_and_logs_the_change_when_added_again(alice_client):
    key = str(uuid.uuid4())
    data = FORMS["food"]() | {"meal": "lunch", "time": "", "idempotency_key": key}
    alice_client.post(url("food"), data)

    refused = alice_client.post(url("food"), data | {"grams": "35"})

    html = refused.content.decode()
    assert refused.status_code == 200
    assert "This form was already sent, and logged Natto, 20 g, in Lunch." in html
    new_key = field_value(html, "idempotency_key")
    assert new_key != key
    assert field_value(html, "grams") == "35"

    alice_client.post(url("food"), data | {"grams": "35", "idempotency_key": new_key})
    assert sorted(Entry.objects.values_list("quantity", flat=True)) == [20, 35]


@pytest.mark.parametrize("key", ["not-a-uuid", "x" * 500, "\x00"])
def test_a_damaged_key_is_a_form_error(alice_client, key):
    data = FORMS["food"]() | {"meal": "lunch", "time": "", "idempotency_key": key}

    response = alice_client.post(url("food"), data)

    assert response.status_code == 200
    assert "This form was damaged on its way" in response.content.decode()
    assert not Entry.objects.exists()


def test_an_edit_keeps_the_key_so_a_retry_of_the_first_send_logs_nothing_more(alice_client, natto):
    key = str(uuid.uuid4())
    data = {"item": natto.pk, "grams": "20", "count": "", "portion": "", "meal": "lunch", "time": ""}
    alice_client.post(url("food"), data | {"idempotency_key": key})
    entry = Entry.objects.get()

    alice_client.post(f"/entries/{entry.pk}/edit/", data | {"grams": "25"})
    alice_client.post(url("food"), data | {"idempotency_key": key})

    entry.refresh_from_db()
    assert (entry.quantity, entry.idempotency_key) == (25, key)
    assert Entry.objects.count() == 1
