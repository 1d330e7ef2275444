from decimal import Decimal

import pytest

from foods.models import Item, NutrientValue, Portion, Source
from tests.api.conftest import error_fields
from tests.factories import make_item
from tests.tracker.factories import log_item
from tests.tracker.routine_factories import make_product_routine

pytestmark = pytest.mark.django_db

OAT_BAR = {"name": "Oat bar", "brand": "Acme", "notes": "From the green box",
           "nutrients": {"fat_g": 12.5, "k2_mk7_ug": 20, "calcium_mg": 0, "vitamin_d_ug": None},
           "portions": [{"label": "1 bar", "grams": 45}]}
SOFTGEL = {"name": "D3 + K2 softgel", "kind": "supplement", "nutrients": {"vitamin_d_ug": 50, "k2_mk7_ug": 100},
           "portions": [{"label": "1 softgel", "units": 1}, {"label": "2 softgels", "units": 2}]}


def stored_values(item):
    return {value.nutrient: value.amount for value in NutrientValue.objects.filter(item=item)}


def stored_portions(item):
    return [(p.label, p.grams, p.units) for p in Portion.objects.filter(item=item).order_by("position")]


def create(api, **changes):
    return api.post("/own-items", OAT_BAR | changes)


def own_bar(api, **changes):
    """Alice's oat bar, made through the API."""
    return Item.objects.get(pk=create(api, **changes).json()["id"])


def test_it_creates_a_food_with_label_values_from_a_user_entry_source(alice_api, alice):
    response = create(alice_api)

    assert response.status_code == 201
    item = Item.objects.get()
    assert (item.name, item.brand, item.notes, item.kind, item.owner) == (
        "Oat bar", "Acme", "From the green box", "food", alice)
    assert stored_values(item) == {"fat_g": Decimal("12.5"), "k2_mk7_ug": 20, "calcium_mg": 0}
    assert stored_portions(item) == [("1 bar", Decimal(45), None)]
    assert {value.source.kind for value in item.nutrient_values.all()} == {Source.Kind.USER_ENTRY}
    body = response.json()
    assert (body["id"], body["kind"], body["basis"], body["own"], body["entry_count"]) == (
        item.pk, "food", "100g", True, 0)
    assert body["nutrients"]["fat_g"] == 12.5 and body["nutrients"]["calcium_mg"] == 0
    assert body["nutrients"]["vitamin_d_ug"] is None and body["sources"]["vitamin_d_ug"] is None
    assert body["sources"]["fat_g"] == "Entered by alice from a product label"
    assert body["portions"] == [{"id": item.portions.get().pk, "label": "1 bar", "grams": 45, "units": None}]


def test_it_creates_a_supplement_with_values_per_unit_and_portions_in_units(alice_api):
    response = alice_api.post("/own-items", SOFTGEL)

    assert response.status_code == 201
    item = Item.objects.get()
    assert item.is_supplement and response.json()["basis"] == "unit"
    assert stored_values(item) == {"vitamin_d_ug": 50, "k2_mk7_ug": 100}
    assert stored_portions(item) == [("1 softgel", None, 1), ("2 softgels", None, 2)]


def test_it_takes_more_portions_than_the_page_shows_rows(alice_api):
    portions = [{"label": f"{number} bars", "grams": 45 * number} for number in range(1, 6)]

    response = create(alice_api, portions=portions)

    assert response.status_code == 201
    assert [portion["label"] for portion in response.json()["portions"]] == [p["label"] for p in portions]


def test_it_says_when_the_energy_is_far_from_the_macros(alice_api):
    nutrients = {"energy_kcal": 900, "fat_g": 10, "protein_g": 10, "carbohydrate_g": 10}

    response = create(alice_api, nutrients=nutrients)

    assert response.status_code == 201
    assert response.json()["energy_warning"].startswith("Energy 900 kcal is far from the 170 kcal")


def test_it_lists_only_the_callers_own_items_by_name(alice_api, alice, bob):
    zest = own_bar(alice_api, name="Zest bar")
    apple = own_bar(alice_api, name="Apple bar")
    make_item("Bob's bar", owner=bob)
    make_item("Catalog natto")
    log_item(alice, apple, grams=45)

    body = alice_api.get("/own-items").json()

    assert [(item["id"], item["entry_count"]) for item in body] == [(apple.pk, 1), (zest.pk, 0)]


def test_the_list_costs_the_same_queries_for_1_and_6_items(alice_api, django_assert_num_queries):
    own_bar(alice_api)
    # token, items with their entry counts, portions, values, sources
    with django_assert_num_queries(5):
        assert len(alice_api.get("/own-items").json()) == 1
    for number in range(5):
        own_bar(alice_api, name=f"Bar {number}")
    with django_assert_num_queries(5):
        assert len(alice_api.get("/own-items").json()) == 6


