import re
from decimal import Decimal

import pytest
from django.contrib import messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from foods import nutrients
from foods.admin import ItemAdmin
from foods.models import Item, NutrientValue, Portion, Source
from tests.factories import make_category, make_item, make_source

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/foods/item/"


@pytest.fixture
def kamao():
    return make_source(key="kamao-2007", citation="Kamao M et al. Vitamin K content of foods. 2007")


@pytest.fixture
def usda():
    return make_source(
        key="usda-sr28", kind=Source.Kind.USDA_SR28,
        citation="USDA National Nutrient Database for Standard Reference, Release 28 (SR28)",
    )


@pytest.fixture
def natto(kamao):
    return make_item("Natto", category=make_category("Legumes"), usda_ndb_number="16113", values={"k2_mk7_ug": 939},
                     source=kamao, portions={"3 oz": 85})


def change_url(item):
    return reverse("admin:foods_item_change", args=[item.pk])


def form_data(client, url):
    """The form on `url` as a browser would post it untouched: main form, inline management forms, rows."""
    response = client.get(url)
    assert response.status_code == 200
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is not None and value is not False:
                data[field.html_name] = "on" if value is True else value
    return data


def row(data, prefix, nutrient):
    """The html prefix of the inline row whose nutrient select shows `nutrient`."""
    for key, value in data.items():
        if key.startswith(f"{prefix}-") and key.endswith("-nutrient") and value == nutrient:
            return key.removesuffix("-nutrient")
    raise AssertionError(f"no row for {nutrient}")


def new_portion_row(data):
    return f"portions-{data['portions-TOTAL_FORMS'] - 1}"


def results(response):
    return list(response.context["cl"].result_list)


def cells(response, column):
    """{item name: text of its cell in `column`} from the rendered changelist."""
    html = response.content.decode()
    names = re.findall(r'<th class="field-name"><a [^>]*>(.*?)</a></th>', html)
    values = re.findall(rf'<td class="field-{column}[^"]*">(.*?)</td>', html)
    assert len(names) == len(values)
    return dict(zip(names, values, strict=True))


def warnings(response):
    return [str(m) for m in response.context["messages"] if m.level == messages.WARNING]


# The item list


def test_it_searches_items_by_name(client, editor, natto):
    make_item("Egg yolk, raw")
    client.force_login(editor)

    response = client.get(CHANGELIST, {"q": "natt"})

    assert results(response) == [natto]


def test_it_searches_items_by_brand(client, editor, natto):
    capsule = make_item("Vitamin K2 100 µg", kind=Item.Kind.SUPPLEMENT, brand="Sunbeam")
    client.force_login(editor)

    response = client.get(CHANGELIST, {"q": "sunbeam"})

    assert results(response) == [capsule]


def test_it_finds_an_item_by_its_ndb_number(client, editor, natto):
    make_item("Egg yolk, raw", usda_ndb_number="01125")
    client.force_login(editor)

    response = client.get(CHANGELIST, {"q": "16113"})

    assert results(response) == [natto]


def test_it_filters_by_category(client, editor, natto):
    make_item("Gouda", category=make_category("Dairy"))
    client.force_login(editor)

    response = client.get(CHANGELIST, {"category__id__exact": natto.category_id})

    assert results(response) == [natto]


def test_it_filters_by_kind(client, editor, natto):
    capsule = make_item("Vitamin D3 1000 IU", kind=Item.Kind.SUPPLEMENT)
    client.force_login(editor)

    supplements = client.get(CHANGELIST, {"kind__exact": "supplement"})
    foods = client.get(CHANGELIST, {"kind__exact": "food"})

    assert results(supplements) == [capsule]
    assert results(foods) == [natto]


def test_it_filters_by_the_source_of_any_value(client, editor, natto, kamao, usda):
    NutrientValue.objects.create(item=natto, nutrient="fat_g", amount=11, source=usda)
    egg = make_item("Egg yolk, raw", values={"vitamin_d_ug": 5.4}, source=usda)
    make_item("Home-made bread")
    client.force_login(editor)

    from_usda = client.get(CHANGELIST, {"source": "usda-sr28"})
    from_kamao = client.get(CHANGELIST, {"source": "kamao-2007"})

    assert results(from_usda) == [egg, natto]
    assert results(from_kamao) == [natto]
    assert "Kamao M et al." in from_usda.content.decode()


