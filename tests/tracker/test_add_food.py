import re
from datetime import time
from decimal import Decimal

import pytest

from tests.factories import make_item
from tests.tracker.factories import DAY, make_d3_softgel, make_natto
from tests.tracker.forms_html import field_value, options, selected
from tracker.models import Entry

pytestmark = pytest.mark.django_db

URL = f"/day/{DAY}/add/food/"


@pytest.fixture
def natto():
    return make_natto()


def form_data(item, **changes):
    return {"item": item.pk, "grams": "20", "count": "", "portion": "", "meal": "breakfast", "time": ""} | changes


def test_it_logs_grams_of_a_food_and_goes_back_to_the_day(alice_client, alice, natto):
    response = alice_client.post(URL, form_data(natto, grams="20", meal="lunch", time="07:45"))

    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response.url == f"/day/2026-11-20/#entry-{entry.pk}"
    assert (entry.user, entry.item, entry.day, entry.meal, entry.time) == (alice, natto, DAY, "lunch", time(7, 45))
    assert (entry.quantity, entry.quantity_unit, entry.basis_factor) == (20, "g", Decimal("0.2"))


def test_it_logs_a_number_of_portions(alice_client, natto):
    portion = natto.portions.get()

    alice_client.post(URL, form_data(natto, grams="", count="1.5", portion=portion.pk))

    entry = Entry.objects.get()
    assert (entry.portion, entry.quantity, entry.quantity_unit) == (portion, Decimal("1.5"), "portion")
    assert entry.basis_factor == Decimal("1.275")


def test_a_portion_without_a_count_is_one_portion(alice_client, natto):
    alice_client.post(URL, form_data(natto, grams="", portion=natto.portions.get().pk))
    assert Entry.objects.get().quantity_label == "1 × 1 serving (3 oz)"


def test_a_portion_left_selected_beside_grams_logs_the_grams(alice_client, natto):
    alice_client.post(URL, form_data(natto, grams="30", portion=natto.portions.get().pk))

    entry = Entry.objects.get()
    assert (entry.quantity_unit, entry.quantity, entry.portion) == ("g", 30, None)


def test_the_user_can_log_their_own_food(alice_client, alice):
    own = make_item("Grandma's liver pâté", owner=alice, values={"k2_mk4_ug": 300})
    alice_client.post(URL, form_data(own))
    assert Entry.objects.get().item == own


def test_it_says_what_was_logged_on_the_day_page(alice_client, natto):
    response = alice_client.post(URL, form_data(natto), follow=True)
    assert "Logged Natto, 20 g, in Breakfast." in response.content.decode()


def test_the_form_starts_in_the_meal_it_was_opened_from(alice_client):
    html = alice_client.get(URL, {"meal": "dinner"}).content.decode()
    assert selected(html, "meal") == ["dinner"]
    assert selected(alice_client.get(URL, {"meal": "brunch"}).content.decode(), "meal") == ["breakfast"]


def test_it_needs_a_log_in(client, natto):
    for response in (client.get(URL), client.post(URL, form_data(natto))):
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={URL}"
    assert not Entry.objects.exists()


def test_it_answers_only_get_and_post(alice_client):
    assert alice_client.put(URL).status_code == 405
    assert alice_client.delete(URL).status_code == 405


@pytest.mark.parametrize("bad_day", ["2026-02-30", "2026-13-01", "abc"])
def test_a_malformed_day_is_a_404(alice_client, bad_day):
    assert alice_client.get(f"/day/{bad_day}/add/food/").status_code == 404


# Without JavaScript: a GET search fills the selects.


def test_a_plain_search_lists_the_matching_foods_in_the_select(alice_client, alice, bob, natto):
    own = make_item("Natto, homemade", owner=alice)
    make_item("Natto, Bob's", owner=bob)
    make_item("Gouda")
    make_d3_softgel()

    html = alice_client.get(URL, {"q": "nat"}).content.decode()

    assert options(html, "item") == [str(own.pk), str(natto.pk)]
    assert f'<option value="{natto.portions.get().pk}" data-item="{natto.pk}"' in html
    assert field_value(html, "q") == "nat"
    assert '<form method="get" id="item-search"' in html


def test_the_search_box_and_its_script_are_on_the_page(alice_client):
    html = alice_client.get(URL).content.decode()
    assert 'data-search-url="/items/search/"' in html
    assert 'data-kind="food"' in html
    assert '<script src="/static/js/item_search.js" defer></script>' in html


def test_the_item_search_script_is_served(client):
    response = client.get("/static/js/item_search.js")
    assert response.status_code == 200
    assert b"item-search-box" in b"".join(response.streaming_content)


# Invalid forms: 200, the message, nothing saved, what was typed kept.


