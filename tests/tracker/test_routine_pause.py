"""Pausing and resuming a routine: POST /routines/<id>/pause/ and /routines/<id>/resume/."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from tests.tracker.factories import DAY
from tests.tracker.routine_factories import make_routine, pause
from tracker.models import RoutinePause

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on_day():
    """Today is DAY (alice's time zone is UTC)."""
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 11, 20, 12, 0, tzinfo=UTC)):
        yield


def pauses():
    return list(RoutinePause.objects.values_list("first_day", "last_day"))


def test_it_pauses_from_today(alice_client, alice):
    routine = make_routine(alice, starts_on=DAY - timedelta(days=10))

    response = alice_client.post(f"/routines/{routine.pk}/pause/", follow=True)

    assert response.redirect_chain == [("/routines/", 302)]
    assert "Paused Vitamin D (D2 + D3): no dose is due until you resume it." in response.content.decode()
    assert pauses() == [(DAY, None)]


def test_a_second_pause_changes_nothing(alice_client, alice):
    routine = make_routine(alice)
    pause(routine, DAY - timedelta(days=3))

    alice_client.post(f"/routines/{routine.pk}/pause/")

    assert pauses() == [(DAY - timedelta(days=3), None)]


def test_it_resumes_from_today(alice_client, alice):
    routine = make_routine(alice, starts_on=DAY - timedelta(days=10))
    pause(routine, DAY - timedelta(days=3))

    response = alice_client.post(f"/routines/{routine.pk}/resume/", follow=True)

    assert response.redirect_chain == [("/routines/", 302)]
    assert "Resumed Vitamin D (D2 + D3): its doses are due again from today." in response.content.decode()
    assert pauses() == [(DAY - timedelta(days=3), DAY - timedelta(days=1))]


def test_another_users_routine_is_a_404(alice_client, bob):
    routine = make_routine(bob)
    pause(routine, DAY - timedelta(days=3))

    assert alice_client.post(f"/routines/{routine.pk}/pause/").status_code == 404
    assert alice_client.post(f"/routines/{routine.pk}/resume/").status_code == 404
    assert pauses() == [(DAY - timedelta(days=3), None)]


def test_a_routine_that_does_not_exist_is_a_404(alice_client):
    assert alice_client.post("/routines/999999/pause/").status_code == 404


def test_it_needs_a_log_in(client, alice):
    routine = make_routine(alice)
    for action in ("pause", "resume"):
        url = f"/routines/{routine.pk}/{action}/"
        response = client.post(url)
        assert (response.status_code, response.url) == (302, f"/accounts/login/?next={url}")
    assert pauses() == []


def test_it_answers_only_post(alice_client, alice):
    routine = make_routine(alice)
    for action in ("pause", "resume"):
        assert alice_client.get(f"/routines/{routine.pk}/{action}/").status_code == 405
    assert pauses() == []
