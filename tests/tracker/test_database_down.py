"""While the database or the cache is unreachable, pages and the API answer a clear 503, never a 500 or a hang.

The outage is simulated: every new cursor raises OperationalError, as psycopg does while PostgreSQL restarts.
bench/faults.py restarts a real PostgreSQL under load.
"""

import html
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory, override_settings

from tests.api.conftest import ApiClient, token_in_use
from tracker.middleware import ServiceUnavailableMiddleware, server_error, service_unavailable
from tracker.models import Entry

pytestmark = pytest.mark.django_db

DATABASE_DOWN = "Tandem can't reach its database right now; nothing you sent was saved; try again in a minute."
CACHE_DOWN = "Tandem can't reach its cache right now; nothing you sent was saved; try again in a minute."
# Redis at a port nothing listens on: the real client's connection error, at once.
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@contextmanager
def database_down():
    error = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
    with mock.patch.object(connection, "_cursor", side_effect=error):
        yield


@pytest.fixture
def client(client):
    """The test client, answering as a browser would see it rather than raising what the server logged."""
    client.raise_request_exception = False
    return client


def assert_clear_503(response, message=DATABASE_DOWN):
    body = html.unescape(response.content.decode())
    assert response.status_code == 503
    assert message in body
    assert "Traceback" not in body and "OperationalError" not in body and "Connection refused" not in body
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]


def test_it_answers_a_page_with_503_while_the_database_is_down(alice_client):
    with database_down():
        response = alice_client.get("/day/2026-11-20/")

    assert_clear_503(response)
    assert response["Content-Type"].startswith("text/html")
    assert "Try again in a minute" in response.content.decode()


def test_it_answers_a_log_in_with_503_while_the_database_is_down(client, alice):
    with database_down():
        response = client.post("/accounts/login/", {"username": "alice", "password": "correct-horse-battery"})

    assert_clear_503(response)


def test_it_answers_the_api_with_json_503_while_the_database_is_down(client, alice):
    api = ApiClient(client, token_in_use(alice))

    with database_down():
        response = api.get("/days/2026-11-20")

    assert_clear_503(response)
    assert response.json() == {"detail": DATABASE_DOWN, "errors": []}


def test_it_saves_nothing_sent_while_the_database_is_down(client, alice):
    api = ApiClient(client, token_in_use(alice))
    dose = {"date": "2026-11-20", "meal": "breakfast", "dose": {"nutrient": "vitamin_d", "amount": 1000, "unit": "IU"}}

    with database_down():
        response = api.post("/entries", dose)

    assert response.status_code == 503
    assert not Entry.objects.exists()


def test_it_serves_again_once_the_database_is_back(alice_client):
    with database_down():
        assert alice_client.get("/day/2026-11-20/").status_code == 503

    assert alice_client.get("/day/2026-11-20/").status_code == 200


def test_it_answers_503_naming_the_cache_while_redis_is_down(alice_client):
    with override_settings(CACHES=UNREACHABLE_REDIS):
        response = alice_client.get("/day/2026-11-20/")

    assert_clear_503(response, CACHE_DOWN)


def test_an_api_request_failing_outside_the_api_gets_json():
    request = RequestFactory().get("/api/v1/days/2026-11-20")

    response = ServiceUnavailableMiddleware(lambda request: None).process_exception(request, OperationalError())

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"


def test_any_other_error_is_left_to_django():
    request = RequestFactory().get("/day/")

    assert service_unavailable(request, ValueError("a bug")) is None
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
