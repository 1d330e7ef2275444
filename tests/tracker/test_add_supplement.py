from decimal import Decimal

import pytest

from tests.factories import make_item, make_source
from tests.tracker.factories import DAY, make_d3_softgel, make_natto
from tests.tracker.forms_html import field_value, options, selected
from tracker.models import Entry

pytestmark = pytest.mark.django_db

PRODUCT_URL = f"/day/{DAY}/add/supplement/"
DOSE_URL = f"/day/{DAY}/add/dose/"


@pytest.fixture
def k2_drops():
    return make_item(
        "K2 drops", kind="supplement", values={"k2_mk7_ug": 50},
        source=make_source(key="label", kind="product_label", citation="Generic label"), portions={"2 drops": 2},
    )


def product_data(item, **changes):
    return {"item": item.pk, "units": "1", "count": "", "portion": "", "meal": "breakfast", "time": ""} | changes


def dose_data(**changes):
    return {"dose_nutrient": "vitamin_d_ug", "dose_amount": "2000", "dose_unit": "IU", "meal": "lunch",
            "time": ""} | changes


# A product


def test_it_logs_units_of_a_supplement(alice_client, alice):
    softgel = make_d3_softgel()

    response = alice_client.post(PRODUCT_URL, product_data(softgel, units="2", meal="dinner"))

    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response.url == f"/day/2026-11-20/#entry-{entry.pk}"
    assert (entry.user, entry.item, entry.meal, entry.quantity_unit, entry.basis_factor) == (
        alice, softgel, "dinner", "unit", 2
    )


def test_it_logs_a_portion_of_a_supplement(alice_client, k2_drops):
    portion = k2_drops.portions.get()

    alice_client.post(PRODUCT_URL, product_data(k2_drops, units="", count="1", portion=portion.pk))

    entry = Entry.objects.get()
    assert (entry.portion, entry.basis_factor, entry.quantity_label) == (portion, 2, "1 × 2 drops")


def test_the_user_can_log_their_own_supplement(alice_client, alice):
    own = make_item("My D3", kind="supplement", owner=alice, values={"vitamin_d_ug": 25})
    alice_client.post(PRODUCT_URL, product_data(own))
    assert Entry.objects.get().item == own


def test_the_page_lists_supplements_only_the_users_own_first(alice_client, alice, bob, k2_drops):
    softgel = make_d3_softgel()
    own = make_item("Zinc and D3", kind="supplement", owner=alice)
    make_item("Bob's D3", kind="supplement", owner=bob)
    make_natto()

    html = alice_client.get(PRODUCT_URL).content.decode()

    assert options(html, "item") == [str(own.pk), str(k2_drops.pk), str(softgel.pk)]
    assert 'data-kind="supplement"' in html
    assert 'href="/day/2026-11-20/add/dose/"' in html


def test_a_food_is_not_a_supplement(alice_client):
    response = alice_client.post(PRODUCT_URL, product_data(make_natto()))

    assert "Choose one of the catalog&#x27;s supplements or your own." in response.content.decode()
    assert not Entry.objects.exists()


def test_a_foreign_supplement_is_a_form_error(alice_client, bob):
    theirs = make_item("Bob's D3", kind="supplement", owner=bob, values={"vitamin_d_ug": 25})

    response = alice_client.post(PRODUCT_URL, product_data(theirs))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose one of the catalog&#x27;s supplements or your own." in html
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ("0", "The number of units must be more than zero."),
        ("-2", "The number of units must be more than zero."),
        ("NaN", "Enter a number."),
        ("Infinity", "Enter a number."),
        ("abc", "Enter a number."),
        ("101", "The number of units can be at most 100."),
        ("0.0001", "That amount is too small to record."),
    ],
)
def test_a_bad_number_of_units_is_refused(alice_client, units, message):
    softgel = make_d3_softgel()

    response = alice_client.post(PRODUCT_URL, product_data(softgel, units=units, meal="snack", time="22:00"))

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'id="error_1_id_units"' in html
    assert not Entry.objects.exists()
    assert field_value(html, "units") == units
    assert selected(html, "item") == [str(softgel.pk)]
    assert selected(html, "meal") == ["snack"]
    assert field_value(html, "time") == "22:00"


def test_units_and_a_portion_at_once_are_refused(alice_client, k2_drops):
    response = alice_client.post(
        PRODUCT_URL, product_data(k2_drops, units="1", count="1", portion=k2_drops.portions.get().pk)
    )

    assert "Give the amount one way" in response.content.decode()
    assert not Entry.objects.exists()


