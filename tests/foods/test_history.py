from decimal import Decimal

import pytest
from django.urls import reverse

from foods.admin import item_data_changes
from foods.models import NutrientValue
from tests.factories import make_item, make_source
from tests.foods.test_admin import change_url, form_data, new_portion_row, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def natto():
    return make_item("Natto", values={"k2_mk7_ug": 939}, source=make_source(key="kamao-2007", citation="Kamao 2007"),
                     portions={"3 oz": 85})


def history_url(item):
    return reverse("admin:foods_item_history", args=[item.pk])


def edit_mk7(client, item, amount):
    data = form_data(client, change_url(item))
    data[f"{row(data, 'nutrient_values', 'k2_mk7_ug')}-amount"] = amount
    response = client.post(change_url(item), data)
    assert response.status_code == 302


def test_editing_mk7_in_the_admin_keeps_the_old_value_and_the_editor(client, editor, natto):
    client.force_login(editor)

    edit_mk7(client, natto, "850")

    mk7 = NutrientValue.objects.get(item=natto, nutrient="k2_mk7_ug")
    latest, earlier = mk7.history.order_by("-history_date")[:2]
    assert (latest.history_type, latest.amount, latest.history_user) == ("~", Decimal("850"), editor)
    assert (earlier.history_type, earlier.amount, earlier.history_user) == ("+", Decimal("939"), None)


def test_an_unchanged_value_gets_no_new_history(client, editor, natto):
    client.force_login(editor)
    data = form_data(client, change_url(natto))

    client.post(change_url(natto), data)

    assert NutrientValue.history.count() == 1


def test_the_item_history_page_shows_who_changed_mk7_from_what_to_what(client, editor, natto):
    client.force_login(editor)
    edit_mk7(client, natto, "850")

    response = client.get(history_url(natto))

    assert response.status_code == 200
    [change] = [c for c in response.context["data_changes"] if c.action == "Changed"]
    assert (change.user, change.subject, change.changes) == (
        editor, "Vitamin K2 as MK-7", [("amount", "939 µg", "850 µg")],
    )
    html = response.content.decode()
    assert "Vitamin K2 as MK-7" in html and "939 µg&nbsp;&rarr;&nbsp;850 µg" in html and "erin" in html


def test_the_item_history_page_lists_added_and_deleted_portions(client, editor, natto):
    client.force_login(editor)
    data = form_data(client, change_url(natto))
    data["portions-0-DELETE"] = "on"
    portion = new_portion_row(data)
    data.update({f"{portion}-label": "1 pack", f"{portion}-grams": "45", f"{portion}-position": "0"})
    assert client.post(change_url(natto), data).status_code == 302

    response = client.get(history_url(natto))

    by_action = {(c.action, c.subject): c for c in response.context["data_changes"] if c.user == editor}
    assert set(by_action) == {("Created", "Portion “1 pack”"), ("Deleted", "Portion “3 oz”")}
    assert ("grams", "—", "45 g") in by_action["Created", "Portion “1 pack”"].changes
    assert ("grams", "85 g", "—") in by_action["Deleted", "Portion “3 oz”"].changes


def test_the_item_history_page_keeps_the_items_own_changes_with_the_editor(client, editor, natto):
    client.force_login(editor)
    data = form_data(client, change_url(natto))
    data["name"] = "Natto, fermented soybeans"
    client.post(change_url(natto), data)

    response = client.get(history_url(natto))

    latest = response.context["page_obj"][0]
    assert (latest.name, latest.history_user) == ("Natto, fermented soybeans", editor)


def test_item_data_changes_lists_a_values_life_newest_first(alice, natto):
    kamao, usda = make_source(key="kamao-2007"), make_source(key="usda-sr28", citation="USDA SR28")
    fat = NutrientValue.objects.create(item=natto, nutrient="fat_g", amount=11, source=kamao)
    fat._history_user = alice
    fat.amount, fat.source = Decimal("10.5"), usda
    fat.save()
    fat.delete()
    make_item("Gouda", values={"fat_g": 27})

    changes = [(c.action, c.user, c.changes) for c in item_data_changes(natto.pk) if c.subject == "Total fat"]

    assert changes == [
        ("Deleted", alice, [("amount", "10.5 g", "—"), ("source", "USDA SR28", "—")]),
        ("Changed", alice, [("amount", "11 g", "10.5 g"), ("source", "Kamao 2007", "USDA SR28")]),
        ("Created", None, [("amount", "—", "11 g"), ("source", "—", "Kamao 2007")]),
    ]


def test_item_data_changes_of_a_malformed_id_is_empty():
    assert item_data_changes("not-a-number") == []


def test_the_history_page_of_a_malformed_id_is_a_404(admin_client, client, editor):
    client.force_login(editor)

    assert admin_client.get("/admin/foods/item/not-a-number/history/").status_code == 404
    assert client.get("/admin/foods/item/not-a-number/history/").status_code == 404


def test_an_old_version_of_a_malformed_id_is_a_404(admin_client, natto):
    response = admin_client.get(f"/admin/foods/item/{natto.pk}/history/not-a-number/")

    assert response.status_code == 404


def test_a_superuser_still_sees_the_history_of_a_deleted_item(admin_client, natto):
    pk = natto.pk
    natto.delete()

    response = admin_client.get(f"/admin/foods/item/{pk}/history/")

    assert response.status_code == 200
    assert {c.action for c in response.context["data_changes"]} == {"Created", "Deleted"}
