"""Reads of history and exports go to the read replica when DATABASE_REPLICA_URL names one; all else to the primary."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import connections
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import resolve

from tracker.db_routers import ReplicaReadsMiddleware, ReplicaRouter, reading_from_replica
from tracker.models import Entry

ROOT = Path(__file__).resolve().parents[2]
router = ReplicaRouter()


@pytest.fixture
def replica():
    """A "replica" database in the settings, as DATABASE_REPLICA_URL adds (never connected to here)."""
    with mock.patch.dict(connections.settings, {"replica": connections.settings["default"]}):
        yield


def test_it_reads_from_the_primary_by_default(replica):
    assert router.db_for_read(Entry) == "default"


def test_it_reads_from_the_replica_inside_the_block(replica):
    with reading_from_replica():
        assert router.db_for_read(Entry) == "replica"
    assert router.db_for_read(Entry) == "default"


def test_it_reads_from_the_primary_when_there_is_no_replica():
    without_replica = {alias: value for alias, value in connections.settings.items() if alias != "replica"}
    with mock.patch.dict(connections.settings, without_replica, clear=True), reading_from_replica():
        assert router.db_for_read(Entry) == "default"


def test_it_writes_and_migrates_only_on_the_primary(replica):
    with reading_from_replica():
        assert router.db_for_write(Entry) == "default"
    assert router.allow_migrate("default", "tracker") is True
    assert router.allow_migrate("replica", "tracker") is False


def test_it_relates_objects_of_both_databases():
    from_primary, from_replica = Entry(), Entry()
    from_primary._state.db, from_replica._state.db = "default", "replica"

    assert router.allow_relation(from_primary, from_replica)


def read_through_middleware(method, path, make_response=lambda request: HttpResponse()):
    """The database the view at `path` reads from, called as Django does: process_view, then the view."""
    request = getattr(RequestFactory(), method)(path)
    request.resolver_match = resolve(path)
    read_from = []

    def handler(request):
        middleware.process_view(request, request.resolver_match.func, (), {})
        read_from.append(router.db_for_read(Entry))
        return make_response(request)

    middleware = ReplicaReadsMiddleware(handler)
    response = middleware(request)
    return read_from[0], response


@pytest.mark.parametrize(
    "path", ["/history/", "/history/export/entries.csv", "/history/export/days.csv", "/api/v1/history"]
)
def test_history_and_exports_read_from_the_replica(replica, path):
    assert read_through_middleware("get", path)[0] == "replica"


def test_other_views_read_from_the_primary(replica):
    assert read_through_middleware("get", "/day/2026-11-20/")[0] == "default"


def test_a_post_reads_from_the_primary(replica):
    assert read_through_middleware("post", "/history/")[0] == "default"


def test_the_replica_is_left_once_the_response_is_made(replica):
    read_through_middleware("get", "/history/")

    assert router.db_for_read(Entry) == "default"


def test_a_streamed_download_reads_each_piece_from_the_replica(replica):
    def pieces():
        for _ in range(3):
            yield router.db_for_read(Entry)

    def download(request):
        return StreamingHttpResponse(pieces())

    _, response = read_through_middleware("get", "/history/export/entries.csv", download)

    read_between_pieces = []
    read_for_pieces = []
    for piece in response.streaming_content:
        read_for_pieces.append(piece.decode())
        read_between_pieces.append(router.db_for_read(Entry))
    assert read_for_pieces == ["replica"] * 3
    assert read_between_pieces == ["default"] * 3


def settings_with(**env):
    """What `manage.py shell` reports of the database settings with `env` set."""
    report = (
        "from django.conf import settings; from tracker.db_routers import reading_from_replica; "
        "from tracker.models import Entry; "
        "outside = Entry.objects.all().db\n"
        "with reading_from_replica(): inside = Entry.objects.all().db\n"
        "print(sorted(settings.DATABASES), settings.DATABASE_ROUTERS, outside, inside); "
        "print(*settings.MIDDLEWARE)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV", "DATABASE_REPLICA_URL")}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", report],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_settings_add_the_replica_router_and_middleware_when_a_replica_is_named(tmp_path):
    databases, middleware = settings_with(DATABASE_REPLICA_URL=f"sqlite:///{tmp_path / 'replica.sqlite3'}")

    assert databases == "['default', 'replica'] ['tracker.db_routers.ReplicaRouter'] default replica"
    middleware = middleware.split()
    log_in_check = middleware.index("tracker.middleware.LoginRequiredExceptAdminMiddleware")
    assert middleware[log_in_check + 1] == "tracker.db_routers.ReplicaReadsMiddleware"


def test_settings_have_no_replica_by_default():
    databases, middleware = settings_with()

    assert databases == "['default'] [] default default"
    assert "tracker.db_routers.ReplicaReadsMiddleware" not in middleware
