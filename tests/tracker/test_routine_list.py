"""The routines page, /routines/: each routine with its schedule, state, next dose and adherence."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.tracker.factories import DAY, make_d3_softgel
from tests.tracker.pages import text
from tests.tracker.routine_factories import make_product_routine, make_routine, pause
from tracker.models import Profile
from tracker.routines import log_routine

pytestmark = pytest.mark.django_db

URL = "/routines/"
NOON_ON_DAY = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def on_day():
    """Today is DAY (alice's time zone is UTC)."""
    with mock.patch("django.utils.timezone.now", return_value=NOON_ON_DAY):
        yield


def row(html, routine):
    found = re.search(rf'<tr[^>]*id="routine-{routine.pk}".*?</tr>', html, re.S)
    assert found, f"no row for routine {routine.pk}"
    return found.group(0)


def cell(row_html, css_class):
    found = re.search(rf'<td[^>]*class="[^"]*\b{css_class}\b[^"]*"[^>]*>(.*?)</td>', row_html, re.S)
    return text(found.group(1))


def page(client):
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_each_routine_with_its_schedule_and_next_dose(alice_client, alice, on_day):
    weekly = make_routine(alice, quantity=50000, frequency="interval", every_n_days=7, meal="dinner",
                          starts_on=DAY - timedelta(days=5))
    softgel = make_product_routine(alice, frequency="weekdays", weekdays=1 | 16, ends_on=DAY + timedelta(days=30))

    html = page(alice_client)

    assert cell(row(html, weekly), "routine-schedule") == "Every 7 days, dinner from 15 Nov 2026"
    assert cell(row(html, weekly), "routine-next") == "Sun 22 Nov 2026"
    assert cell(row(html, weekly), "routine-state") == "Active"
    assert "50000 IU" in row(html, weekly)
    assert cell(row(html, softgel), "routine-schedule") == "On Mon, Fri, breakfast from 20 Nov 2026 until 20 Dec 2026"
    assert cell(row(html, softgel), "routine-next") == "Today"


def test_it_shows_adherence_over_7_and_30_days(alice_client, alice, on_day):
    routine = make_routine(alice, starts_on=DAY - timedelta(days=9))
    for days_ago in (0, 1, 8):
        log_routine(routine, DAY - timedelta(days=days_ago))

    html = page(alice_client)

    assert cell(row(html, routine), "routine-adherence-7") == "29% (2 of 7)"
    assert cell(row(html, routine), "routine-adherence-30") == "30% (3 of 10)"


def test_a_routine_with_nothing_scheduled_yet_shows_a_dash_not_zero(alice_client, alice, on_day):
    later = make_routine(alice, starts_on=DAY + timedelta(days=3))

    html = page(alice_client)

    assert cell(row(html, later), "routine-adherence-7") == "—"
    assert cell(row(html, later), "routine-adherence-30") == "—"
    assert cell(row(html, later), "routine-state") == "Not started"


def test_paused_and_ended_routines_say_so_and_offer_what_fits(alice_client, alice, on_day):
    paused = make_routine(alice, starts_on=DAY - timedelta(days=9))
    pause(paused, DAY - timedelta(days=2))
    ended = make_routine(alice, starts_on=DAY - timedelta(days=9), ends_on=DAY - timedelta(days=1))
    active = make_routine(alice)

    html = page(alice_client)

    assert cell(row(html, paused), "routine-state") == "Paused since 18 Nov 2026"
    assert cell(row(html, ended), "routine-state") == "Ended"
    assert cell(row(html, paused), "routine-next") == cell(row(html, ended), "routine-next") == "—"
    assert re.findall(r'action="/routines/\d+/(\w+)/"', row(html, paused)) == ["resume", "end", "delete"]
    assert re.findall(r'action="/routines/\d+/(\w+)/"', row(html, ended)) == ["delete"]
    assert re.findall(r'action="/routines/\d+/(\w+)/"', row(html, active)) == ["pause", "end", "delete"]
    assert f'href="/routines/{ended.pk}/edit/"' in row(html, ended)


def test_it_shows_only_the_users_own_routines(alice_client, alice, bob):
    mine = make_routine(alice)
    theirs = make_routine(bob)

    html = page(alice_client)

    assert re.findall(r'data-routine="(\d+)"', html) == [str(mine.pk)]
    assert f"routine-{theirs.pk}" not in html


def test_with_no_routine_it_says_how_to_start(alice_client):
    html = page(alice_client)

    assert 'id="no-routines"' in html
    assert 'href="/routines/new/"' in html


def test_it_makes_the_same_number_of_queries_for_1_or_20_routines(alice_client, alice, bob):
    Profile.objects.for_user(alice)
    make_routine(alice)
    alice_client.get(URL)
    with CaptureQueriesContext(connection) as one:
        page(alice_client)
    softgel = make_d3_softgel()
    for number in range(19):
        routine = make_product_routine(alice, item=softgel, starts_on=DAY - timedelta(days=number))
        pause(routine, DAY + timedelta(days=5), DAY + timedelta(days=6))
        log_routine(routine, DAY - timedelta(days=number))

    with CaptureQueriesContext(connection) as twenty:
        html = page(alice_client)

    assert len(twenty) == len(one)
    assert len(re.findall(r'<tr class="routine"', html)) == 20


def test_it_needs_a_log_in(client):
    response = client.get(URL)
    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={URL}")


def test_it_answers_only_get(alice_client):
    assert alice_client.post(URL).status_code == 405
