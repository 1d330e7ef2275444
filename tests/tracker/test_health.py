"""/healthz: 200 while the database and the cache answer, 503 naming the one that does not; it writes nothing."""

import socket
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import override_settings

from tests.tracker.test_database_down import UNREACHABLE_REDIS

pytestmark = pytest.mark.django_db

URL = "/healthz"


def redis_is_running():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def test_it_tells_anyone_that_everything_is_ok(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_it_asks_the_database_one_query_and_writes_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(1) as context:
        client.get(URL)

    assert context.captured_queries[0]["sql"] == "SELECT 1"


def test_it_is_never_cached(client):
    assert "no-store" in client.get(URL)["Cache-Control"]


def test_it_answers_head(client):
    response = client.head(URL)

    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_refuses_other_methods(client, method):
    assert getattr(client, method)(URL).status_code == 405


def test_it_answers_503_naming_the_database_when_it_is_down(client):
    with mock.patch.object(connection, "_cursor", side_effect=OperationalError("Connection refused")):
        response = client.get(URL)

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable", "cache": "ok"}


def test_it_answers_for_itself_to_a_request_with_a_session(client):
    client.cookies["sessionid"] = "a" * 32  # reading its user would need the database

    with mock.patch.object(connection, "_cursor", side_effect=OperationalError("Connection refused")):
        response = client.get(URL)

    assert response.json()["database"] == "unreachable"


@override_settings(CACHES=UNREACHABLE_REDIS)
def test_it_answers_503_naming_the_cache_when_redis_is_down(client):
    response = client.get(URL)

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unreachable"}


@pytest.mark.skipif(not redis_is_running(), reason="no Redis at 127.0.0.1:6379")
@override_settings(CACHES={"default": {**UNREACHABLE_REDIS["default"], "LOCATION": "redis://127.0.0.1:6379/0"}})
def test_it_pings_a_running_redis(client):
    assert client.get(URL).json()["cache"] == "ok"
