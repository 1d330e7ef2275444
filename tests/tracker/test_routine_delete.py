"""Deleting a routine: POST /routines/<id>/delete/, asked for twice on the page; what it logged stays."""

import re

import pytest

from tests.tracker.factories import DAY
from tests.tracker.routine_factories import make_routine, pause
from tracker.models import Routine, RoutinePause
from tracker.routines import log_routine

pytestmark = pytest.mark.django_db


def delete_url(routine):
    return f"/routines/{routine.pk}/delete/"


def test_it_deletes_the_routine_and_keeps_the_doses_it_logged(alice_client, alice):
    routine, other = make_routine(alice), make_routine(alice)
    logged, _ = log_routine(routine, DAY)
    pause(routine, DAY)

    response = alice_client.post(delete_url(routine), follow=True)

    assert response.redirect_chain == [("/routines/", 302)]
    assert "The doses it logged stay in your log." in response.content.decode()
    assert list(Routine.objects.all()) == [other]
    assert not RoutinePause.objects.exists()
    logged.refresh_from_db()
    assert (logged.routine, logged.day, logged.dose_amount) == (None, DAY, 125)


def test_the_page_asks_before_deleting(alice_client, alice):
    routine = make_routine(alice)

    html = alice_client.get("/routines/").content.decode()

    confirm = re.search(r"<details[^>]*>.*?</details>", html, re.S).group(0)
    assert "Delete this routine? The doses it logged stay in your log." in confirm
    assert f'action="{delete_url(routine)}"' in confirm
    assert 'name="csrfmiddlewaretoken"' in confirm


def test_another_users_routine_is_a_404(alice_client, bob):
    routine = make_routine(bob)

    assert alice_client.post(delete_url(routine)).status_code == 404
    assert Routine.objects.exists()


def test_it_needs_a_log_in(client, alice):
    url = delete_url(make_routine(alice))
    response = client.post(url)
    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={url}")
    assert Routine.objects.exists()


def test_it_answers_only_post(alice_client, alice):
    routine = make_routine(alice)
    assert alice_client.get(delete_url(routine)).status_code == 405
    assert Routine.objects.exists()
