from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError
from django.urls import reverse

from foods import nutrients
from foods.models import Item, NutrientValue, Portion, Source
from foods.own_items import own_item_save
from tests.factories import make_category, make_item
from tests.tracker.factories import log_item
from tracker.models import Entry, Routine

pytestmark = pytest.mark.django_db

LIST_URL = reverse("own_items:list")
CREATE_URL = reverse("own_items:create")


def edit_url(item):
    return reverse("own_items:edit", args=[item.pk])


def delete_url(item):
    return reverse("own_items:delete", args=[item.pk])


def form_data(**changes):
    """The create form as a browser posts it with only a name typed: every nutrient and portion empty."""
    data = {"name": "Oat bar", "brand": "", "kind": "food", "category": "", "vitamin_d_unit": "IU"}
    data |= {nutrient.code: "" for nutrient in nutrients.NUTRIENTS}
    data |= {f"portion_{row}_{part}": "" for row in (1, 2, 3) for part in ("label", "amount")}
    return data | changes


def stored_values(item):
    return {value.nutrient: value.amount for value in NutrientValue.objects.filter(item=item)}


def stored_portions(item):
    return [(p.label, p.grams, p.units) for p in Portion.objects.filter(item=item).order_by("position")]


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def make_own_bar(owner, **changes):
    fields = {"name": "Oat bar", "kind": Item.Kind.FOOD}
    fields.update(changes)
    return own_item_save(
        item=Item(**fields), owner=owner,
        amounts={"fat_g": Decimal(12), "vitamin_d_ug": Decimal(5), "k2_mk7_ug": Decimal(20)},
        portions=[("1 bar", Decimal(45))],
    )


@pytest.fixture
def logged_in(client, alice):
    client.force_login(alice)
    return client


def test_it_creates_a_food_with_label_values_from_a_user_entry_source(logged_in, alice):
    data = form_data(brand="Acme", fat_g="12.5", k2_mk7_ug="20", calcium_mg="0", portion_1_label="1 bar",
                     portion_1_amount="45")

    response = logged_in.post(CREATE_URL, data)

    assert response.status_code == 302
    assert response.url == LIST_URL
    item = Item.objects.get()
    assert (item.name, item.brand, item.kind, item.owner) == ("Oat bar", "Acme", "food", alice)
    assert stored_values(item) == {"fat_g": Decimal("12.5"), "k2_mk7_ug": 20, "calcium_mg": 0}
    assert stored_portions(item) == [("1 bar", Decimal(45), None)]
    source = Source.objects.get(key=f"user-{alice.pk}")
    assert source.kind == Source.Kind.USER_ENTRY
    assert source.citation == "Entered by alice from a product label"
    assert {value.source for value in item.nutrient_values.all()} == {source}
    assert item.portions.get().source == source


def test_a_nutrient_left_empty_stays_unknown_and_zero_stays_zero(logged_in):
    logged_in.post(CREATE_URL, form_data(k1_ug="0", k2_mk4_ug=""))

    item = Item.objects.get()
    assert stored_values(item) == {"k1_ug": 0}
    amounts = item.nutrient_amounts()
    assert amounts["k1_ug"] == 0
    assert all(amount is None for code, amount in amounts.items() if code != "k1_ug")


def test_it_creates_a_supplement_with_values_per_unit_and_portions_in_units(logged_in):
    data = form_data(name="D3 + K2 softgel", kind="supplement", vitamin_d_ug="2000", k2_mk7_ug="100",
                     portion_1_label="1 softgel", portion_1_amount="1",
                     portion_2_label="2 softgels", portion_2_amount="2")

    logged_in.post(CREATE_URL, data)

    item = Item.objects.get()
    assert item.is_supplement
    assert stored_values(item) == {"vitamin_d_ug": 50, "k2_mk7_ug": 100}
    assert stored_portions(item) == [("1 softgel", None, 1), ("2 softgels", None, 2)]


@pytest.mark.parametrize(
    "typed, unit, stored_ug",
    [("400", "IU", "10"), ("1000", "IU", "25"), ("1", "IU", "0.025"), ("10", "ug", "10"), ("0.0125", "ug", "0.0125")],
)
def test_it_stores_vitamin_d_in_ug_whichever_unit_it_was_typed_in(logged_in, typed, unit, stored_ug):
    logged_in.post(CREATE_URL, form_data(vitamin_d_ug=typed, vitamin_d_unit=unit))

    assert stored_values(Item.objects.get()) == {"vitamin_d_ug": Decimal(stored_ug)}