@pytest.mark.parametrize(
    ("grams", "message"),
    [
        ("0", "The weight in grams must be more than zero."),
        ("-5", "The weight in grams must be more than zero."),
        ("NaN", "Enter a number."),
        ("inf", "Enter a number."),
        ("-Infinity", "Enter a number."),
        ("abc", "Enter a number."),
        ("5000.5", "The weight in grams can be at most 5,000."),
        ("1e400", "The weight in grams can be at most 5,000."),
        ("0.0001", "That amount is too small to record."),
    ],
)
def test_a_bad_weight_is_refused_on_its_field(alice_client, natto, grams, message):
    response = alice_client.post(URL, form_data(natto, grams=grams, meal="dinner", time="19:15"))

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert re.search(r'id="error_1_id_grams"', html)
    assert not Entry.objects.exists()
    assert field_value(html, "grams") == grams
    assert selected(html, "item") == [str(natto.pk)]
    assert selected(html, "meal") == ["dinner"]
    assert field_value(html, "time") == "19:15"


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ("0", "The number of portions must be more than zero."),
        ("-1", "The number of portions must be more than zero."),
        ("nan", "Enter a number."),
        ("60", "That is over 5,000 g of food."),
    ],
)
def test_a_bad_count_is_refused_on_its_field(alice_client, natto, count, message):
    portion = natto.portions.get()
    response = alice_client.post(URL, form_data(natto, grams="", count=count, portion=portion.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'id="error_1_id_count"' in html
    assert not Entry.objects.exists()
    assert field_value(html, "count") == count
    assert selected(html, "portion") == [str(portion.pk)]


def test_a_foreign_food_is_a_form_error(alice_client, bob):
    theirs = make_item("Bob's natto", owner=bob, values={"k2_mk7_ug": 900})

    response = alice_client.post(URL, form_data(theirs))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose one of the catalog&#x27;s foods or your own." in html
    assert "Bob&#x27;s natto" not in html
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("", "Choose a food."),
        ("abc", "Choose one of the catalog&#x27;s foods or your own."),
        ("999999", "Choose one of the catalog&#x27;s foods or your own."),
        ("99999999999999999999999", "Choose one of the catalog&#x27;s foods or your own."),
        ("-1", "Choose one of the catalog&#x27;s foods or your own."),
        ("1.5", "Choose one of the catalog&#x27;s foods or your own."),
        ("²", "Choose one of the catalog&#x27;s foods or your own."),
    ],
)
def test_a_missing_or_unknown_food_is_a_form_error(alice_client, item, message):
    response = alice_client.post(URL, {"item": item, "grams": "20", "meal": "breakfast"})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Entry.objects.exists()


def test_a_supplement_is_not_a_food(alice_client):
    response = alice_client.post(URL, form_data(make_d3_softgel()))

    assert "Choose one of the catalog&#x27;s foods or your own." in response.content.decode()
    assert not Entry.objects.exists()


def test_a_portion_of_another_food_is_refused(alice_client, natto):
    yolk = make_item("Egg yolk", values={"k2_mk4_ug": 15}, portions={"1 large egg yolk": 17})

    response = alice_client.post(URL, form_data(natto, grams="", count="1", portion=yolk.portions.get().pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert "That portion belongs to another item." in html
    assert 'id="error_1_id_portion"' in html
    assert not Entry.objects.exists()
    assert selected(html, "portion") == [str(yolk.portions.get().pk)]


def test_a_portion_of_a_foreign_food_is_refused(alice_client, bob, natto):
    theirs = make_item("Bob's pâté", owner=bob, portions={"1 slice": 30})

    response = alice_client.post(URL, form_data(natto, grams="", count="1", portion=theirs.portions.get().pk))

    assert response.status_code == 200
    assert 'id="error_1_id_portion"' in response.content.decode()
    assert not Entry.objects.exists()


def test_two_amounts_at_once_are_refused(alice_client, natto):
    response = alice_client.post(URL, form_data(natto, grams="20", count="2", portion=natto.portions.get().pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Give the amount one way: grams, a portion, or units." in html
    assert not Entry.objects.exists()
    assert (field_value(html, "grams"), field_value(html, "count")) == ("20", "2")


def test_no_amount_is_refused(alice_client, natto):
    response = alice_client.post(URL, form_data(natto, grams=""))

    assert "Give the amount one way" in response.content.decode()
    assert not Entry.objects.exists()


def test_a_count_without_a_portion_asks_for_the_portion(alice_client, natto):
    response = alice_client.post(URL, form_data(natto, grams="", count="2"))

    assert "Choose which portion you counted." in response.content.decode()
    assert not Entry.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("meal", "brunch"), ("time", "25:61"), ("time", "noon")])
def test_a_bad_meal_or_time_is_refused(alice_client, natto, field, value):
    response = alice_client.post(URL, form_data(natto, **{field: value}))

    assert response.status_code == 200
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert not Entry.objects.exists()