def test_a_source_filter_of_no_known_source_lists_nothing(client, editor, natto):
    client.force_login(editor)

    response = client.get(CHANGELIST, {"source": "no-such-source"})

    assert response.status_code == 200
    assert results(response) == []


def test_a_superuser_filters_catalog_items_from_users_items(admin_client, natto, alice):
    own = make_item("My granola", owner=alice)

    catalog = admin_client.get(CHANGELIST, {"owner": "catalog"})
    users = admin_client.get(CHANGELIST, {"owner": "users"})

    assert results(catalog) == [natto]
    assert results(users) == [own]
    assert cells(users, "owner_label") == {"My granola": "alice"}


def test_it_shows_k2_as_mk7_equivalent_and_vitamin_d_with_a_dash_when_unknown(client, editor, natto):
    make_item("Egg yolk, raw", values={"k2_mk4_ug": "15.5", "vitamin_d_ug": "5.4"})
    make_item("Gouda", values={"k2_mk4_ug": 5, "k2_other_ug": 70, "vitamin_d_ug": 0})
    make_item("Home-made bread")
    client.force_login(editor)

    response = client.get(CHANGELIST)

    assert cells(response, "k2_mk7_equivalent") == {
        "Egg yolk, raw": "1.55", "Gouda": "70.5", "Home-made bread": "—", "Natto": "939",
    }
    assert cells(response, "vitamin_d") == {
        "Egg yolk, raw": "5.4", "Gouda": "0", "Home-made bread": "—", "Natto": "—",
    }


def test_it_sorts_by_vitamin_d(client, editor):
    make_item("Salmon", values={"vitamin_d_ug": 11})
    make_item("Egg yolk, raw", values={"vitamin_d_ug": "5.4"})
    make_item("Cod liver oil", values={"vitamin_d_ug": 250})
    client.force_login(editor)
    column = ItemAdmin.list_display.index("vitamin_d") + 1

    response = client.get(CHANGELIST, {"o": f"-{column}"})

    assert [item.name for item in results(response)] == ["Cod liver oil", "Salmon", "Egg yolk, raw"]


def test_it_flags_an_energy_far_from_the_macros_in_the_list(client, editor):
    make_item("Natto", values={"energy_kcal": 211, "protein_g": "19.4", "carbohydrate_g": "12.7", "fat_g": 11})
    make_item("Typo", values={"energy_kcal": 2110, "protein_g": "19.4", "carbohydrate_g": "12.7", "fat_g": 11})
    client.force_login(editor)

    response = client.get(CHANGELIST)

    flags = cells(response, "energy_check")
    assert "⚠" not in flags["Natto"]
    assert "⚠" in flags["Typo"] and "2110 kcal" in flags["Typo"]


def test_the_list_makes_as_many_queries_for_30_items_as_for_1(admin_client, alice, usda, kamao,
                                                               django_assert_num_queries):
    make_item("Natto", category=make_category("Legumes"), values={"k2_mk7_ug": 939, "fat_g": 11}, source=kamao)
    with CaptureQueriesContext(connection) as one_item:
        admin_client.get(CHANGELIST)
    for i in range(29):
        make_item(
            f"Food {i:02}", category=make_category(f"Group {i}"), owner=alice if i % 2 else None,
            values={"vitamin_d_ug": i, "k2_mk4_ug": i, "energy_kcal": 100, "protein_g": 1, "carbohydrate_g": 1,
                    "fat_g": 1},
            source=usda, portions={"1 cup": 100},
        )

    with django_assert_num_queries(len(one_item)):
        response = admin_client.get(CHANGELIST)

    assert len(results(response)) == 30
    assert cells(response, "vitamin_d")["Food 28"] == "28"


# The change form and its inlines


def test_it_shows_a_row_for_every_nutrient_stored_ones_first(client, editor, natto):
    client.force_login(editor)

    response = client.get(change_url(natto))

    formset = response.context["inline_admin_formsets"][0].formset
    shown = [form["nutrient"].value() for form in formset.forms]
    assert shown[0] == "k2_mk7_ug"
    assert sorted(shown) == sorted(n.code for n in nutrients.NUTRIENTS)


