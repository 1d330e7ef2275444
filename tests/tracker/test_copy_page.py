import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_item
from tests.tracker.factories import DAY, log_dose, log_item, make_d3_softgel, make_natto
from tests.tracker.forms_html import field_value, selected
from tests.tracker.pages import element, html_of, text
from tracker.entries import routine_entry
from tracker.models import Entry, Profile, Routine

pytestmark = pytest.mark.django_db

FROM_DAY = DAY - timedelta(days=1)  # Thursday 19 November 2026
URL = f"/day/{DAY}/copy/"


def rows_to_add(html):
    """Each row of the preview's table as its cells' text."""
    table = element(html, "copy-adding")
    return [
        [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r'<tr class="copy-entry">(.*?)</tr>', table, re.S)
    ]


def copy_form_data(html):
    """What the preview's Copy button posts."""
    form = element(html, "copy-form")
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    del fields["csrfmiddlewaretoken"]  # the test client does not check it
    return fields


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def natto():
    return make_natto()


# The preview


def test_it_previews_the_day_before_by_default(alice_client, alice, natto):
    log_item(alice, natto, day=FROM_DAY, meal="breakfast", grams=50)
    log_dose(alice, "vitamin_d_ug", 2000, "IU", day=FROM_DAY, meal="dinner")
    log_item(alice, natto, day=FROM_DAY - timedelta(days=1), grams=300)

    html = html_of(alice_client.get(URL))

    assert field_value(html, "from") == "2026-11-19"
    assert selected(html, "meal") == [""]
    assert text(element(html, "copy-preview-heading")) == "From Thursday 19 November 2026"
    assert rows_to_add(html) == [
        ["Breakfast", "Natto 50 g", "—", "469.5 µg"],
        ["Dinner", "Vitamin D (D2 + D3) 2000 IU", "2,000 IU", "0 µg"],
    ]
    assert "Copy 2 entries" in text(element(html, "copy-form"))
    assert not Entry.objects.on(DAY).exists()


def test_it_shows_vitamin_d_in_the_users_unit_and_unknown_values_as_unknown(alice_client, alice):
    Profile.objects.filter(pk=Profile.objects.for_user(alice).pk).update(vitamin_d_unit="ug")
    log_item(alice, make_item("Plain rice"), day=FROM_DAY, grams=100)
    log_item(alice, make_d3_softgel(), day=FROM_DAY, units=2)

    rows = rows_to_add(html_of(alice_client.get(URL)))

    assert rows == [
        ["Breakfast", "Plain rice 100 g", "—", "—"],
        ["Breakfast", "Vitamin D3 5,000 IU 2 unit", "250 µg", "—"],
    ]


def test_it_previews_one_meal_of_a_chosen_day(alice_client, alice, natto):
    three_days_ago = DAY - timedelta(days=3)
    log_item(alice, natto, day=three_days_ago, meal="breakfast", grams=20)
    log_item(alice, natto, day=three_days_ago, meal="lunch", grams=40)
    log_item(alice, natto, day=three_days_ago, meal="lunch", portion=natto.portions.get(), count=1)

    html = html_of(alice_client.get(URL, {"from": three_days_ago.isoformat(), "meal": "lunch"}))

    assert field_value(html, "from") == "2026-11-17"
    assert selected(html, "meal") == ["lunch"]
    assert text(element(html, "copy-preview-heading")) == "From lunch on Tuesday 17 November 2026"
    assert [row[:2] for row in rows_to_add(html)] == [["Lunch", "Natto 40 g"], ["Lunch", "Natto 1 × 1 serving (3 oz)"]]


def test_it_previews_a_meal_going_into_another_slot(alice_client, alice, natto):
    log_item(alice, natto, day=FROM_DAY, meal="breakfast", grams=20)

    html = html_of(alice_client.get(URL, {"meal": "breakfast", "into": "snack"}))

    assert [row[:2] for row in rows_to_add(html)] == [["Snacks", "Natto 20 g"]]
    assert copy_form_data(html) | {"preview": "…"} == {
        "from": "2026-11-19", "meal": "breakfast", "into": "snack", "preview": "…"
    }


