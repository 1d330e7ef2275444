"""Repeated failed log-ins lock an account, or an address, out for 15 minutes: site, admin and API alike."""

import io
import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tracker.lockout import client_address

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "correct-horse-battery"
LOCKED_OUT = "Too many failed log-ins; try again in 15 minutes."


def log_in(client, username, password, address="203.0.113.9", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, address="203.0.113.9", url=LOGIN):
    """`times` log-ins with a wrong password; the last response."""
    for _ in range(times):
        response = log_in(client, username, "wrong-horse", address, url)
    return response


def is_locked_out(response):
    return response.status_code == 429 and LOCKED_OUT in response.content.decode()


def logged_in(client):
    return SESSION_KEY in client.session


def test_four_failures_are_only_form_errors(client, alice):
    response = fail(client, "alice", 4)

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()


def test_the_fifth_failure_locks_the_username_out_with_a_page_that_says_so(client, alice):
    response = fail(client, "alice", 5)

    assert is_locked_out(response)
    assert "registration/locked_out.html" in [template.name for template in response.templates]
    assert 'href="/accounts/password_reset/"' in response.content.decode()


def test_a_locked_out_username_is_refused_even_with_the_right_password_and_from_elsewhere(client, alice):
    fail(client, "alice", 5)

    response = log_in(client, "alice", PASSWORD, address="198.51.100.7")

    assert is_locked_out(response)
    assert not logged_in(client)


def test_other_users_still_log_in_from_elsewhere(client, alice, bob):
    fail(client, "alice", 5)

    response = log_in(client, "bob", PASSWORD, address="198.51.100.7")

    assert response.status_code == 302
    assert logged_in(client)


def test_an_address_is_locked_out_after_five_failures_across_usernames(client, alice):
    for username in ["bob", "carol", "dave", "erin", "frank"]:
        response = fail(client, username, 1)
    assert is_locked_out(response)

    assert is_locked_out(log_in(client, "alice", PASSWORD))
    assert not logged_in(client)
    assert log_in(Client(), "alice", PASSWORD, address="198.51.100.7").status_code == 302


def test_failing_as_a_username_spelled_like_an_address_does_not_lock_that_address_out(client, alice):
    fail(client, "198.51.100.7", 5, address="203.0.113.9")

    assert log_in(Client(), "alice", PASSWORD, address="198.51.100.7").status_code == 302


def test_a_successful_log_in_forgives_the_users_own_failures(client, alice):
    fail(client, "alice", 4)
    assert log_in(client, "alice", PASSWORD).status_code == 302
    client.logout()

    assert fail(client, "alice", 4).status_code == 200
    assert not is_locked_out(log_in(client, "alice", PASSWORD))


def test_logging_in_to_ones_own_account_does_not_forgive_guesses_at_anothers(client, alice, bob):
    fail(client, "alice", 4)
    assert log_in(client, "bob", PASSWORD).status_code == 302
    client.logout()

    assert is_locked_out(fail(client, "alice", 1, address="198.51.100.7"))


def test_the_lockout_ends_15_minutes_after_the_last_failure(client, alice):
    fail(client, "alice", 5)

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert is_locked_out(log_in(client, "alice", PASSWORD))

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    assert log_in(client, "alice", PASSWORD).status_code == 302
    assert logged_in(client)


def test_staff_lift_a_lockout_with_the_axes_command(client, alice):
    fail(client, "alice", 5)

    call_command("axes_reset_username", "alice", stdout=io.StringIO())

    assert log_in(client, "alice", PASSWORD).status_code == 302


