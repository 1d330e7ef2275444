"""Ending a routine: POST /routines/<id>/end/ makes today its last day; what it logged stays."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from tests.tracker.factories import DAY
from tests.tracker.routine_factories import make_routine
from tracker.models import Entry, Routine
from tracker.routines import log_routine

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on_day():
    """Today is DAY (alice's time zone is UTC)."""
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 11, 20, 12, 0, tzinfo=UTC)):
        yield


def end_url(routine):
    return f"/routines/{routine.pk}/end/"


def test_it_ends_today_and_keeps_what_was_logged(alice_client, alice):
    routine = make_routine(alice, starts_on=DAY - timedelta(days=5))
    logged, _ = log_routine(routine, DAY - timedelta(days=1))

    response = alice_client.post(end_url(routine), follow=True)

    assert response.redirect_chain == [("/routines/", 302)]
    assert "Ended Vitamin D (D2 + D3): today is its last day." in response.content.decode()
    assert Routine.objects.get().ends_on == DAY
    assert list(Entry.objects.filter(routine=routine)) == [logged]


def test_a_routine_not_started_is_not_ended_and_says_why(alice_client, alice):
    routine = make_routine(alice, starts_on=DAY + timedelta(days=2))

    response = alice_client.post(end_url(routine), follow=True)

    assert "has not started yet: delete it, or change its dates." in response.content.decode()
    assert Routine.objects.get().ends_on is None


def test_another_users_routine_is_a_404(alice_client, bob):
    routine = make_routine(bob)

    assert alice_client.post(end_url(routine)).status_code == 404
    assert Routine.objects.get().ends_on is None


def test_it_needs_a_log_in(client, alice):
    url = end_url(make_routine(alice))
    response = client.post(url)
    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={url}")


def test_it_answers_only_post(alice_client, alice):
    routine = make_routine(alice)
    assert alice_client.get(end_url(routine)).status_code == 405
    assert Routine.objects.get().ends_on is None