def test_it_shows_amounts_without_trailing_zeros(client, editor):
    egg = make_item("Egg yolk, raw", values={"k2_mk4_ug": 100, "vitamin_d_ug": "5.40"})
    client.force_login(editor)

    data = form_data(client, change_url(egg))
    html = client.get(change_url(egg)).content.decode()

    assert f'name="{row(data, "nutrient_values", "k2_mk4_ug")}-amount" value="100"' in html
    assert f'name="{row(data, "nutrient_values", "vitamin_d_ug")}-amount" value="5.4"' in html


def test_it_saves_nutrient_values_and_portions_from_the_change_form(client, editor, natto, kamao, usda):
    client.force_login(editor)
    data = form_data(client, change_url(natto))
    data[f"{row(data, 'nutrient_values', 'k2_mk7_ug')}-amount"] = "1000"
    fat = row(data, "nutrient_values", "fat_g")
    data.update({f"{fat}-amount": "11", f"{fat}-source": usda.pk})
    portion = new_portion_row(data)
    data.update({f"{portion}-label": "1 cup", f"{portion}-grams": "175", f"{portion}-position": "1"})

    response = client.post(change_url(natto), data)

    assert response.status_code == 302
    assert natto.nutrient_amounts()["k2_mk7_ug"] == Decimal("1000")
    assert NutrientValue.objects.get(item=natto, nutrient="fat_g").source == usda
    assert natto.nutrient_values.count() == 2  # the untouched empty rows stored nothing
    assert {p.label: p.grams for p in natto.portions.all()} == {"3 oz": Decimal("85"), "1 cup": Decimal("175")}


def test_it_adds_an_item_with_its_values_and_portions(client, editor, kamao):
    client.force_login(editor)
    url = reverse("admin:foods_item_add")
    data = form_data(client, url)
    data.update({"name": "Natto", "kind": "food"})
    mk7 = row(data, "nutrient_values", "k2_mk7_ug")
    data.update({f"{mk7}-amount": "939", f"{mk7}-source": kamao.pk})
    data.update({"portions-0-label": "3 oz", "portions-0-grams": "85"})

    response = client.post(url, data)

    assert response.status_code == 302
    natto = Item.objects.get(name="Natto")
    assert natto.owner is None
    assert natto.nutrient_amounts()["k2_mk7_ug"] == Decimal("939")
    assert natto.portions.get().grams == Decimal("85")


def test_it_stores_vitamin_d_entered_in_iu_as_micrograms(client, editor, natto, kamao):
    client.force_login(editor)
    data = form_data(client, change_url(natto))
    vitamin_d = row(data, "nutrient_values", "vitamin_d_ug")
    data.update({f"{vitamin_d}-amount": "5000", f"{vitamin_d}-entered_in": "iu", f"{vitamin_d}-source": kamao.pk})

    response = client.post(change_url(natto), data)

    assert response.status_code == 302
    assert NutrientValue.objects.get(item=natto, nutrient="vitamin_d_ug").amount == Decimal("125")


def test_iu_for_another_nutrient_is_a_form_error(client, editor, natto, kamao):
    client.force_login(editor)
    data = form_data(client, change_url(natto))
    vitamin_a = row(data, "nutrient_values", "vitamin_a_ug_rae")
    data.update({f"{vitamin_a}-amount": "5000", f"{vitamin_a}-entered_in": "iu", f"{vitamin_a}-source": kamao.pk})

    response = client.post(change_url(natto), data)

    assert response.status_code == 200
    assert "Only vitamin D can be entered in IU" in response.content.decode()
    assert not natto.nutrient_values.filter(nutrient="vitamin_a_ug_rae").exists()


def test_a_negative_amount_is_a_form_error(client, editor, natto):
    client.force_login(editor)
    data = form_data(client, change_url(natto))
    data[f"{row(data, 'nutrient_values', 'k2_mk7_ug')}-amount"] = "-5"

    response = client.post(change_url(natto), data)

    assert response.status_code == 200
    assert "An amount cannot be negative." in response.content.decode()
    assert natto.nutrient_amounts()["k2_mk7_ug"] == Decimal("939")