def test_it_never_shows_another_users_entries(alice_client, alice, bob, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)
    log_item(bob, make_item("Bob's secret pâté", owner=bob), day=FROM_DAY, grams=300)
    log_item(bob, natto, day=FROM_DAY, meal="dinner", grams=400)

    html = html_of(alice_client.get(URL))

    assert rows_to_add(html) == [["Breakfast", "Natto 20 g", "—", "187.8 µg"]]
    assert "pâté" not in html
    assert "400 g" not in html


def test_a_day_with_nothing_to_copy_says_so_and_offers_no_button(alice_client, bob, natto):
    log_item(bob, natto, day=FROM_DAY, grams=20)

    html = html_of(alice_client.get(URL))

    assert text(element(html, "copy-nothing")) == "Nothing to copy: no entries on Thursday 19 November 2026."
    assert 'id="copy-form"' not in html
    assert f'<form method="post" action="{URL}"' not in html


def test_it_says_which_routine_doses_are_already_logged(alice_client, alice, natto):
    routine = Routine.objects.create(user=alice, item=make_d3_softgel(), quantity=1, quantity_unit="unit",
                                     meal="breakfast", starts_on=FROM_DAY)
    routine_entry(routine, FROM_DAY).save()
    routine_entry(routine, DAY).save()
    log_item(alice, natto, day=FROM_DAY, grams=20)

    html = html_of(alice_client.get(URL))

    assert [row[1] for row in rows_to_add(html)] == ["Natto 20 g"]
    assert text(element(html, "copy-skipped")) == (
        "Vitamin D3 5,000 IU, 1 unit, in Breakfast: already logged by your routine."
    )


def test_it_says_which_entry_cannot_be_copied_and_offers_no_button(alice_client, alice, bob, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)
    pate = make_item("Grandma's pâté", owner=alice)
    log_item(alice, pate, day=FROM_DAY, meal="dinner", grams=40)
    pate.owner = bob
    pate.save()

    html = html_of(alice_client.get(URL))

    assert "Grandma's pâté, 40 g, in Dinner: Its item is no longer in the catalog or among your own." in text(
        element(html, "copy-refused")
    )
    assert 'id="copy-form"' not in html


@pytest.mark.parametrize("bad", ["", "yesterday", "2026-02-30", "20261119", "1899-12-31", "3000-01-01", "x" * 5000])
def test_a_malformed_source_day_is_a_form_error(alice_client, alice, natto, bad):
    log_item(alice, natto, day=FROM_DAY, grams=20)

    html = html_of(alice_client.get(URL, {"from": bad}))

    assert 'id="id_from_error"' in html
    assert 'id="copy-preview"' not in html


def test_an_unknown_meal_is_a_form_error(alice_client):
    html = html_of(alice_client.get(URL, {"meal": "brunch", "into": "elevenses"}))

    assert html.count("is not one of the available choices") == 2
    assert 'id="copy-preview"' not in html


# Copying


def test_it_copies_the_day_and_goes_back_to_the_day(alice_client, alice, natto):
    log_item(alice, natto, day=FROM_DAY, meal="breakfast", grams=20)
    log_item(alice, natto, day=FROM_DAY, meal="lunch", grams=40)
    log_dose(alice, "vitamin_d_ug", 2000, "IU", day=FROM_DAY, meal="dinner")
    log_item(alice, make_d3_softgel(), day=FROM_DAY, meal="dinner", units=1)
    data = copy_form_data(html_of(alice_client.get(URL)))

    response = alice_client.post(URL, data)

    assert response.status_code == 302
    assert response.url == "/day/2026-11-20/"
    copied = Entry.objects.for_user(alice).on(DAY)
    assert list(copied.values_list("meal", "quantity")) == [("breakfast", 20), ("lunch", 40), ("dinner", 2000),
                                                           ("dinner", 1)]
    assert messages_of(alice_client.get(response.url)) == ["Copied 4 entries from Thu 19 Nov."]