def test_the_admin_log_in_locks_out_too(client, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    admin_login = reverse("admin:login")

    assert fail(client, "root", 4, url=admin_login).status_code == 200
    assert is_locked_out(fail(client, "root", 1, url=admin_login))
    assert is_locked_out(log_in(client, "root", PASSWORD, url=admin_login))
    assert not logged_in(client)


def test_a_lockout_on_the_log_in_page_holds_on_the_admin(client, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    fail(client, "root", 5)

    assert is_locked_out(log_in(client, "root", PASSWORD, address="198.51.100.7", url=reverse("admin:login")))


def token_request(client, username, password, address="203.0.113.9"):
    return client.post("/api/v1/token", {"username": username, "password": password},
                       content_type="application/json", REMOTE_ADDR=address)


def test_the_api_token_endpoint_answers_a_lockout_with_a_json_429(client, alice):
    for _ in range(4):
        assert token_request(client, "alice", "wrong-horse").status_code == 401

    response = token_request(client, "alice", "wrong-horse")

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": LOCKED_OUT, "errors": []}
    assert token_request(client, "alice", PASSWORD).status_code == 429


def test_the_api_schema_declares_the_429(client):
    responses = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/token"]["post"]["responses"]

    assert "429" in responses


def test_failures_on_the_api_count_towards_the_log_in_page(client, alice):
    for _ in range(5):
        token_request(client, "alice", "wrong-horse")

    assert is_locked_out(log_in(client, "alice", PASSWORD))


# Behind reverse proxies, the client's address is the one the nearest proxy appended to X-Forwarded-For.


def request_from(rf, remote_addr, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    return rf.post(LOGIN, REMOTE_ADDR=remote_addr, headers=headers)


def test_without_proxies_the_address_is_the_peers_whatever_the_header_says(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_address(request_from(rf, "203.0.113.9", "198.51.100.7")) == "203.0.113.9"


@pytest.mark.parametrize("proxies, forwarded_for, expected", [
    (1, "198.51.100.7", "198.51.100.7"),
    (1, "192.0.2.1, 198.51.100.7", "198.51.100.7"),  # the first entry is whatever the client sent
    (2, "192.0.2.1, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
    (1, "2001:db8::1", "2001:db8::1"),
])
def test_behind_proxies_the_address_is_the_one_the_nearest_proxy_saw(rf, settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert client_address(request_from(rf, "10.0.0.1", forwarded_for)) == expected


@pytest.mark.parametrize("forwarded_for", [None, "", "not-an-address", "198.51.100.7, <script>"])
def test_a_missing_short_or_bogus_header_falls_back_to_the_peer(rf, settings, forwarded_for):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_address(request_from(rf, "10.0.0.1", forwarded_for)) == "10.0.0.1"


def test_a_short_header_falls_back_to_the_peer(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_address(request_from(rf, "10.0.0.1", "198.51.100.7")) == "10.0.0.1"


def test_behind_a_proxy_clients_are_locked_out_one_by_one(client, settings, alice, bob):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    for username in ["carol", "dave", "erin", "frank", "grace"]:
        client.post(LOGIN, {"username": username, "password": "wrong-horse"}, REMOTE_ADDR=proxy,
                    headers={"X-Forwarded-For": "192.0.2.1, 203.0.113.9"})

    spoofing = Client().post(LOGIN, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=proxy,
                             headers={"X-Forwarded-For": "192.0.2.99, 203.0.113.9"})
    elsewhere = Client().post(LOGIN, {"username": "bob", "password": PASSWORD}, REMOTE_ADDR=proxy,
                              headers={"X-Forwarded-For": "198.51.100.7"})

    assert is_locked_out(spoofing)
    assert elsewhere.status_code == 302


@pytest.mark.parametrize("content_type, password", [
    ("multipart/form-data", "wrong-horse"),  # no boundary: not a form Django can read
    ("application/x-www-form-urlencoded", "&" * 1001),  # read as a form, more fields than Django allows
])
def test_failures_count_whatever_content_type_the_api_call_claims(client, alice, content_type, password):
    """Axes keeps a failed log-in's form data: a JSON body sent as a form may have none Django can read."""
    body = json.dumps({"username": "alice", "password": password})
    for _ in range(4):
        response = client.post("/api/v1/token", body, content_type=content_type, REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 401

    assert token_request(client, "alice", "wrong-horse").status_code == 429
