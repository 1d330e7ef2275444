import re
from datetime import UTC, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_item
from tests.tracker.factories import DAY, log_dose, log_item, make_d3_softgel, make_natto
from tests.tracker.pages import element, html_of, text
from tracker.models import GuidanceProfile, Profile

pytestmark = pytest.mark.django_db

URL = f"/day/{DAY}/"


@pytest.fixture
def alice_client(client, alice):
    Profile.objects.for_user(alice)
    client.force_login(alice)
    return client


def opening_tag(html, element_id):
    found = re.search(rf'<\w+[^>]*\bid="{element_id}"[^>]*>', html)
    assert found, f"no element #{element_id}"
    return found.group(0)


def data_values(html, attribute):
    return re.findall(rf'\b{attribute}="([^"]*)"', html)


# Access


def test_it_needs_a_log_in(client):
    for url in (URL, "/day/", "/day/go/?date=2026-11-20"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={url.replace('?', '%3F').replace('=', '%3D')}"


def test_it_answers_only_get(alice_client):
    for url in (URL, "/day/", "/day/go/"):
        assert alice_client.post(url).status_code == 405


@pytest.mark.parametrize(
    "bad_day", ["2026-02-30", "2026-13-01", "2026-00-10", "2026-11-32", "abc", "2026-1-1", "20261120", "0000-01-01",
                "0001-01-01", "9999-12-31"]
)
def test_a_malformed_or_impossible_date_is_a_404(alice_client, bad_day):
    assert alice_client.get(f"/day/{bad_day}/").status_code == 404


def test_it_shows_only_the_users_own_entries(alice_client, alice, bob):
    natto = make_natto()
    log_item(alice, natto, grams=20)
    theirs = log_item(bob, natto, grams=300, meal="lunch")

    html = html_of(alice_client.get(URL))

    assert data_values(html, "data-entry") == [str(alice.entries.get().pk)] * 2  # meal list and contributions
    assert f"entry-{theirs.pk}" not in html


def test_an_entrys_own_url_leads_to_its_day(alice_client, alice):
    entry = log_item(alice, make_natto(), grams=20, meal="dinner")

    response = alice_client.get(f"/entries/{entry.pk}/")

    assert response.status_code == 302
    assert response.url == f"{URL}#entry-{entry.pk}"


def test_another_users_entry_is_a_404(alice_client, bob):
    entry = log_item(bob, make_natto(), grams=20)
    assert alice_client.get(f"/entries/{entry.pk}/").status_code == 404


# Days and navigation


def test_it_links_the_previous_and_next_days_and_picks_a_day(alice_client):
    html = html_of(alice_client.get(URL))

    assert 'href="/day/2026-11-19/"' in element(html, "previous-day")
    assert 'href="/day/2026-11-21/"' in element(html, "next-day")
    picker = opening_tag(html, "day-picker")
    assert ('value="2026-11-20"', 'min="1900-01-01"', 'max="2999-12-31"') == tuple(
        re.search(rf'{name}="[^"]*"', picker).group(0) for name in ("value", "min", "max")
    )
    assert 'action="/day/go/"' in html


def test_the_date_picker_goes_to_the_day(alice_client):
    response = alice_client.get("/day/go/", {"date": "2026-03-01"})

    assert response.status_code == 302
    assert response.url == "/day/2026-03-01/"


@pytest.mark.parametrize("bad", ["", "2026-02-30", "yesterday", "2026-11-20T10:00", "0001-01-01", "x" * 5000])
def test_a_bad_date_in_the_picker_gives_a_message_not_an_error(alice_client, bad):
    response = alice_client.get("/day/go/", {"date": bad}, follow=True)

    assert response.redirect_chain == [("/day/", 302)]
    assert "That is not a date we can show" in html_of(response)


def test_today_is_the_users_local_day(client, alice):
    # 20:00 UTC on 20 November is already 09:00 on 21 November in Auckland (NZDT, UTC+13).
    now = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
    auckland_day = now.astimezone(ZoneInfo("Pacific/Auckland")).date()
    assert auckland_day != now.date()
    Profile.objects.filter(pk=Profile.objects.for_user(alice).pk).update(timezone="Pacific/Auckland")
    log_item(alice, make_natto(), grams=20, day=auckland_day)
    client.force_login(alice)

    with mock.patch("django.utils.timezone.now", return_value=now):
        html = html_of(client.get("/day/"))

    assert f'data-day="{auckland_day}"' in opening_tag(html, "day-heading")
    assert "Today, Saturday 21 November 2026" in text(element(html, "day-heading"))
    assert "Natto" in element(html, "meal-breakfast")


def test_today_in_utc_is_the_utc_day(client, alice):
    now = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
    client.force_login(alice)

    with mock.patch("django.utils.timezone.now", return_value=now):
        html = html_of(client.get("/day/"))

    assert 'data-day="2026-11-20"' in opening_tag(html, "day-heading")


# Meals, entries and totals


def test_each_meal_lists_its_entries_with_what_they_gave(alice_client, alice):
    from datetime import time

    natto = log_item(alice, make_natto(), grams=20, meal="breakfast")
    natto.time = time(7, 30)
    natto.save()
    log_item(alice, make_d3_softgel(), units=1, meal="dinner")
    log_dose(alice, "k2_mk4_ug", 100, "ug", meal="snack")

    html = html_of(alice_client.get(URL))

    breakfast = text(element(html, "meal-breakfast"))
    assert "07:30 Natto 20 g" in breakfast
    assert "K2 187.8 µg MK-7 · MK-7 eq. 187.8 µg" in breakfast
    assert "Vitamin D 5,000 IU" in text(element(html, "meal-dinner"))
    assert "K2 100 µg MK-4 · MK-7 eq. 10 µg" in text(element(html, "meal-snack"))
    assert "Nothing logged" in element(html, "meal-lunch")
    assert f'href="/entries/{natto.pk}/edit/"' in html
    assert f'href="/entries/{natto.pk}/delete/"' in html


def test_each_meal_offers_to_add_food_and_supplements_to_it(alice_client):
    html = html_of(alice_client.get(URL))
    for meal in ("breakfast", "lunch", "dinner", "snack"):
        section = element(html, f"meal-{meal}")
        assert f'href="/day/2026-11-20/add/food/?meal={meal}"' in section
        assert f'href="/day/2026-11-20/add/supplement/?meal={meal}"' in section


def test_totals_say_how_many_foods_have_no_k2_data(alice_client, alice):
    natto = make_natto()
    bread = make_item("Bread", values={"fat_g": 3})
    apple = make_item("Apple")
    for item in (natto, bread, apple):
        log_item(alice, item, grams=100)
    log_item(alice, make_item("Natto from the shop", values={"k2_mk7_ug": 900}), grams=50, meal="lunch")
    log_item(alice, make_item("Rice"), grams=100, meal="lunch")

    html = html_of(alice_client.get(URL))

    day_line = text(element(html, "day-line"))
    assert "K2: 1,389 µg (MK-7 eq. 1,389 µg), 3 of 5 foods have no K2 data" in day_line
    assert "Vitamin D — (5 of 5 foods have no vitamin D data)" in day_line
    breakfast = text(element(html, "meal-breakfast"))
    assert "Breakfast total: vitamin D — · K2: 939 µg (MK-7 eq. 939 µg), 2 of 3 foods have no K2 data" in breakfast
    assert "K2: 450 µg (MK-7 eq. 450 µg), 1 of 2 foods has no K2 data" in text(element(html, "meal-lunch"))


def test_an_item_reporting_another_k2_form_has_k2_data(alice_client, alice):
    log_item(alice, make_natto(), grams=100)
    log_item(alice, make_item("Gouda", values={"k2_other_ug": 50}), grams=50)
    log_item(alice, make_item("Apple"), grams=100)

    html = html_of(alice_client.get(URL))

    assert "1 of 3 foods has no K2 data" in text(element(html, "day-line"))


def totals_row(html, code):
    row = re.search(rf'<tr data-nutrient="{code}">(.*?)</tr>', html, re.S).group(1)
    return [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_totals_table_has_every_nutrient_per_meal_and_for_the_day(alice_client, alice):
    from foods.nutrients import NUTRIENTS

    log_item(alice, make_natto(), grams=20, meal="breakfast")
    cheese = make_item("Cheese", values={"k2_mk4_ug": 15, "k2_mk7_ug": 2, "k2_other_ug": 60, "fat_g": 30})
    log_item(alice, cheese, grams=10, meal="lunch")
    log_dose(alice, "vitamin_d_ug", 25, "ug", meal="lunch")

    html = html_of(alice_client.get(URL))

    for nutrient in NUTRIENTS:
        assert len(totals_row(html, nutrient.code)) == 5  # breakfast, lunch, dinner, snacks, day
    assert totals_row(html, "fat_g") == ["2.2", "3", "0", "0", "5.2"]
    assert totals_row(html, "k2_mk4_ug") == ["— 1 of 1 without data", "1.5", "0", "0", "1.5 1 of 2 without data"]
    assert totals_row(html, "k2_mk7_ug") == ["187.8", "0.2", "0", "0", "188"]
    assert totals_row(html, "k2_other_ug") == ["— 1 of 1 without data", "6", "0", "0", "6 1 of 2 without data"]
    assert totals_row(html, "k2_total") == ["187.8", "7.7", "0", "0", "195.5"]
    assert totals_row(html, "k2_equivalent") == ["187.8", "6.35", "0", "0", "194.2"]
    # Vitamin D from the dose; neither food has a value for it.
    assert totals_row(html, "vitamin_d_ug") == [
        "— 1 of 1 without data", "1,000 1 of 1 without data", "0", "0", "1,000 2 of 2 without data"
    ]


def test_vitamin_d_shows_in_the_users_unit(alice_client, alice):
    Profile.objects.filter(user=alice).update(vitamin_d_unit="ug")
    log_item(alice, make_d3_softgel(), units=1)

    html = html_of(alice_client.get(URL))

    assert text(element(html, "guidance-vitamin-d")) == "125 µg"
    assert "Vitamin D 125 µg" in text(element(html, "meal-breakfast"))
    assert totals_row(html, "vitamin_d_ug")[-1] == "125"


# Guidance, warnings, contributions and the week


def test_5000_iu_alone_is_below_the_100_to_200_ug_target(alice_client, alice):
    log_item(alice, make_d3_softgel(), units=1)

    html = html_of(alice_client.get(URL))

    status = element(html, "guidance-status")
    assert 'data-status="below"' in status
    assert text(status) == "Below the K2 target"
    assert text(element(html, "guidance-target")) == "100–200 µg"
    assert text(element(html, "guidance-vitamin-d")) == "5,000 IU"
    assert text(element(html, "guidance-profile")) == "Clinical table"
    assert 'value="0"' in element(html, "guidance-progress")
    assert "General information, not medical advice" in element(html, "guidance")


def test_20_g_of_natto_brings_5000_iu_within_the_target(alice_client, alice):
    log_item(alice, make_d3_softgel(), units=1)
    log_item(alice, make_natto(), grams=20, meal="lunch")

    html = html_of(alice_client.get(URL))

    assert 'data-status="within"' in element(html, "guidance-status")
    assert text(element(html, "guidance-k2")) == "187.8 µg"
    assert 'value="100"' in element(html, "guidance-progress")
    profile = GuidanceProfile.objects.get(slug="clinical-table")
    advice = profile.brackets.get(k2_target_min_ug=100).advice
    assert text(element(html, "guidance-advice")) == text(advice)


def test_the_guidance_follows_the_users_profile(alice_client, alice):
    ratio = GuidanceProfile.objects.get(slug="ratio-per-1000-iu")
    Profile.objects.filter(user=alice).update(guidance_profile=ratio)
    log_item(alice, make_d3_softgel(), units=1)

    html = html_of(alice_client.get(URL))

    assert text(element(html, "guidance-profile")) == ratio.name
    assert text(element(html, "guidance-target")) == "at least 500 µg"


def test_a_warfarin_user_who_logs_k2_sees_the_warning_once(alice_client, alice):
    Profile.objects.filter(user=alice).update(takes_warfarin=True)
    log_dose(alice, "k2_mk7_ug", 100, "ug")

    html = html_of(alice_client.get(URL))

    assert data_values(html, "data-warning").count("warfarin") == 1
    assert "You take warfarin" in element(html, "guidance")
    assert "data-standing" not in html


def test_a_warfarin_user_sees_a_standing_notice_on_a_day_without_k(alice_client, alice):
    Profile.objects.filter(user=alice).update(takes_warfarin=True, pregnant=True)

    html = html_of(alice_client.get(URL))

    assert sorted(data_values(html, "data-warning")) == ["pregnancy", "warfarin"]
    assert html.count('data-standing="true"') == 1  # pregnancy is also one of the day's warnings
    assert "Standing notice:" in html


def test_each_warning_shows_its_message_and_source(alice_client, alice):
    from tracker.warnings import HIGH_VITAMIN_D

    log_dose(alice, "vitamin_d_ug", 10_000, "IU")

    html = html_of(alice_client.get(URL))

    warning = re.search(r'<div[^>]*data-warning="high_vitamin_d".*?</div>\s*</div>', html, re.S).group(0)
    assert HIGH_VITAMIN_D.message in text(warning)
    assert f"Source: {HIGH_VITAMIN_D.source}" in text(warning)


def test_it_shows_which_entries_gave_the_k2_most_first(alice_client, alice):
    egg = log_item(alice, make_item("Egg yolk", values={"k2_mk4_ug": 15, "vitamin_d_ug": 5}), grams=17)
    natto = log_item(alice, make_natto(), grams=20, meal="lunch")
    log_item(alice, make_item("Apple"), grams=100)

    html = html_of(alice_client.get(URL))

    table = element(html, "contributions")
    assert data_values(table, "data-entry") == [str(natto.pk), str(egg.pk)]
    rows = [text(row) for row in re.findall(r"<tr data-entry.*?</tr>", table, re.S)]
    assert rows[0] == "Natto 20 g 187.8 µg MK-7 187.8 µg —"
    assert rows[1] == "Egg yolk 17 g 2.55 µg MK-4 0.255 µg 34 IU"


def test_the_week_averages_a_weekly_dose(alice_client, alice):
    log_dose(alice, "vitamin_d_ug", 50_000, "IU", day=DAY - timedelta(days=3))
    log_dose(alice, "k2_mk7_ug", 700, "ug", day=DAY - timedelta(days=3))

    html = html_of(alice_client.get(URL))

    assert text(element(html, "week-vitamin-d")) == "7,142.9 IU"
    assert text(element(html, "week-k2")) == "100 µg"
    assert 'data-status="below"' in element(html, "week-status")
    assert text(element(html, "week-target")) == "at least 200 µg"
    assert 'data-status="no_target"' in element(html, "guidance-status")


# Speed


def log_many(user, day, count):
    natto, butter, softgel = make_natto(), make_item("Butter", values={"k2_mk4_ug": 15}), make_d3_softgel()
    portion = natto.portions.get()
    for number in range(count):
        meal = ("breakfast", "lunch", "dinner", "snack")[number % 4]
        kind = number % 4
        if kind == 0:
            log_item(user, natto, portion=portion, count=1, day=day, meal=meal)
        elif kind == 1:
            log_item(user, butter, grams=10 + number, day=day, meal=meal)
        elif kind == 2:
            log_item(user, softgel, units=1, day=day, meal=meal)
        else:
            log_dose(user, "k2_mk7_ug", 90, "ug", day=day, meal=meal)


def test_the_day_page_makes_the_same_number_of_queries_for_1_or_60_entries(
    alice_client, alice, django_assert_num_queries
):
    other_day = DAY - timedelta(days=1)
    log_item(alice, make_item("Kale", values={"k1_ug": 390}), grams=50)
    log_many(alice, other_day, 60)
    Profile.objects.filter(user=alice).update(takes_warfarin=True)
    alice_client.get(URL)  # the session and the profile exist from here on

    with CaptureQueriesContext(connection) as one_entry:
        html_of(alice_client.get(URL))
    with django_assert_num_queries(len(one_entry)):
        html = html_of(alice_client.get(f"/day/{other_day}/"))

    assert len(data_values(element(html, "meal-breakfast"), "data-entry")) == 15


def test_an_entry_at_2330_local_belongs_to_that_local_day(client, alice):
    # 23:30 on 20 November in New York (EST, UTC-5) is 04:30 on 21 November in UTC.
    now = datetime(2026, 11, 21, 4, 30, tzinfo=UTC)
    Profile.objects.filter(pk=Profile.objects.for_user(alice).pk).update(timezone="America/New_York")
    natto = make_natto()
    client.force_login(alice)

    with mock.patch("django.utils.timezone.now", return_value=now):
        today = html_of(client.get("/day/"))
        client.post(f"/day/{DAY}/add/food/", {"item": natto.pk, "grams": "20", "meal": "snack", "time": "23:30"})
        on_the_local_day = html_of(client.get(f"/day/{DAY}/"))
        on_the_utc_day = html_of(client.get(f"/day/{DAY + timedelta(days=1)}/"))

    assert f'data-day="{DAY}"' in opening_tag(today, "day-heading")
    assert "Natto" in element(on_the_local_day, "meal-snack")
    assert "23:30" in element(on_the_local_day, "meal-snack")
    assert "Natto" not in on_the_utc_day