def test_it_stores_a_category(logged_in):
    legumes = make_category("Legumes")

    logged_in.post(CREATE_URL, form_data(category=str(legumes.pk)))

    assert Item.objects.get().category == legumes


def test_the_new_item_is_private_to_its_owner(logged_in, alice, bob):
    logged_in.post(CREATE_URL, form_data())

    item = Item.objects.get()
    assert item in Item.objects.visible_to(alice)
    assert item not in Item.objects.visible_to(bob)


def test_each_user_has_one_source_for_all_their_items(alice, bob):
    first, second, bobs = make_own_bar(alice), make_own_bar(alice, name="Rye bar"), make_own_bar(bob)

    alice_sources = {v.source_id for v in NutrientValue.objects.filter(item__in=[first, second])}
    bob_sources = {v.source_id for v in bobs.nutrient_values.all()}
    assert len(alice_sources) == 1 and len(bob_sources) == 1
    assert alice_sources != bob_sources


def test_the_create_page_asks_for_every_tracked_nutrient(logged_in):
    response = logged_in.get(CREATE_URL)

    assert response.status_code == 200
    html = response.content.decode()
    for nutrient in nutrients.NUTRIENTS:
        assert f'name="{nutrient.code}"' in html
        assert nutrient.label in html
    assert "not on the label, so unknown" in html
    assert html.count('name="portion_') == 6


def test_the_edit_page_shows_the_stored_values_with_vitamin_d_in_iu(logged_in, alice):
    item = make_own_bar(alice)

    response = logged_in.get(edit_url(item))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["vitamin_d_ug"].value() == "200"
    assert form["vitamin_d_unit"].value() == "IU"
    assert form["fat_g"].value() == "12"
    assert form["k1_ug"].value() is None
    assert (form["portion_1_label"].value(), form["portion_1_amount"].value()) == ("1 bar", "45")
    assert 'value="200"' in response.content.decode()


def test_it_edits_values_and_portions(logged_in, alice):
    item = make_own_bar(alice)
    data = form_data(name="Oat bar, less fat", fat_g="8", vitamin_d_ug="", k2_mk7_ug="20", calcium_mg="150",
                     portion_1_label="1 small bar", portion_1_amount="30",
                     portion_2_label="1 bar", portion_2_amount="45")

    response = logged_in.post(edit_url(item), data)

    assert response.status_code == 302
    assert response.url == LIST_URL
    item.refresh_from_db()
    assert item.name == "Oat bar, less fat"
    assert stored_values(item) == {"fat_g": 8, "k2_mk7_ug": 20, "calcium_mg": 150}
    assert stored_portions(item) == [("1 small bar", Decimal(30), None), ("1 bar", Decimal(45), None)]


def test_a_food_without_entries_may_become_a_supplement(logged_in, alice):
    item = make_own_bar(alice)

    logged_in.post(edit_url(item), form_data(kind="supplement", portion_1_label="1 bar", portion_1_amount="1"))

    item.refresh_from_db()
    assert item.is_supplement
    assert stored_portions(item) == [("1 bar", None, 1)]


def test_an_edit_that_fails_halfway_leaves_the_item_as_it_was(logged_in, alice):
    item = make_own_bar(alice)
    values_before, portions_before = stored_values(item), stored_portions(item)
    data = form_data(name="Renamed", fat_g="1", portion_1_label="1 slice", portion_1_amount="10")

    with mock.patch("foods.own_items._replace_portions", side_effect=IntegrityError("disk full")):
        with pytest.raises(IntegrityError):
            logged_in.post(edit_url(item), data)

    item.refresh_from_db()
    assert item.name == "Oat bar"
    assert stored_values(item) == values_before
    assert stored_portions(item) == portions_before


def test_a_portion_that_keeps_its_label_keeps_the_entries_logged_with_it(logged_in, alice):
    item = make_own_bar(alice)
    entry = log_item(alice, item, portion=item.portions.get(), count=2)

    logged_in.post(edit_url(item), form_data(fat_g="12", portion_1_label="1 bar", portion_1_amount="50"))

    entry.refresh_from_db()
    assert entry.portion is not None
    assert entry.portion.grams == 50


