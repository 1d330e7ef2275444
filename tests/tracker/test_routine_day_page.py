"""The day page's scheduled doses (templates/tracker/_scheduled_doses.html): what is still open, to log."""

import re
from datetime import UTC, datetime, time, timedelta
from unittest import mock

import pytest

from tests.tracker.factories import DAY
from tests.tracker.routine_factories import make_product_routine, make_routine
from tracker.routines import log_routine

pytestmark = pytest.mark.django_db

URL = f"/day/{DAY}/"


def day_page(client, url=URL):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def card(html):
    found = re.search(r'<section[^>]*id="scheduled-doses".*?</section>', html, re.S)
    return found and found.group(0)


def test_it_lists_the_open_doses_each_with_a_log_button(alice_client, alice):
    vitamin_d = make_routine(alice, time=time(8, 0))
    softgel = make_product_routine(alice, meal="dinner")

    doses = card(day_page(alice_client))

    assert re.findall(r'data-routine="(\d+)"', doses) == [str(vitamin_d.pk), str(softgel.pk)]
    assert "08:00" in doses and "5000 IU" in doses and "Vitamin D3 5,000 IU" in doses
    assert re.findall(r'<form method="post" action="([^"]+)"', doses) == [
        f"/routines/log-all/{DAY}/", f"/routines/{vitamin_d.pk}/log/{DAY}/", f"/routines/{softgel.pk}/log/{DAY}/"
    ]
    assert doses.count('name="csrfmiddlewaretoken"') == 3
    assert "Scheduled on this day" in doses


def test_today_it_says_scheduled_today_and_one_dose_needs_no_log_all(client, alice):
    make_routine(alice, starts_on=DAY - timedelta(days=3))
    client.force_login(alice)

    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 11, 20, 12, 0, tzinfo=UTC)):
        doses = card(day_page(client, "/day/"))

    assert "Scheduled today" in doses
    assert "Log all" not in doses


def test_a_logged_dose_leaves_the_list_and_shows_in_its_meal(alice_client, alice):
    logged = make_routine(alice)
    still_open = make_routine(alice, dose_nutrient="k2_mk7_ug", quantity=100, quantity_unit="ug")
    entry, _ = log_routine(logged, DAY)

    html = day_page(alice_client)

    assert re.findall(r'data-routine="(\d+)"', card(html)) == [str(still_open.pk)]
    assert f'id="entry-{entry.pk}"' in html


def test_with_no_routine_it_shows_nothing(alice_client):
    html = day_page(alice_client)

    assert card(html) is None
    assert 'id="scheduled-doses-none"' not in html


def test_with_routines_but_nothing_open_it_shows_a_quiet_link(alice_client, alice):
    log_routine(make_routine(alice), DAY)

    html = day_page(alice_client)

    assert card(html) is None
    quiet = re.search(r'<p[^>]*id="scheduled-doses-none".*?</p>', html, re.S).group(0)
    assert 'href="/routines/new/"' in quiet and "Set up a routine" in quiet


def test_it_shows_only_the_users_own_doses(alice_client, bob):
    make_routine(bob)
    assert card(day_page(alice_client)) is None