def test_it_reads_one_item(alice_api):
    bar = own_bar(alice_api)

    response = alice_api.get(f"/own-items/{bar.pk}")

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["notes"]) == ("Oat bar", "From the green box")


def test_a_catalog_item_is_not_an_own_item(alice_api):
    natto = make_item("Natto")

    assert alice_api.get(f"/own-items/{natto.pk}").status_code == 404
    assert alice_api.delete(f"/own-items/{natto.pk}").status_code == 404
    assert Item.objects.filter(pk=natto.pk).exists()


def test_another_users_item_is_a_404_for_every_method(alice_api, bob_api):
    bobs = own_bar(bob_api)
    path = f"/own-items/{bobs.pk}"

    responses = [alice_api.get(path), alice_api.patch(path, {"name": "Mine now"}), alice_api.delete(path)]

    assert [response.status_code for response in responses] == [404, 404, 404]
    bobs.refresh_from_db()
    assert bobs.name == "Oat bar"


@pytest.mark.parametrize("item_id", [0, 2**63, 10**30])
def test_ids_out_of_range_are_a_404_or_400_never_a_500(alice_api, item_id):
    path = f"/own-items/{item_id}"

    responses = [alice_api.get(path), alice_api.patch(path, {"name": "x"}), alice_api.delete(path)]

    assert all(response.status_code in (400, 404) for response in responses)


def test_every_call_needs_a_token(anonymous_api, alice_api):
    bar = own_bar(alice_api)
    path = f"/own-items/{bar.pk}"

    responses = [anonymous_api.get("/own-items"), anonymous_api.post("/own-items", OAT_BAR),
                 anonymous_api.get(path), anonymous_api.patch(path, {"name": "x"}), anonymous_api.delete(path)]

    assert [response.status_code for response in responses] == [401] * 5
    assert Item.objects.get().name == "Oat bar"


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"notes": "a\x00b"}, "notes"),
    ({"kind": "drink"}, "kind"),
    ({"nutrients": {"fat_g": -1}}, "nutrients.fat_g"),
    ({"nutrients": {"vitamin_z_ug": 1}}, "nutrients.vitamin_z_ug"),
    ({"nutrients": {"fat_g": 101}}, "nutrients.fat_g"),
    ({"nutrients": {"k2_mk7_ug": 1.23456}}, "nutrients.k2_mk7_ug"),
    ({"nutrients": {"vitamin_d_ug": 2_000_000}}, "nutrients.vitamin_d_ug"),
    ({"portions": [{"label": "1 bar"}]}, "portions.0.grams"),
    ({"portions": [{"label": "1 bar", "grams": 0}]}, "portions.0.grams"),
    ({"portions": [{"label": "1 bar", "units": 1}]}, "portions.0.units"),
    ({"portions": [{"label": "", "grams": 45}]}, "portions.0.label"),
    ({"portions": [{"label": "1 bar", "grams": 45}, {"label": "1 BAR", "grams": 50}]}, "portions.1.label"),
    ({"portions": [{"label": f"{n} bars", "grams": n} for n in range(1, 22)]}, "portions"),
])
def test_it_refuses_bad_input_naming_the_field(alice_api, changes, field):
    response = create(alice_api, **changes)

    assert response.status_code == 400
    assert error_fields(response) == [field]
    assert not Item.objects.exists()


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_it_refuses_amounts_that_are_not_finite(alice_api, amount):
    body = f'{{"name": "Oat bar", "nutrients": {{"fat_g": {amount}}}}}'

    response = alice_api.client.post("/api/v1/own-items", body, content_type="application/json",
                                     headers=alice_api.headers)

    assert response.status_code == 400
    assert error_fields(response) == ["nutrients.fat_g"]


def test_it_refuses_a_nutrient_it_does_not_know(alice_api):
    response = create(alice_api, nutrients={"vitamin_e_mg": 3})

    assert response.status_code == 400
    assert error_fields(response)[0].startswith("nutrients.vitamin_e_mg")


def test_a_supplements_portion_is_in_units(alice_api):
    response = alice_api.post("/own-items", SOFTGEL | {"portions": [{"label": "1 softgel", "grams": 1}]})

    assert response.status_code == 400
    assert error_fields(response) == ["portions.0.grams"]