def test_a_logged_item_cannot_change_between_food_and_supplement(logged_in, alice):
    item = make_own_bar(alice)
    log_item(alice, item, grams=100)

    response = logged_in.post(edit_url(item), form_data(kind="supplement"))

    assert response.status_code == 200
    assert "cannot change between food and supplement" in response.context["form"].errors["kind"][0]
    item.refresh_from_db()
    assert item.kind == Item.Kind.FOOD


def test_it_warns_after_saving_when_energy_does_not_add_up(logged_in):
    data = form_data(fat_g="10", protein_g="10", carbohydrate_g="10", energy_kcal="900")

    response = logged_in.post(CREATE_URL, data)

    assert response.status_code == 302
    assert Item.objects.exists()
    assert any("far from the 170 kcal" in text for text in message_texts(response))


def test_it_does_not_warn_when_energy_adds_up(logged_in):
    data = form_data(fat_g="10", protein_g="10", carbohydrate_g="10", energy_kcal="170")

    response = logged_in.post(CREATE_URL, data)

    assert not any("kcal" in text for text in message_texts(response))


INVALID_INPUT = [
    ({"fat_g": "-1"}, "fat_g"),
    ({"k2_mk7_ug": "nan"}, "k2_mk7_ug"),
    ({"k2_mk7_ug": "NaN"}, "k2_mk7_ug"),
    ({"calcium_mg": "inf"}, "calcium_mg"),
    ({"calcium_mg": "-Infinity"}, "calcium_mg"),
    ({"k1_ug": "1e400"}, "k1_ug"),
    ({"k1_ug": "2000000"}, "k1_ug"),
    ({"k1_ug": "1.23456"}, "k1_ug"),
    ({"energy_kcal": "lots"}, "energy_kcal"),
    ({"vitamin_d_ug": "-400"}, "vitamin_d_ug"),
    ({"vitamin_d_ug": "nan"}, "vitamin_d_ug"),
    ({"vitamin_d_ug": "50000000", "vitamin_d_unit": "IU"}, "vitamin_d_ug"),
    ({"vitamin_d_ug": "2000000", "vitamin_d_unit": "ug"}, "vitamin_d_ug"),
    ({"vitamin_d_unit": "mg"}, "vitamin_d_unit"),
    ({"fat_g": "101"}, "fat_g"),
    ({"protein_g": "100.5"}, "protein_g"),
    ({"portion_1_label": "1 bar", "portion_1_amount": "10001"}, "portion_1_amount"),
    ({"portion_1_label": "1 bar", "portion_1_amount": "0"}, "portion_1_amount"),
    ({"portion_1_label": "1 bar", "portion_1_amount": "-45"}, "portion_1_amount"),
    ({"portion_1_label": "1 bar", "portion_1_amount": "inf"}, "portion_1_amount"),
    ({"portion_1_label": "1 bar", "portion_1_amount": ""}, "portion_1_amount"),
    ({"portion_1_label": "", "portion_1_amount": "45"}, "portion_1_label"),
    ({"portion_1_label": "1 bar", "portion_1_amount": "45", "portion_2_label": "1 Bar", "portion_2_amount": "50"},
     "portion_2_label"),
    ({"kind": "supplement", "portion_1_label": "1 tub", "portion_1_amount": "1001"}, "portion_1_amount"),
    ({"kind": "drink"}, "kind"),
    ({"name": "   "}, "name"),
    ({"category": "999999"}, "category"),
]


@pytest.mark.parametrize("changes, field", INVALID_INPUT)
def test_invalid_input_is_a_form_error_that_keeps_what_was_typed_and_saves_nothing(logged_in, changes, field):
    data = form_data(brand="Acme", k2_mk4_ug="7.5", **changes)

    response = logged_in.post(CREATE_URL, data)

    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    html = response.content.decode()
    assert "nothing was saved" in html
    assert 'value="Acme"' in html and 'value="7.5"' in html
    typed = changes[field].strip()
    if typed and field not in ("kind", "category", "vitamin_d_unit"):
        assert f'value="{typed}"' in html
    assert not Item.objects.exists()
    assert not NutrientValue.objects.exists()
    assert not Portion.objects.exists()