def test_an_amount_beyond_any_food_is_a_form_error(client, editor, natto, kamao):
    client.force_login(editor)
    data = form_data(client, change_url(natto))
    vitamin_d = row(data, "nutrient_values", "vitamin_d_ug")
    data.update({f"{vitamin_d}-amount": "50000000", f"{vitamin_d}-entered_in": "iu", f"{vitamin_d}-source": kamao.pk})

    response = client.post(change_url(natto), data)

    assert response.status_code == 200
    assert "less than or equal to 1000000" in response.content.decode()
    assert not natto.nutrient_values.filter(nutrient="vitamin_d_ug").exists()


def test_a_zero_gram_portion_is_a_form_error(client, editor, natto):
    client.force_login(editor)
    data = form_data(client, change_url(natto))
    portion = new_portion_row(data)
    data.update({f"{portion}-label": "nothing", f"{portion}-grams": "0", f"{portion}-position": "1"})

    response = client.post(change_url(natto), data)

    assert response.status_code == 200
    assert "A portion must weigh more than 0 g." in response.content.decode()
    assert list(natto.portions.values_list("label", flat=True)) == ["3 oz"]


def test_a_supplement_portion_in_grams_is_a_form_error(client, editor):
    capsule = make_item("Vitamin K2 100 µg", kind=Item.Kind.SUPPLEMENT, portions={"1 softgel": 1})
    client.force_login(editor)
    data = form_data(client, change_url(capsule))
    portion = new_portion_row(data)
    data.update({f"{portion}-label": "1 scoop", f"{portion}-grams": "5", f"{portion}-position": "1"})

    response = client.post(change_url(capsule), data)

    assert response.status_code == 200
    assert "A supplement&#x27;s portion is a number of units, not grams." in response.content.decode()
    assert capsule.portions.count() == 1


def test_a_new_food_cannot_get_a_portion_in_units(client, editor):
    client.force_login(editor)
    url = reverse("admin:foods_item_add")
    data = form_data(client, url)
    data.update({"name": "Natto", "kind": "food", "portions-0-label": "2 drops", "portions-0-units": "2"})

    response = client.post(url, data)

    assert response.status_code == 200
    assert "A food&#x27;s portion is a weight in grams." in response.content.decode()
    assert not Item.objects.exists()


def test_a_nutrient_entered_twice_is_a_form_error(client, editor, natto, kamao):
    client.force_login(editor)
    data = form_data(client, change_url(natto))
    second = row(data, "nutrient_values", "k2_other_ug")
    data.update({f"{second}-nutrient": "k2_mk7_ug", f"{second}-amount": "50", f"{second}-source": kamao.pk})

    response = client.post(change_url(natto), data)

    assert response.status_code == 200
    assert "Vitamin K2 as MK-7 is entered twice; keep one value per nutrient." in response.content.decode()
    assert list(natto.nutrient_values.values_list("nutrient", "amount")) == [("k2_mk7_ug", Decimal("939"))]


def test_a_value_deleted_and_entered_again_is_not_a_duplicate(client, editor, natto, kamao):
    client.force_login(editor)
    data = form_data(client, change_url(natto))
    data[f"{row(data, 'nutrient_values', 'k2_mk7_ug')}-DELETE"] = "on"
    second = row(data, "nutrient_values", "k2_other_ug")
    data.update({f"{second}-nutrient": "k2_mk7_ug", f"{second}-amount": "850", f"{second}-source": kamao.pk})

    response = client.post(change_url(natto), data)

    assert response.status_code == 302
    assert natto.nutrient_amounts()["k2_mk7_ug"] == Decimal("850")


def test_it_warns_after_saving_an_energy_far_from_the_macros(client, editor, usda):
    natto = make_item("Natto", values={"energy_kcal": 211, "protein_g": "19.4", "carbohydrate_g": "12.7"}, source=usda)
    client.force_login(editor)
    data = form_data(client, change_url(natto))
    fat = row(data, "nutrient_values", "fat_g")
    data.update({f"{fat}-amount": "110", f"{fat}-source": usda.pk})

    response = client.post(change_url(natto), data, follow=True)

    assert response.status_code == 200
    assert warnings(response) == [
        "Natto: Energy 211 kcal is far from the 1118 kcal that 4/4/9 of protein, carbohydrate and fat give. "
        "Check the values."
    ]


