"""The new-routine page, /routines/new/: a product or a free dose, and its schedule."""

import re
from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from tests.factories import make_item
from tests.tracker.factories import DAY, make_d3_softgel, make_natto
from tests.tracker.forms_html import field_value, options, selected
from tracker.models import Profile, Routine

pytestmark = pytest.mark.django_db

URL = "/routines/new/"


def schedule(**changes):
    return {"frequency": "daily", "every_n_days": "", "starts_on": str(DAY), "ends_on": ""} | changes


def product_data(item, **changes):
    amount = {"item": item.pk, "units": "1", "count": "", "portion": "", "meal": "breakfast", "time": ""}
    return amount | schedule(**changes)


def dose_data(**changes):
    amount = {"dose_nutrient": "vitamin_d_ug", "dose_amount": "50000", "dose_unit": "IU", "meal": "dinner", "time": ""}
    return amount | schedule(**changes)


def errors_of(response):
    assert response.status_code == 200
    return response.content.decode()


def test_it_saves_a_daily_supplement(alice_client, alice):
    softgel = make_d3_softgel()

    response = alice_client.post(URL, product_data(softgel, time="08:00"), follow=True)

    routine = Routine.objects.get()
    assert response.redirect_chain == [("/routines/", 302)]
    assert "Saved your routine: Vitamin D3 5,000 IU, 1 unit, in Breakfast." in response.content.decode()
    assert (routine.user, routine.item, routine.quantity, routine.quantity_unit, routine.time) == (
        alice, softgel, 1, "unit", time(8, 0)
    )
    assert (routine.frequency, routine.starts_on, routine.ends_on, routine.pauses.count()) == ("daily", DAY, None, 0)


def test_it_saves_a_weekly_free_dose_as_every_7_days(alice_client):
    alice_client.post(f"{URL}?what=dose", dose_data(frequency="interval", every_n_days="7"))

    routine = Routine.objects.get()
    assert (routine.dose_nutrient, routine.quantity, routine.quantity_unit, routine.meal) == (
        "vitamin_d_ug", 50000, "IU", "dinner"
    )
    assert (routine.frequency, routine.every_n_days, routine.schedule_label) == ("interval", 7, "every 7 days")


def test_it_saves_the_ticked_weekdays(alice_client):
    data = product_data(make_d3_softgel(), frequency="weekdays") | {"weekdays": ["0", "3"]}

    alice_client.post(URL, data)

    routine = Routine.objects.get()
    assert (routine.weekdays, routine.weekday_numbers, routine.schedule_label) == (9, [0, 3], "on Mon, Thu")


def test_it_keeps_only_what_the_frequency_uses(alice_client):
    data = product_data(make_d3_softgel(), frequency="daily", every_n_days="5") | {"weekdays": ["1"]}

    alice_client.post(URL, data)

    assert (Routine.objects.get().weekdays, Routine.objects.get().every_n_days) == (0, 1)


def test_it_saves_a_portion_of_a_food_with_an_end(alice_client):
    natto = make_natto()
    portion = natto.portions.get()
    data = product_data(natto, units="", ends_on=str(DAY + timedelta(days=30))) | {
        "grams": "", "count": "1", "portion": portion.pk
    }

    alice_client.post(f"{URL}?what=food", data)

    routine = Routine.objects.get()
    assert (routine.item, routine.portion, routine.quantity_label) == (natto, portion, "1 × 1 serving (3 oz)")
    assert routine.ends_on == DAY + timedelta(days=30)


def test_it_saves_the_users_own_supplement(alice_client, alice):
    own = make_item("My D3", kind="supplement", owner=alice, values={"vitamin_d_ug": 25})
    alice_client.post(URL, product_data(own))
    assert Routine.objects.get().item == own


def test_the_form_starts_today_in_breakfast_every_day(alice_client, alice):
    html = alice_client.get(URL).content.decode()

    assert field_value(html, "starts_on") == str(Profile.objects.for_user(alice).today())
    assert selected(html, "meal") == ["breakfast"]
    assert re.search(r'name="frequency" value="daily"[^>]*\bchecked', html)


def test_it_searches_products_like_the_entry_forms(alice_client, alice, bob):
    softgel = make_d3_softgel()
    own = make_item("Zinc and D3", kind="supplement", owner=alice)
    make_item("Bob's D3", kind="supplement", owner=bob)
    make_item("K2 drops", kind="supplement")
    make_natto()

    html = alice_client.get(URL, {"what": "supplement", "q": "d3"}).content.decode()

    assert options(html, "item") == [str(own.pk), str(softgel.pk)]
    assert 'data-kind="supplement"' in html
    assert '<input type="hidden" name="what" value="supplement">' in html
    assert "js/item_search" in html


