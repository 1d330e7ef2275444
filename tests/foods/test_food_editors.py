from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from foods.models import Item, NutrientValue
from tests.factories import make_item, make_source
from tests.foods.test_admin import change_url, form_data, results, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("sam", "sam@example.com", "correct-horse-battery", is_staff=True)


@pytest.fixture
def natto():
    return make_item("Natto", values={"k2_mk7_ug": 939}, source=make_source(key="kamao-2007"))


def test_the_group_holds_every_catalog_permission_and_no_other():
    granted = Group.objects.get(name="Food editors").permissions.all()

    expected = {
        f"{action}_{model}"
        for model in ["item", "nutrientvalue", "portion", "source", "category"]
        for action in ["view", "add", "change", "delete"]
    }
    assert {p.codename for p in granted} == expected
    assert {p.content_type.app_label for p in granted} == {"foods"}
    assert Permission.objects.filter(content_type__app_label="foods", codename__in=expected).count() == 20


def test_an_editor_changes_nattos_mk7(client, editor, natto):
    client.force_login(editor)
    data = form_data(client, change_url(natto))
    data[f"{row(data, 'nutrient_values', 'k2_mk7_ug')}-amount"] = "850"

    response = client.post(change_url(natto), data)

    assert response.status_code == 302
    assert natto.nutrient_amounts()["k2_mk7_ug"] == Decimal("850")


def test_an_editor_sees_only_the_catalog_on_the_admin_index(client, editor):
    client.force_login(editor)

    response = client.get(reverse("admin:index"))

    apps = {app["app_label"]: {m["object_name"] for m in app["models"]} for app in response.context["app_list"]}
    assert apps == {"foods": {"Item", "NutrientValue", "Portion", "Source", "Category"}}


@pytest.mark.parametrize("url", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"])
def test_an_editor_gets_403_outside_the_catalog(client, editor, url):
    client.force_login(editor)

    response = client.get(url)

    assert response.status_code == 403


def test_an_editor_cannot_change_a_user(client, editor, alice):
    client.force_login(editor)

    response = client.post(reverse("admin:auth_user_change", args=[alice.pk]), {"username": "mallory"})

    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.username == "alice"


def test_a_staff_user_without_the_group_cannot_open_or_edit_items(client, editor, staff, natto):
    client.force_login(editor)
    data = form_data(client, change_url(natto))
    data[f"{row(data, 'nutrient_values', 'k2_mk7_ug')}-amount"] = "850"
    client.force_login(staff)

    page = client.get(change_url(natto))
    post = client.post(change_url(natto), data)
    listing = client.get("/admin/foods/item/")

    assert (page.status_code, post.status_code, listing.status_code) == (403, 403, 403)
    assert natto.nutrient_amounts()["k2_mk7_ug"] == Decimal("939")


def test_an_editor_does_not_see_users_private_items(client, editor, alice, natto):
    own = make_item("Alice's granola", owner=alice, values={"fat_g": 20})
    client.force_login(editor)

    listing = client.get("/admin/foods/item/")
    page = client.get(change_url(own))
    history = client.get(reverse("admin:foods_item_history", args=[own.pk]))
    values = client.get("/admin/foods/nutrientvalue/")
    value_history = client.get(reverse("admin:foods_nutrientvalue_history", args=[own.nutrient_values.get().pk]))

    assert results(listing) == [natto]
    assert page.status_code == 302  # the admin's "doesn't exist" redirect
    assert history.status_code == 404
    assert [v.item for v in results(values)] == [natto]
    assert value_history.status_code == 404


def test_an_editor_cannot_see_an_old_version_of_a_private_item(client, editor, alice):
    own = make_item("Alice's granola", owner=alice)
    version = own.history.get()
    client.force_login(editor)

    response = client.get(f"/admin/foods/item/{own.pk}/history/{version.history_id}/")

    assert response.status_code == 404


def test_an_editor_cannot_add_a_value_to_a_private_item(client, editor, alice):
    own = make_item("Alice's granola", owner=alice)
    client.force_login(editor)

    response = client.post(reverse("admin:foods_nutrientvalue_add"), {
        "item": own.pk, "nutrient": "fat_g", "amount": "20", "source": make_source().pk,
    })

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NutrientValue.objects.exists()


def test_an_editors_new_item_belongs_to_the_catalog(client, editor, alice):
    client.force_login(editor)
    url = reverse("admin:foods_item_add")
    data = form_data(client, url)
    data.update({"name": "Gouda", "kind": "food", "owner": alice.pk})

    response = client.post(url, data)

    assert response.status_code == 302
    assert Item.objects.get(name="Gouda").owner is None


def test_a_superuser_sees_and_edits_users_items(admin_client, alice):
    own = make_item("Alice's granola", owner=alice, values={"fat_g": 20})
    data = form_data(admin_client, change_url(own))
    data[f"{row(data, 'nutrient_values', 'fat_g')}-amount"] = "18"

    response = admin_client.post(change_url(own), data)

    assert response.status_code == 302
    assert own.nutrient_amounts()["fat_g"] == Decimal("18")
    assert Item.objects.get(pk=own.pk).owner == alice