def test_it_does_not_warn_when_energy_agrees_with_the_macros(client, editor, usda):
    natto = make_item("Natto", values={"energy_kcal": 211, "protein_g": "19.4", "carbohydrate_g": "12.7"}, source=usda)
    client.force_login(editor)
    data = form_data(client, change_url(natto))
    fat = row(data, "nutrient_values", "fat_g")
    data.update({f"{fat}-amount": "11", f"{fat}-source": usda.pk})

    response = client.post(change_url(natto), data, follow=True)

    assert response.status_code == 200
    assert warnings(response) == []


def test_a_change_page_of_an_unknown_item_is_not_an_error(client, editor):
    client.force_login(editor)

    response = client.get("/admin/foods/item/not-a-number/change/")

    assert response.status_code == 302  # the admin's own "doesn't exist" redirect


def test_an_anonymous_visitor_is_sent_to_log_in(client, natto):
    response = client.get(change_url(natto))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# The other catalog admins


def test_the_nutrient_value_admin_stores_iu_as_micrograms(client, editor, natto, kamao):
    client.force_login(editor)

    response = client.post(reverse("admin:foods_nutrientvalue_add"), {
        "item": natto.pk, "nutrient": "vitamin_d_ug", "amount": "400", "entered_in": "iu", "source": kamao.pk,
    })

    assert response.status_code == 302
    assert NutrientValue.objects.get(item=natto, nutrient="vitamin_d_ug").amount == Decimal("10")


def test_the_nutrient_value_admin_refuses_a_second_value_of_a_nutrient(client, editor, natto, kamao):
    client.force_login(editor)

    response = client.post(reverse("admin:foods_nutrientvalue_add"), {
        "item": natto.pk, "nutrient": "k2_mk7_ug", "amount": "850", "source": kamao.pk,
    })

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert natto.nutrient_values.count() == 1


def test_the_nutrient_value_admin_warns_about_energy(client, editor, usda):
    natto = make_item("Natto", values={"energy_kcal": 211, "protein_g": "19.4", "carbohydrate_g": "12.7"}, source=usda)
    client.force_login(editor)

    response = client.post(reverse("admin:foods_nutrientvalue_add"), {
        "item": natto.pk, "nutrient": "fat_g", "amount": "110", "source": usda.pk,
    }, follow=True)

    assert len(warnings(response)) == 1
    assert "far from the 1118 kcal" in warnings(response)[0]


def test_the_portion_admin_checks_the_item_kind(client, editor, natto):
    client.force_login(editor)

    response = client.post(reverse("admin:foods_portion_add"), {
        "item": natto.pk, "label": "2 drops", "units": "2", "position": "1",
    })

    assert response.status_code == 200
    assert "A food&#x27;s portion is a weight in grams." in response.content.decode()
    assert natto.portions.count() == 1


def test_the_portion_admin_refuses_a_zero_unit_portion(client, editor):
    capsule = make_item("Vitamin K2 100 µg", kind=Item.Kind.SUPPLEMENT)
    client.force_login(editor)

    response = client.post(reverse("admin:foods_portion_add"), {
        "item": capsule.pk, "label": "none", "units": "0", "position": "0",
    })

    assert response.status_code == 200
    assert "A portion must hold more than 0 units." in response.content.decode()
    assert not Portion.objects.exists()


def test_it_searches_sources_by_citation(client, editor, kamao, usda):
    client.force_login(editor)

    response = client.get("/admin/foods/source/", {"q": "vitamin K content"})

    assert results(response) == [kamao]


def test_it_filters_sources_by_kind(client, editor, kamao, usda):
    client.force_login(editor)

    response = client.get("/admin/foods/source/", {"kind__exact": "usda_sr28"})

    assert results(response) == [usda]


def test_the_category_admin_lists_categories(client, editor):
    make_category("Legumes")
    client.force_login(editor)

    response = client.get("/admin/foods/category/")

    assert [c.name for c in results(response)] == ["Legumes"]
