import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_item
from tests.tracker.factories import DAY, log_dose, log_item, make_d3_softgel, make_natto
from tests.tracker.pages import element, html_of, text
from tracker.models import Profile

pytestmark = pytest.mark.django_db

URL = "/history/"


@pytest.fixture(autouse=True)
def today_is_day():
    """Every request of these tests happens at noon (UTC) on DAY."""
    with mock.patch("django.utils.timezone.now", return_value=datetime(DAY.year, DAY.month, DAY.day, 12, tzinfo=UTC)):
        yield


def rows(html):
    """{day: the row's HTML} of the table, in the page's order."""
    return dict(re.findall(r'(?s)(?=<tr data-day="([0-9-]+)")(<tr.*?</tr>)', element(html, "history-table")))


def cells(row):
    return [text(cell) for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row, re.S)]


def days_back(*numbers):
    return [str(DAY - timedelta(days=number)) for number in numbers]


# Access


def test_it_needs_a_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/history/"


def test_it_refuses_a_post(alice_client):
    assert alice_client.post(URL).status_code == 405


def test_it_never_shows_another_users_days(alice_client, bob):
    log_item(bob, make_d3_softgel(), units=1)
    log_dose(bob, "k2_mk7_ug", 100, "ug", day=DAY - timedelta(days=1))

    html = html_of(alice_client.get(URL))

    assert {row for row in rows(html).values() if 'data-logged="true"' in row} == set()
    assert "0 of 30" in text(element(html, "stat-logged"))
    assert [cells(row)[1] for row in rows(html).values()] == ["0 IU"] * 30


# The range


def test_it_shows_the_last_30_days_newest_first_by_default(alice_client):
    html = html_of(alice_client.get(URL))

    assert list(rows(html)) == days_back(*range(30))
    assert "History, 22 Oct 2026 – 20 Nov 2026" in text(element(html, "history-heading"))
    assert 'aria-current="page">30 days' in html
    assert "range-errors" not in html


@pytest.mark.parametrize("days", [7, 90, 365])
def test_it_shows_the_last_7_90_or_365_days(alice_client, days):
    html = html_of(alice_client.get(URL, {"days": days}))
    assert list(rows(html)) == days_back(*range(days))
    assert f'aria-current="page">{days} days' in html


def test_it_shows_a_chosen_range(alice_client):
    html = html_of(alice_client.get(URL, {"start": "2026-03-01", "end": "2026-03-03"}))

    assert list(rows(html)) == ["2026-03-03", "2026-03-02", "2026-03-01"]
    assert 'name="start" value="2026-03-01"' in html and 'name="end" value="2026-03-03"' in html
    assert 'aria-current="page"' not in html


def test_a_range_may_be_one_day_or_366(alice_client):
    assert list(rows(html_of(alice_client.get(URL, {"start": str(DAY), "end": str(DAY)})))) == [str(DAY)]
    a_leap_year = {"start": "2028-01-01", "end": "2028-12-31"}
    assert len(rows(html_of(alice_client.get(URL, a_leap_year)))) == 366


def test_a_start_alone_runs_to_today_and_an_end_alone_shows_30_days_to_it(alice_client):
    assert list(rows(html_of(alice_client.get(URL, {"start": str(DAY - timedelta(days=2))})))) == days_back(0, 1, 2)
    html = html_of(alice_client.get(URL, {"end": "2026-03-30"}))
    assert (len(rows(html)), list(rows(html))[-1]) == (30, "2026-03-01")


@pytest.mark.parametrize(
    "params, error",
    [
        ({"days": "14"}, "Choose the last 7, 30, 90 or 365 days"),
        ({"days": "a week"}, "Choose the last 7, 30, 90 or 365 days"),
        ({"start": "2026-02-30", "end": "2026-03-03"}, "Enter a date as YYYY-MM-DD"),
        ({"start": "20261101"}, "Enter a date as YYYY-MM-DD"),
        ({"end": "1899-12-31"}, "Enter a date as YYYY-MM-DD"),
        ({"start": "2026-03-03", "end": "2026-03-01"}, "The first day must not come after the last."),
        ({"start": "2025-01-01", "end": "2026-01-02"}, "Choose at most 366 days."),
        ({"start": "1900-01-01", "end": "2999-12-31"}, "Choose at most 366 days."),
    ],
)
def test_a_range_it_cannot_show_says_why_and_shows_the_last_30_days(alice_client, params, error):
    html = html_of(alice_client.get(URL, params))

    assert error in text(element(html, "range-errors"))
    assert list(rows(html)) == days_back(*range(30))


def test_a_range_reaching_back_to_1900_works(alice_client):
    html = html_of(alice_client.get(URL, {"start": "1900-01-01", "end": "1900-01-07"}))
    assert list(rows(html))[-1] == "1900-01-01"


# What a day's row shows


def test_a_row_shows_the_days_figures_target_status_and_averages(alice_client, alice):
    log_item(alice, make_d3_softgel(), units=1)
    log_item(alice, make_natto(), grams=20)
    log_item(alice, make_item("Olive oil", values={"fat_g": 100}), grams=10)

    row = rows(html_of(alice_client.get(URL, {"days": 7})))[str(DAY)]

    assert cells(row) == [
        "Fri 20 Nov 2026", "5,000 IU", "187.8 µg", "100–200 µg", "Within the K2 target", "", "714.3 IU", "26.8 µg"
    ]
    assert f'href="/day/{DAY}/"' in row
    assert 'data-status="within"' in row and 'data-week-status="no_target"' in row


