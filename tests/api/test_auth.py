from datetime import timedelta

import pytest

from tests.api.conftest import ApiClient
from tracker.models import ApiToken

pytestmark = pytest.mark.django_db


def test_it_trades_a_password_for_a_working_token(client, alice):
    response = client.post("/api/v1/token", {"username": "alice", "password": "correct-horse-battery"},
                           content_type="application/json")

    assert response.status_code == 200
    key = response.json()["token"]
    assert ApiClient(client, key).get("/foods").status_code == 200
    assert ApiToken.objects.get().user == alice


def test_it_stores_only_a_digest_of_the_key(client, alice):
    key = client.post("/api/v1/token", {"username": "alice", "password": "correct-horse-battery"},
                      content_type="application/json").json()["token"]

    token = ApiToken.objects.get()
    assert key not in (token.digest, token.prefix) and token.digest == ApiToken.digest_of(key)


@pytest.mark.parametrize("username, password", [("alice", "wrong"), ("nobody", "correct-horse-battery"), ("", "")])
def test_wrong_credentials_are_a_401(client, alice, username, password):
    response = client.post("/api/v1/token", {"username": username, "password": password},
                           content_type="application/json")

    assert response.status_code == 401
    assert response.json()["detail"] == "Wrong username or password."
    assert not ApiToken.objects.exists()


def test_a_malformed_token_request_is_a_400(client):
    response = client.post("/api/v1/token", "{not json", content_type="application/json")

    assert response.status_code == 400


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic YWxpY2U6eA==", "Bearer "])
def test_calls_without_a_valid_token_are_a_401(client, alice, header):
    headers = {"Authorization": header} if header else {}

    response = client.get("/api/v1/foods", headers=headers)

    assert response.status_code == 401
    assert response.json()["detail"].startswith("Send a valid token")


def test_a_revoked_token_stops_working(alice_api, alice):
    ApiToken.objects.for_user(alice).delete()

    assert alice_api.get("/foods").status_code == 401


def test_an_inactive_users_token_stops_working(alice_api, alice):
    alice.is_active = False
    alice.save()

    assert alice_api.get("/foods").status_code == 401


def test_it_notes_when_a_token_was_last_used(alice_api):
    ApiToken.objects.update(last_used=None)

    alice_api.get("/foods")

    assert ApiToken.objects.get().last_used is not None


def test_it_notes_the_use_once_a_minute_not_on_every_call(alice_api, django_assert_num_queries):
    noted = ApiToken.objects.get().last_used

    with django_assert_num_queries(3):  # the token and its user, then the profiles with their brackets
        alice_api.get("/guidance-profiles")
    ApiToken.objects.update(last_used=noted - timedelta(minutes=2))
    alice_api.get("/guidance-profiles")

    assert ApiToken.objects.get().last_used > noted


def test_the_browser_session_works_for_same_site_reads(client, alice):
    client.force_login(alice)

    assert client.get("/api/v1/foods").status_code == 200


def test_a_session_write_needs_the_csrf_token(alice):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)

    response = browser.post("/api/v1/entries", {"date": "2026-11-20", "meal": "breakfast",
                                                "dose": {"nutrient": "vitamin_d", "amount": 1000, "unit": "IU"}},
                            content_type="application/json")

    assert response.status_code == 403