def test_a_portion_of_another_supplement_is_refused(alice_client, k2_drops):
    response = alice_client.post(
        PRODUCT_URL, product_data(make_d3_softgel(), units="", count="1", portion=k2_drops.portions.get().pk)
    )

    html = response.content.decode()
    assert "That portion belongs to another item." in html
    assert 'id="error_1_id_portion"' in html
    assert not Entry.objects.exists()


# A free dose


@pytest.mark.parametrize(
    ("nutrient", "amount", "unit", "stored"),
    [
        ("vitamin_d_ug", "2000", "IU", Decimal(50)),
        ("vitamin_d_ug", "50", "ug", Decimal(50)),
        ("k2_mk4_ug", "1500", "ug", Decimal(1500)),
        ("k2_mk7_ug", "180", "ug", Decimal(180)),
        ("calcium_mg", "500", "mg", Decimal(500)),
    ],
)
def test_it_logs_a_free_dose(alice_client, alice, nutrient, amount, unit, stored):
    response = alice_client.post(DOSE_URL, dose_data(dose_nutrient=nutrient, dose_amount=amount, dose_unit=unit))

    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response.url == f"/day/2026-11-20/#entry-{entry.pk}"
    assert (entry.user, entry.day, entry.meal, entry.item) == (alice, DAY, "lunch", None)
    assert (entry.dose_nutrient, entry.dose_amount, entry.quantity, entry.quantity_unit) == (
        nutrient, stored, Decimal(amount), unit
    )


def test_the_dose_page_offers_the_four_nutrients(alice_client):
    html = alice_client.get(DOSE_URL, {"meal": "snack"}).content.decode()

    assert options(html, "dose_nutrient") == ["vitamin_d_ug", "k2_mk4_ug", "k2_mk7_ug", "calcium_mg"]
    assert options(html, "dose_unit") == ["IU", "ug", "mg"]
    assert selected(html, "meal") == ["snack"]
    assert 'href="/day/2026-11-20/add/supplement/?meal=snack"' in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"dose_amount": "0"}, "dose_amount", "The dose must be more than zero."),
        ({"dose_amount": "-400"}, "dose_amount", "The dose must be more than zero."),
        ({"dose_amount": "NaN"}, "dose_amount", "Enter a number."),
        ({"dose_amount": "inf"}, "dose_amount", "Enter a number."),
        ({"dose_amount": "abc"}, "dose_amount", "Enter a number."),
        ({"dose_amount": "1000001"}, "dose_amount", "The dose can be at most 1,000,000."),
        ({"dose_amount": "25001", "dose_unit": "ug"}, "dose_amount", "The dose can be at most 25,000."),
        ({"dose_amount": "0.001"}, "dose_amount", "That amount is too small to record."),
        ({"dose_nutrient": "calcium_mg"}, "dose_unit", "Give Calcium in mg."),
        ({"dose_nutrient": "k2_mk7_ug", "dose_unit": "IU"}, "dose_unit", "Give Vitamin K2 as MK-7 in µg."),
        ({"dose_nutrient": "vitamin_a_ug_rae"}, "dose_nutrient", "Select a valid choice."),
        ({"dose_unit": "kg"}, "dose_unit", "Select a valid choice."),
    ],
)
def test_a_bad_dose_is_refused_on_its_field(alice_client, changes, field, message):
    data = dose_data(time="08:05") | changes

    response = alice_client.post(DOSE_URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="error_1_id_{field}"' in html
    assert not Entry.objects.exists()
    assert field_value(html, "dose_amount") == data["dose_amount"]
    assert field_value(html, "time") == "08:05"
    assert selected(html, "meal") == ["lunch"]


# Access


@pytest.mark.parametrize("url", [PRODUCT_URL, DOSE_URL])
def test_it_needs_a_log_in(client, url):
    for response in (client.get(url), client.post(url, dose_data())):
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={url}"
    assert not Entry.objects.exists()


@pytest.mark.parametrize("url", [PRODUCT_URL, DOSE_URL])
def test_it_answers_only_get_and_post(alice_client, url):
    assert alice_client.put(url).status_code == 405
    assert alice_client.patch(url).status_code == 405


@pytest.mark.parametrize("url", ["/day/2026-02-30/add/supplement/", "/day/abc/add/dose/"])
def test_a_malformed_day_is_a_404(alice_client, url):
    assert alice_client.get(url).status_code == 404