def test_vitamin_d_reads_in_the_users_unit(alice_client, alice):
    Profile.objects.for_user(alice)
    Profile.objects.filter(user=alice).update(vitamin_d_unit="ug")
    log_item(alice, make_d3_softgel(), units=1)

    row = rows(html_of(alice_client.get(URL, {"days": 7})))[str(DAY)]

    assert cells(row)[1] == "125 µg" and cells(row)[6] == "17.9 µg"
    assert "Vitamin D a day (µg)" in html_of(alice_client.get(URL))


def test_a_day_with_nothing_logged_says_so(alice_client):
    row = rows(html_of(alice_client.get(URL, {"days": 7})))[str(DAY)]
    assert 'data-logged="false"' in row
    assert cells(row)[4] == "Nothing logged"


def test_a_value_nobody_measured_shows_as_a_dash_not_zero(alice_client, alice):
    log_item(alice, make_item("Apple"), grams=100)
    row = rows(html_of(alice_client.get(URL, {"days": 7})))[str(DAY)]
    assert cells(row)[1:3] == ["—", "—"]


def test_a_row_lists_the_warnings_about_what_was_logged(alice_client, alice):
    Profile.objects.for_user(alice)
    Profile.objects.filter(user=alice).update(pregnant=True)
    log_dose(alice, "vitamin_d_ug", 6000, "IU")

    html = html_of(alice_client.get(URL, {"days": 7}))

    row = rows(html)[str(DAY)]
    assert re.findall(r'data-warning="([^"]+)"', row) == ["high_vitamin_d", "no_fat_with_supplement"]
    assert "Over 5,000 IU of vitamin D in a day" in text(row)
    # The pregnancy notice stands once at the top, not on every row.
    assert html.count('data-warning="pregnancy"') == 1
    assert text(element(html, "stat-warnings")) == "1"


# The figures, the chart, the guidance


def test_the_figures_say_what_the_share_within_target_is_of(alice_client, alice):
    softgel, natto = make_d3_softgel(), make_natto()
    oil = make_item("Olive oil", values={"fat_g": 100})
    for item, amount in ((softgel, {"units": 1}), (natto, {"grams": 20}), (oil, {"grams": 10})):
        log_item(alice, item, **amount)
    log_item(alice, softgel, units=1, day=DAY - timedelta(days=1))

    html = html_of(alice_client.get(URL, {"days": 7}))

    assert text(element(html, "stat-logged")) == "2 of 7"
    assert text(element(html, "stat-within")) == "50% (1 of 2 logged days)"
    assert "Logged days within the K2 target" in text(element(html, "history-stats"))
    assert text(element(html, "stat-warnings")) == "1"


def test_without_logged_days_there_is_no_share(alice_client):
    assert text(element(html_of(alice_client.get(URL)), "stat-within")) == "no days logged"


def test_it_names_the_guidance_and_says_it_is_not_medical_advice(alice_client):
    advice = text(element(html_of(alice_client.get(URL)), "not-medical-advice"))
    assert "Clinical table" in advice and "General information, not medical advice" in advice


def test_the_chart_is_an_image_with_a_tooltip_for_each_day(alice_client, alice):
    log_item(alice, make_d3_softgel(), units=1)

    html = html_of(alice_client.get(URL, {"days": 7}))

    chart = element(html, "history-chart")
    svg = re.search(r"<svg class=\"history-chart\"[^>]*>", chart).group(0)
    assert 'role="img"' in svg and 'aria-label="Chart of vitamin D (IU) and K2' in svg
    assert re.findall(r'class="chart-hit" data-day="([0-9-]+)"', chart) == days_back(*range(6, -1, -1))
    assert (
        "<title>Fri 20 Nov 2026: vitamin D 5,000 IU, K2 (MK-7 eq.) not measured. Below the K2 target (100–200 µg). "
        "7-day averages: vitamin D 714.3 IU, K2 0 µg.</title>"
    ) in chart
    assert "<script" not in html.split("<main")[1].split("</main>")[0]
    assert "style=" not in chart


def test_the_chart_draws_each_series_of_bars_as_one_path(alice_client, alice):
    softgel = make_d3_softgel()
    log_item(alice, softgel, units=1)
    log_item(alice, softgel, units=1, day=DAY - timedelta(days=3))
    log_item(alice, make_natto(), grams=20)

    html = html_of(alice_client.get(URL, {"days": 7}))

    svg = re.search(r'(?s)<svg class="history-chart".*?</svg>', html).group(0)
    assert [path.count("M") for path in re.findall(r'<path class="chart-vitamin-d" d="([^"]*)"', svg)] == [2]
    assert [path.count("M") for path in re.findall(r'<path class="chart-k2 status-within" d="([^"]*)"', svg)] == [1]
    assert [path.count("M") for path in re.findall(r'<path class="chart-band" d="([^"]*)"', svg)] == [2]
    assert "<rect" not in svg.replace('<rect class="chart-hit"', "")


# Queries


def test_a_year_takes_the_same_queries_as_a_week(alice_client, alice, django_assert_num_queries):
    natto, softgel = make_natto(), make_d3_softgel()
    for back in range(0, 370, 2):
        log_item(alice, natto, grams=20, day=DAY - timedelta(days=back))
        log_item(alice, softgel, units=1, day=DAY - timedelta(days=back + 1), meal="dinner")
    alice_client.get(URL)  # the profile exists from here on

    # user (the session is read from the cache), standing notices, profile (view), profile, default guidance
    # profile, it with its brackets (2), totals (3), entry counts
    with django_assert_num_queries(11):
        html_of(alice_client.get(URL, {"days": 7}))
    with CaptureQueriesContext(connection) as year:
        html = html_of(alice_client.get(URL, {"days": 365}))

    assert len(year) == 11
    assert len(rows(html)) == 365
