import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.tracker.account_world import give_everything
from tests.tracker.factories import log_dose
from tests.tracker.pages import element, html_of, text
from tracker.account_data import FORMAT, FORMAT_VERSION, account_data_pieces
from tracker.models import Profile

pytestmark = pytest.mark.django_db

PAGE = "/accounts/data/"
DOWNLOAD = "/accounts/data.json"


def document(user, **kwargs):
    return json.loads("".join(account_data_pieces(user, **kwargs)))


def downloaded(response):
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


# The document


def test_it_names_its_format_and_version(alice):
    data = document(alice)

    assert (data["format"], data["format_version"]) == (FORMAT, FORMAT_VERSION) == ("tandem-account-data", 1)
    assert data["exported_at"]


def test_it_holds_the_account_and_the_profile(alice):
    give_everything(alice)

    data = document(alice)

    assert data["account"]["username"] == "alice" and data["account"]["email"] == "alice@example.com"
    assert data["profile"] == {
        "vitamin_d_unit": "ug", "guidance_profile": None, "timezone": "Europe/Berlin", "takes_warfarin": True,
        "kidney_disease": False, "pregnant": False, "is_child": False,
    }


def test_it_holds_every_entry_as_it_was_typed(alice):
    mine = give_everything(alice)

    entries = document(alice)["entries"]

    assert [entry["id"] for entry in entries] == [entry.pk for entry in mine.entries]
    natto, bar, dose, routine_dose = entries
    assert natto | {"logged_at": None} == {
        "id": mine.entries[0].pk, "date": "2026-11-20", "item_id": mine.entries[0].item_id, "item_name": "Natto",
        "portion": None, "quantity": 20, "unit": "g", "dose_nutrient": None, "meal": "lunch", "time": "12:30",
        "dose_amount": None, "routine_id": None, "logged_at": None,
    }
    assert (bar["item_id"], bar["portion"], bar["quantity"], bar["unit"]) == (mine.own_item.pk, "1 bar", 2, "portion")
    assert (dose["dose_nutrient"], dose["quantity"], dose["unit"], dose["dose_amount"]) == ("vitamin_d_ug", 5000, "IU",
                                                                                          125)
    assert routine_dose["routine_id"] == mine.routine.pk
    assert natto["logged_at"] == mine.entries[0].created.isoformat()


def test_it_holds_own_items_with_their_values_and_portions(alice):
    mine = give_everything(alice)

    (item,) = document(alice)["own_items"]

    assert (item["id"], item["name"], item["kind"], item["brand"], item["values_per"]) == (
        mine.own_item.pk, "alice's K2 bar", "food", "Home", "100g"
    )
    assert sorted((value["nutrient"], value["amount"], value["unit"]) for value in item["values"]) == [
        ("k2_mk7_ug", 45.5, "µg"), ("vitamin_d_ug", 2.5, "µg"),
    ]
    assert {value["source"] for value in item["values"]} == {"Entered by alice from a product label"}
    assert item["portions"] == [{"label": "1 bar", "grams": 40, "units": None}]


def test_it_holds_routines_with_their_pauses(alice):
    mine = give_everything(alice)

    (routine,) = document(alice)["routines"]

    assert routine["id"] == mine.routine.pk
    assert (routine["item_name"], routine["quantity"], routine["unit"]) == ("Vitamin D3 5,000 IU", 1, "unit")
    assert (routine["frequency"], routine["weekdays"]) == ("weekdays", ["Monday", "Friday"])
    assert (routine["starts_on"], routine["ends_on"]) == ("2026-11-20", None)
    assert routine["pauses"] == [{"first_day": "2026-11-23", "last_day": "2026-11-29"}]


def test_it_names_api_tokens_but_never_gives_their_keys(alice):
    mine = give_everything(alice)

    raw = "".join(account_data_pieces(alice))

    assert [token["name"] for token in json.loads(raw)["api_tokens"]] == ["alice's phone"]
    assert mine.key not in raw and mine.token.digest not in raw and mine.token.prefix not in raw


def test_it_holds_nothing_of_anyone_else(alice, bob):
    give_everything(alice)
    theirs = give_everything(bob)

    raw = "".join(account_data_pieces(alice))
    data = json.loads(raw)

    assert "bob" not in raw
    assert not {entry.pk for entry in theirs.entries} & {entry["id"] for entry in data["entries"]}
    assert theirs.routine.pk not in [routine["id"] for routine in data["routines"]]


def test_an_empty_account_gives_empty_sections(alice):
    data = document(alice)

    assert (data["entries"], data["own_items"], data["routines"], data["api_tokens"]) == ([], [], [], [])
    assert data["profile"]["timezone"] == "UTC"


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5])
def test_entries_read_in_chunks_make_one_list(alice, count):
    logged = [log_dose(alice, "calcium_mg", 100 + number, "mg").pk for number in range(count)]

    data = document(alice, chunk_size=2)

    assert [entry["id"] for entry in data["entries"]] == logged


def test_the_queries_do_not_grow_with_the_entries(alice):
    give_everything(alice)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            document(alice)
        return len(captured)

    few = queries()
    for number in range(20):
        log_dose(alice, "calcium_mg", 100 + number, "mg")
    assert queries() == few


# The page and the download


def test_the_page_says_what_the_file_holds_and_links_the_download(alice_client, alice):
    give_everything(alice)

    html = html_of(alice_client.get(PAGE))

    assert "your 4 entries" in text(html)
    assert "1 own item" in text(html) and "1 routine " in text(html)
    assert 'href="/accounts/data.json"' in element(html, "download-data")
    assert 'href="/accounts/delete/"' in html


def test_the_profile_page_links_the_data_page_and_the_deletion(alice_client):
    section = element(html_of(alice_client.get("/accounts/profile/")), "your-data")

    assert 'href="/accounts/data/"' in section and 'href="/accounts/delete/"' in section


def test_it_downloads_the_document_as_a_json_file_no_cache_keeps(alice_client, alice):
    give_everything(alice)

    response = alice_client.get(DOWNLOAD)

    assert response["Content-Type"] == "application/json"
    today = Profile.objects.for_user(alice).today()  # in Berlin, her time zone
    assert response["Content-Disposition"] == f'attachment; filename="tandem-data-{today.isoformat()}.json"'
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    data = downloaded(response)
    assert data["format_version"] == 1 and len(data["entries"]) == 4


@pytest.mark.parametrize("url", [PAGE, DOWNLOAD])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("url", [PAGE, DOWNLOAD])
def test_it_takes_only_get(alice_client, url):
    assert alice_client.post(url).status_code == 405


def test_bob_downloads_his_own_data_only(client, alice, bob):
    give_everything(alice)
    client.force_login(bob)

    data = downloaded(client.get(DOWNLOAD))

    assert data["account"]["username"] == "bob"
    assert (data["entries"], data["own_items"], data["routines"], data["api_tokens"]) == ([], [], [], [])