def test_too_much_vitamin_d_typed_in_iu_is_explained_in_ug(logged_in):
    response = logged_in.post(CREATE_URL, form_data(vitamin_d_ug="40000040", vitamin_d_unit="IU"))

    assert response.context["form"].errors["vitamin_d_ug"] == [
        "That is 1,000,001 µg. Ensure this value is less than or equal to 1000000."
    ]


def test_the_most_vitamin_d_a_label_may_give_is_the_models_ceiling(logged_in):
    response = logged_in.post(CREATE_URL, form_data(vitamin_d_ug="40000000", vitamin_d_unit="IU"))

    assert response.status_code == 302
    assert stored_values(Item.objects.get()) == {"vitamin_d_ug": 1_000_000}


def test_a_food_may_hold_up_to_100_g_of_fat_per_100_g(logged_in):
    response = logged_in.post(CREATE_URL, form_data(kind="food", fat_g="100"))

    assert response.status_code == 302
    assert stored_values(Item.objects.get()) == {"fat_g": 100}


def test_the_100_g_ceiling_is_a_foods_not_a_supplements_whose_values_are_per_unit(logged_in):
    response = logged_in.post(CREATE_URL, form_data(kind="supplement", name="MCT oil, 1 bottle", fat_g="150"))

    assert response.status_code == 302
    assert stored_values(Item.objects.get()) == {"fat_g": 150}


def test_an_invalid_edit_changes_nothing(logged_in, alice):
    item = make_own_bar(alice)
    values_before, portions_before = stored_values(item), stored_portions(item)

    response = logged_in.post(edit_url(item), form_data(name="Renamed", fat_g="-3", portion_1_label="1 slice",
                                                        portion_1_amount="10"))

    assert response.status_code == 200
    assert response.context["form"]["fat_g"].value() == "-3"
    item.refresh_from_db()
    assert item.name == "Oat bar"
    assert stored_values(item) == values_before
    assert stored_portions(item) == portions_before


def test_the_delete_page_asks_to_confirm(logged_in, alice):
    item = make_own_bar(alice)

    response = logged_in.get(delete_url(item))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="{delete_url(item)}"' in html
    assert 'method="post"' in html
    assert Item.objects.filter(pk=item.pk).exists()


def test_posting_the_delete_page_deletes_the_item_with_its_values_and_portions(logged_in, alice):
    item = make_own_bar(alice)

    response = logged_in.post(delete_url(item))

    assert response.status_code == 302
    assert response.url == LIST_URL
    assert not Item.objects.filter(pk=item.pk).exists()
    assert not NutrientValue.objects.filter(item_id=item.pk).exists()
    assert not Portion.objects.filter(item_id=item.pk).exists()


def test_a_logged_item_cannot_be_deleted_and_editing_is_suggested(logged_in, alice):
    item = make_own_bar(alice)
    log_item(alice, item, grams=100)

    page = logged_in.get(delete_url(item))
    response = logged_in.post(delete_url(item))

    assert "in your log 1 time" in page.content.decode()
    assert f'action="{delete_url(item)}"' not in page.content.decode()
    assert edit_url(item) in page.content.decode()
    assert response.status_code == 302
    assert response.url == edit_url(item)
    assert any("cannot be deleted" in text and "edit it" in text for text in message_texts(response))
    assert Item.objects.filter(pk=item.pk).exists()
    assert Entry.objects.filter(item=item).count() == 1


def test_an_item_in_a_routine_cannot_be_deleted_and_the_routine_is_named(logged_in, alice):
    item = make_own_bar(alice)
    Routine.objects.create(user=alice, item=item, quantity=50, quantity_unit="g", meal="breakfast",
                           starts_on=date(2026, 11, 1))

    page = logged_in.get(delete_url(item))
    response = logged_in.post(delete_url(item))

    assert "is in 1 of your routines" in page.content.decode()
    assert f'action="{delete_url(item)}"' not in page.content.decode()
    assert any("in one of your routines" in text for text in message_texts(response))
    assert Item.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url_for", [edit_url, delete_url])
def test_another_users_item_is_not_found(logged_in, bob, method, url_for):
    bobs = make_own_bar(bob, name="Bob's bar")

    response = getattr(logged_in, method)(url_for(bobs), form_data(name="Mine now"))

    assert response.status_code == 404
    bobs.refresh_from_db()
    assert (bobs.name, bobs.owner) == ("Bob's bar", bob)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url_for", [edit_url, delete_url])