def test_a_patch_changes_only_what_it_names(alice_api):
    bar = own_bar(alice_api)
    portion = bar.portions.get()

    response = alice_api.patch(f"/own-items/{bar.pk}", {"name": "Oat bar, less sugar"})

    assert response.status_code == 200
    bar.refresh_from_db()
    assert (bar.name, bar.brand, bar.notes) == ("Oat bar, less sugar", "Acme", "From the green box")
    assert stored_values(bar) == {"fat_g": Decimal("12.5"), "k2_mk7_ug": 20, "calcium_mg": 0}
    assert bar.portions.get() == portion


def test_a_patch_changes_only_the_nutrients_it_names(alice_api):
    bar = own_bar(alice_api)

    response = alice_api.patch(f"/own-items/{bar.pk}", {"nutrients": {"k2_mk7_ug": 25, "calcium_mg": None}})

    assert response.status_code == 200
    assert stored_values(bar) == {"fat_g": Decimal("12.5"), "k2_mk7_ug": 25}
    assert response.json()["nutrients"]["calcium_mg"] is None


def test_a_patch_replaces_the_portions_keeping_a_label_that_stays(alice_api):
    bar = own_bar(alice_api)
    kept = bar.portions.get()

    response = alice_api.patch(f"/own-items/{bar.pk}", {"portions": [{"label": "half a bar", "grams": 22.5},
                                                                       {"label": "1 bar", "grams": 46}]})

    assert response.status_code == 200
    assert stored_portions(bar) == [("half a bar", Decimal("22.5"), None), ("1 bar", Decimal(46), None)]
    assert Portion.objects.get(label="1 bar").pk == kept.pk


def test_a_patch_can_turn_an_unlogged_food_into_a_supplement(alice_api):
    bar = own_bar(alice_api)

    response = alice_api.patch(f"/own-items/{bar.pk}", {"kind": "supplement", "nutrients": {"fat_g": None},
                                                        "portions": [{"label": "1 bar", "units": 1}]})

    assert response.status_code == 200
    bar.refresh_from_db()
    assert bar.is_supplement and stored_portions(bar) == [("1 bar", None, 1)]


def test_a_patch_to_another_kind_names_the_portions_left_in_the_old_one(alice_api):
    bar = own_bar(alice_api)

    response = alice_api.patch(f"/own-items/{bar.pk}", {"kind": "supplement", "nutrients": {"fat_g": None}})

    assert response.status_code == 400
    assert error_fields(response) == ["portions.0.grams"]


def test_a_logged_item_cannot_change_kind(alice_api, alice):
    bar = own_bar(alice_api)
    log_item(alice, bar, grams=45)

    response = alice_api.patch(f"/own-items/{bar.pk}", {"kind": "supplement", "nutrients": {"fat_g": None},
                                                        "portions": []})

    assert response.status_code == 400
    assert error_fields(response) == ["kind"]
    bar.refresh_from_db()
    assert bar.kind == "food"


def test_a_patch_names_a_portion_given_without_its_amount(alice_api):
    bar = own_bar(alice_api)

    response = alice_api.patch(f"/own-items/{bar.pk}", {"portions": [{"label": "1 bar"}]})

    assert response.status_code == 400
    assert error_fields(response) == ["portions.0.grams"]


def test_a_patch_with_a_bad_value_changes_nothing(alice_api):
    bar = own_bar(alice_api)

    response = alice_api.patch(f"/own-items/{bar.pk}", {"name": "Renamed", "nutrients": {"fat_g": -1}})

    assert response.status_code == 400
    assert error_fields(response) == ["nutrients.fat_g"]
    bar.refresh_from_db()
    assert bar.name == "Oat bar" and stored_values(bar)["fat_g"] == Decimal("12.5")


def test_it_deletes_an_item_with_its_values_and_portions(alice_api):
    bar = own_bar(alice_api)

    response = alice_api.delete(f"/own-items/{bar.pk}")

    assert response.status_code == 204
    assert not Item.objects.exists() and not NutrientValue.objects.exists() and not Portion.objects.exists()


def test_an_item_in_the_log_is_not_deleted_and_says_why(alice_api, alice):
    bar = own_bar(alice_api)
    log_item(alice, bar, grams=45)

    response = alice_api.delete(f"/own-items/{bar.pk}")

    assert response.status_code == 409
    assert "is in your log, so it cannot be deleted" in response.json()["detail"]
    assert Item.objects.filter(pk=bar.pk).exists()


def test_an_item_in_a_routine_is_not_deleted_and_says_why(alice_api, alice):
    bar = own_bar(alice_api)
    make_product_routine(alice, item=bar, quantity=45, quantity_unit="g")

    response = alice_api.delete(f"/own-items/{bar.pk}")

    assert response.status_code == 409
    assert "is in one of your routines" in response.json()["detail"]
    assert Item.objects.filter(pk=bar.pk).exists()
