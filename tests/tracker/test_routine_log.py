"""Logging one scheduled dose from the day page: POST /routines/<id>/log/<day>/."""

from datetime import timedelta

import pytest

from tests.tracker.factories import DAY, make_natto
from tests.tracker.routine_factories import make_product_routine, make_routine, pause
from tracker.models import Entry

pytestmark = pytest.mark.django_db


def log_url(routine, day=DAY):
    return f"/routines/{routine.pk}/log/{day}/"


def test_it_logs_the_dose_and_goes_back_to_the_day(alice_client, alice):
    routine = make_routine(alice, meal="lunch")

    response = alice_client.post(log_url(routine))

    entry = Entry.objects.get()
    assert (response.status_code, response.url) == (302, f"/day/{DAY}/#entry-{entry.pk}")
    assert (entry.user, entry.routine, entry.day, entry.meal, entry.dose_amount) == (alice, routine, DAY, "lunch", 125)


def test_the_day_then_shows_it_as_an_entry_to_edit_or_delete(alice_client, alice):
    routine = make_routine(alice)

    html = alice_client.post(log_url(routine), follow=True).content.decode()

    entry = Entry.objects.get()
    assert "Logged Vitamin D (D2 + D3), 5000 IU, in Breakfast." in html
    assert f'href="/entries/{entry.pk}/edit/"' in html
    assert f'href="/entries/{entry.pk}/delete/"' in html
    assert 'id="scheduled-doses"' not in html


def test_a_second_click_logs_nothing_more(alice_client, alice):
    routine = make_routine(alice)
    alice_client.post(log_url(routine))

    response = alice_client.post(log_url(routine), follow=True)

    entry = Entry.objects.get()
    assert response.redirect_chain == [(f"/day/{DAY}/#entry-{entry.pk}", 302)]
    assert "Vitamin D (D2 + D3) was already logged on this day." in response.content.decode()


def test_a_day_the_routine_does_not_schedule_is_refused_with_a_message(alice_client, alice):
    routine = make_routine(alice, starts_on=DAY - timedelta(days=5))
    pause(routine, DAY - timedelta(days=1))

    response = alice_client.post(log_url(routine), follow=True)

    assert response.redirect_chain == [(f"/day/{DAY}/", 302)]
    assert "was not logged: Vitamin D (D2 + D3) is not scheduled on Friday 20 November 2026." in (
        response.content.decode()
    )
    assert not Entry.objects.exists()


def test_a_routine_that_no_longer_passes_the_entry_rules_asks_for_an_edit(alice_client, alice):
    natto = make_natto()
    routine = make_product_routine(alice, item=natto, portion=natto.portions.get(), quantity_unit="portion")
    natto.portions.get().delete()

    response = alice_client.post(log_url(routine), follow=True)

    assert response.status_code == 200
    assert "Natto was not logged" in response.content.decode()
    assert "Edit the routine to fix it." in response.content.decode()
    assert not Entry.objects.exists()


@pytest.mark.parametrize("bad_day", ["2026-02-30", "yesterday", "0001-01-01"])
def test_a_bad_day_is_a_404(alice_client, alice, bad_day):
    routine = make_routine(alice)
    assert alice_client.post(f"/routines/{routine.pk}/log/{bad_day}/").status_code == 404


def test_another_users_routine_is_a_404(alice_client, bob):
    routine = make_routine(bob)

    assert alice_client.post(log_url(routine)).status_code == 404
    assert not Entry.objects.exists()


def test_it_needs_a_log_in(client, alice):
    url = log_url(make_routine(alice))
    response = client.post(url)
    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={url}")
    assert not Entry.objects.exists()


def test_it_answers_only_post(alice_client, alice):
    routine = make_routine(alice)
    assert alice_client.get(log_url(routine)).status_code == 405
    assert not Entry.objects.exists()