def test_it_copies_one_meal_into_another_slot(alice_client, alice, natto):
    log_item(alice, natto, day=FROM_DAY, meal="breakfast", grams=20)
    log_item(alice, natto, day=FROM_DAY, meal="dinner", grams=40)
    data = copy_form_data(html_of(alice_client.get(URL, {"meal": "breakfast", "into": "lunch"})))

    response = alice_client.post(URL, data, follow=True)

    assert response.redirect_chain == [("/day/2026-11-20/#meal-lunch", 302)]
    assert list(Entry.objects.on(DAY).values_list("meal", "quantity")) == [("lunch", 20)]
    assert messages_of(response) == ["Copied 1 entry from breakfast on Thu 19 Nov into lunch."]
    assert "Natto" in text(re.search(r'<section[^>]*id="meal-lunch".*?</section>', html_of(response), re.S).group(0))


def test_a_day_copied_onto_itself_doubles(alice_client, alice, natto):
    log_item(alice, natto, day=DAY, meal="lunch", grams=20)
    data = copy_form_data(html_of(alice_client.get(URL, {"from": DAY.isoformat()})))

    alice_client.post(URL, data)

    assert list(Entry.objects.on(DAY).values_list("meal", "quantity")) == [("lunch", 20), ("lunch", 20)]


def test_a_form_sent_twice_copies_once(alice_client, alice, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)
    log_dose(alice, "vitamin_d_ug", 2000, "IU", day=FROM_DAY)
    data = copy_form_data(html_of(alice_client.get(URL)))

    alice_client.post(URL, data, follow=True)
    again = alice_client.post(URL, data, follow=True)

    assert again.redirect_chain == [("/day/2026-11-20/", 302)]
    assert messages_of(again) == [
        "Already copied: what the preview showed is on this day, and was not added twice."
    ]
    assert Entry.objects.on(DAY).count() == 2


def test_copying_again_from_a_new_preview_adds_again(alice_client, alice, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)

    alice_client.post(URL, copy_form_data(html_of(alice_client.get(URL))))
    alice_client.post(URL, copy_form_data(html_of(alice_client.get(URL))))

    assert Entry.objects.on(DAY).count() == 2


def test_a_day_changed_since_the_preview_is_shown_again_not_copied(alice_client, alice, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)
    data = copy_form_data(html_of(alice_client.get(URL)))
    log_item(alice, natto, day=FROM_DAY, meal="dinner", grams=500)

    html = html_of(alice_client.post(URL, data))

    assert "These entries changed since you saw them" in html
    assert [row[1] for row in rows_to_add(html)] == ["Natto 20 g", "Natto 500 g"]
    assert copy_form_data(html)["preview"] != data["preview"]
    assert not Entry.objects.on(DAY).exists()


@pytest.mark.parametrize("token", [None, "", "forged", "W10:1tAbCd:abcdefghijklmnopqrstuvwxyz0"])
def test_a_missing_or_forged_preview_copies_nothing(alice_client, alice, natto, token):
    log_item(alice, natto, day=FROM_DAY, grams=20)
    data = {"from": FROM_DAY.isoformat(), "meal": "", "into": ""}
    if token is not None:
        data["preview"] = token

    html = html_of(alice_client.post(URL, data))

    assert "This form is out of date" in html
    assert 'id="copy-form"' in html
    assert not Entry.objects.on(DAY).exists()


def test_a_post_with_a_malformed_source_day_is_a_form_error(alice_client, alice, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)
    data = copy_form_data(html_of(alice_client.get(URL))) | {"from": "2026-13-01"}

    html = html_of(alice_client.post(URL, data))

    assert 'id="id_from_error"' in html
    assert not Entry.objects.on(DAY).exists()


def test_a_post_refused_for_an_entry_that_cannot_be_copied_copies_nothing(alice_client, alice, bob, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)
    pate = make_item("Grandma's pâté", owner=alice)
    log_item(alice, pate, day=FROM_DAY, meal="dinner", grams=40)
    data = copy_form_data(html_of(alice_client.get(URL)))
    pate.owner = bob
    pate.save()

    html = html_of(alice_client.post(URL, data))

    assert "Nothing was copied. Grandma&#x27;s pâté, 40 g, in Dinner" in html
    assert not Entry.objects.on(DAY).exists()