def test_a_catalog_item_is_not_editable_here(logged_in, method, url_for):
    natto = make_item("Natto", values={"k2_mk7_ug": 939})

    response = getattr(logged_in, method)(url_for(natto), form_data(name="Changed"))

    assert response.status_code == 404
    natto.refresh_from_db()
    assert (natto.name, natto.owner) == ("Natto", None)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url_name", ["list", "create", "edit", "delete"])
def test_anonymous_visitors_are_sent_to_log_in(client, alice, method, url_name):
    item = make_own_bar(alice)
    url = reverse(f"own_items:{url_name}", args=[item.pk] if url_name in ("edit", "delete") else [])

    response = client.post(url, form_data()) if method == "post" else client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"
    assert Item.objects.get() == item


@pytest.mark.parametrize(
    "method, url_name",
    [("post", "list"), ("put", "create"), ("delete", "edit"), ("put", "edit"), ("delete", "delete")],
)
def test_other_methods_are_not_allowed(logged_in, alice, method, url_name):
    item = make_own_bar(alice)
    url = reverse(f"own_items:{url_name}", args=[item.pk] if url_name in ("edit", "delete") else [])

    response = getattr(logged_in, method)(url)

    assert response.status_code == 405
    assert Item.objects.filter(pk=item.pk).exists()


def test_the_list_shows_only_the_users_own_items(logged_in, alice, bob):
    make_own_bar(alice, name="Alice's bar")
    make_own_bar(bob, name="Bob's bar")
    make_item("Natto", values={"k2_mk7_ug": 939})

    response = logged_in.get(LIST_URL)

    assert response.status_code == 200
    names = [row.item.name for row in response.context["rows"]]
    assert names == ["Alice's bar"]
    assert "Bob's bar" not in response.content.decode()


def test_the_list_shows_k2_vitamin_d_portions_and_unknown_as_a_dash(logged_in, alice):
    own_item_save(item=Item(name="Egg yolk", kind="food"), owner=alice,
                  amounts={"k2_mk4_ug": Decimal(15), "vitamin_d_ug": Decimal("5.4")}, portions=[])
    own_item_save(item=Item(name="Plain rice", kind="food"), owner=alice, amounts={"fat_g": Decimal(1)},
                  portions=[("1 cup", Decimal(158))])

    response = logged_in.get(LIST_URL)

    rows = {row.item.name: row for row in response.context["rows"]}
    assert rows["Egg yolk"].k2_mk7_equivalent_ug == Decimal("1.5")
    assert rows["Egg yolk"].vitamin_d_ug == Decimal("5.4")
    assert rows["Plain rice"].k2_mk7_equivalent_ug is None
    html = response.content.decode()
    assert "216 IU" in html
    assert "1 cup (158 g)" in html
    assert 'title="not measured">—</span>' in html


def test_the_list_offers_delete_only_for_items_not_in_the_log(logged_in, alice):
    logged = make_own_bar(alice, name="Logged bar")
    unlogged = make_own_bar(alice, name="Unlogged bar")
    log_item(alice, logged, grams=50)
    log_item(alice, logged, grams=50)

    response = logged_in.get(LIST_URL)

    rows = {row.item.name: row for row in response.context["rows"]}
    assert (rows["Logged bar"].entry_count, rows["Unlogged bar"].entry_count) == (2, 0)
    html = response.content.decode()
    assert delete_url(unlogged) in html
    assert delete_url(logged) not in html


def test_the_list_takes_the_same_queries_for_1_or_20_items(client, alice, django_assert_num_queries):
    client.force_login(alice)
    first = make_own_bar(alice, name="Bar 0")
    log_item(alice, first, grams=50)
    # The user (the session is read from the cache), standing notices, items with their values, portions.
    with django_assert_num_queries(4):
        response = client.get(LIST_URL)
    assert len(response.context["rows"]) == 1

    for number in range(1, 20):
        item = make_own_bar(alice, name=f"Bar {number}")
        log_item(alice, item, grams=50)
    with django_assert_num_queries(4):
        response = client.get(LIST_URL)
    assert len(response.context["rows"]) == 20