def test_the_food_tab_lists_foods_and_the_dose_tab_has_no_search(alice_client):
    natto = make_natto()
    make_d3_softgel()

    food = alice_client.get(URL, {"what": "food"}).content.decode()
    dose = alice_client.get(URL, {"what": "dose"}).content.decode()

    assert options(food, "item") == [str(natto.pk)]
    assert 'data-kind="food"' in food
    assert 'name="dose_amount"' in dose
    assert "item-search-box" not in dose and "js/item_search" not in dose


def test_an_unknown_kind_shows_the_supplement_form(alice_client):
    html = alice_client.get(URL, {"what": "<script>"}).content.decode()
    assert 'data-kind="supplement"' in html


# Invalid input: the form says what is wrong, nothing is saved


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"frequency": "weekdays"}, "Tick at least one weekday."),
        ({"frequency": "interval", "every_n_days": ""}, "Say every how many days."),
        ({"frequency": "interval", "every_n_days": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"frequency": "interval", "every_n_days": "367"}, "Ensure this value is less than or equal to 366."),
        ({"frequency": "hourly"}, "Select a valid choice."),
        ({"ends_on": str(DAY - timedelta(days=1))}, "The last day cannot come before the first."),
        ({"starts_on": "0001-01-01"}, "Pick a day from 1900 to 2999."),
        ({"ends_on": "9999-12-31"}, "Pick a day from 1900 to 2999."),
        ({"starts_on": "next week"}, "Enter a valid date."),
        ({"starts_on": ""}, "This field is required."),
        ({"units": "0"}, "The number of units must be more than zero."),
        ({"units": "inf"}, "Enter a number."),
        ({"units": "1e999"}, "The number of units can be at most 100."),
        ({"units": "", "count": "2"}, "Choose which portion you counted."),
        ({"meal": "brunch"}, "Select a valid choice."),
    ],
)
def test_invalid_input_is_an_error_on_the_form(alice_client, changes, error):
    response = alice_client.post(URL, product_data(make_d3_softgel(), **changes))

    assert error in errors_of(response)
    assert not Routine.objects.exists()


def test_weekdays_must_be_weekdays(alice_client):
    data = product_data(make_d3_softgel(), frequency="weekdays") | {"weekdays": ["7"]}

    response = alice_client.post(URL, data)

    assert "Select a valid choice. 7 is not one of the available choices." in errors_of(response)
    assert not Routine.objects.exists()


def test_a_food_is_not_a_supplement_and_a_dose_needs_its_unit(alice_client):
    food_as_product = alice_client.post(URL, product_data(make_natto()))
    k2_in_iu = alice_client.post(f"{URL}?what=dose", dose_data(dose_nutrient="k2_mk7_ug"))

    assert "Choose one of the catalog&#x27;s supplements or your own." in errors_of(food_as_product)
    assert "Give Vitamin K2 as MK-7 in µg." in errors_of(k2_in_iu)
    assert not Routine.objects.exists()


def test_another_users_own_item_cannot_be_chosen(alice_client, bob):
    theirs = make_item("Bob's D3", kind="supplement", owner=bob, values={"vitamin_d_ug": 25})

    response = alice_client.post(URL, product_data(theirs))

    assert "Choose one of the catalog&#x27;s supplements or your own." in errors_of(response)
    assert not Routine.objects.exists()


def test_a_dose_too_large_for_the_entry_rules_is_refused(alice_client):
    response = alice_client.post(f"{URL}?what=dose", dose_data(dose_amount="2000000"))

    assert "The dose can be at most 1,000,000." in errors_of(response)
    assert not Routine.objects.exists()


def test_a_start_date_in_the_future_is_fine(alice_client):
    alice_client.post(URL, product_data(make_d3_softgel(), starts_on="2031-01-01"))
    assert Routine.objects.get().starts_on == date(2031, 1, 1)


def test_it_needs_a_log_in(client):
    response = client.get(URL)
    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={URL}")


def test_it_answers_only_get_and_post(alice_client):
    assert alice_client.put(URL).status_code == 405
    assert alice_client.delete(URL).status_code == 405


def test_the_amount_is_stored_as_typed(alice_client):
    alice_client.post(f"{URL}?what=dose", dose_data(dose_amount="1000.5"))
    assert Routine.objects.get().quantity == Decimal("1000.5")