def test_a_post_copies_only_the_users_own_entries(alice_client, alice, bob, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)
    data = copy_form_data(html_of(alice_client.get(URL)))
    log_item(bob, natto, day=FROM_DAY, grams=300)

    alice_client.post(URL, data)

    assert list(Entry.objects.on(DAY).values_list("user__username", "quantity")) == [("alice", 20)]


# Access


def test_it_needs_a_log_in(client, alice, natto):
    log_item(alice, natto, day=FROM_DAY, grams=20)

    for response in (client.get(URL), client.post(URL, {"from": FROM_DAY.isoformat()})):
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={URL}"
    assert not Entry.objects.on(DAY).exists()


def test_it_answers_only_get_and_post(alice_client):
    assert alice_client.put(URL).status_code == 405
    assert alice_client.delete(URL).status_code == 405
    assert alice_client.patch(URL).status_code == 405


def test_a_day_outside_the_years_kept_is_a_404(alice_client):
    assert alice_client.get("/day/0001-01-01/copy/").status_code == 404
    assert alice_client.get("/day/2026-02-30/copy/").status_code == 404


# The day page's links


def test_the_day_page_links_to_copying_the_day_and_each_meal(alice_client):
    html = html_of(alice_client.get(f"/day/{DAY}/"))

    assert 'href="/day/2026-11-20/copy/"' in element(html, "copy-day-link")
    meal_links = re.findall(r'<a class="[^"]*copy-meal-link" href="([^"]*)">(.*?)</a>', html)
    assert [(href, text(label)) for href, label in meal_links] == [
        ("/day/2026-11-20/copy/?meal=breakfast", "Copy breakfast from the day before"),
        ("/day/2026-11-20/copy/?meal=lunch", "Copy lunch from the day before"),
        ("/day/2026-11-20/copy/?meal=dinner", "Copy dinner from the day before"),
        ("/day/2026-11-20/copy/?meal=snack", "Copy snacks from the day before"),
    ]


def test_todays_page_offers_yesterdays_meals(alice_client):
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 11, 20, 12, 0, tzinfo=UTC)):
        html = html_of(alice_client.get("/day/"))

    labels = [text(label) for label in re.findall(r'<a class="[^"]*copy-meal-link" href="[^"]*">(.*?)</a>', html)]
    assert labels == ["Copy yesterday's breakfast", "Copy yesterday's lunch", "Copy yesterday's dinner",
                      "Copy yesterday's snacks"]


# Queries


def test_the_preview_makes_the_same_few_queries_for_1_or_20_entries(
    alice_client, alice, natto, django_assert_num_queries
):
    softgel = make_d3_softgel()
    routine = Routine.objects.create(user=alice, item=softgel, quantity=1, quantity_unit="unit", meal="breakfast",
                                     starts_on=FROM_DAY - timedelta(days=10))
    routine_entry(routine, FROM_DAY - timedelta(days=10)).save()
    log_item(alice, natto, day=FROM_DAY - timedelta(days=10), grams=20)
    routine_entry(routine, FROM_DAY).save()
    for number in range(19):
        if number % 2:
            log_item(alice, natto, day=FROM_DAY, meal="lunch", portion=natto.portions.get(), count=1)
        else:
            log_dose(alice, "k2_mk7_ug", 90, "ug", day=FROM_DAY, meal="dinner")
    alice_client.get(URL)  # the session and the profile exist from here on

    # The user (the session is read from the cache); the entries, their items' values, their routines' pauses
    # and the routine doses already logged on the day; the profile and its guidance profile; the standing
    # notices' profile.
    with django_assert_num_queries(8):
        few = html_of(alice_client.get(URL, {"from": (FROM_DAY - timedelta(days=10)).isoformat()}))
    with CaptureQueriesContext(connection) as many_queries:
        many = html_of(alice_client.get(URL))

    assert len(many_queries) == 8
    assert len(rows_to_add(few)) == 2
    assert len(rows_to_add(many)) == 20
