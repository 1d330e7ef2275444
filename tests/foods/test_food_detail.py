import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from foods import nutrients
from foods.food_facts import food_facts, items_for_food_page
from foods.models import Item, NutrientValue, Portion
from tests.factories import make_category, make_item, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, django_user_model):
    """The catalog needs a log-in: these tests look at it as carol, who owns no items."""
    client.force_login(django_user_model.objects.create_user("carol", "carol@example.com", "correct-horse-battery"))
    return client


def nutrient_row(html, code):
    return re.search(rf'<tr id="nutrient-{code}">.*?</tr>', html, re.S).group(0)


def test_it_shows_every_nutrient_with_unknown_as_not_measured(client):
    natto = make_item("Natto", values={"k2_mk7_ug": 939, "k1_ug": 0})

    html = client.get(natto.get_absolute_url()).content.decode()

    for nutrient in nutrients.NUTRIENTS:
        assert nutrient.label in html
    assert ">939<" in nutrient_row(html, "k2_mk7_ug")
    assert ">0<" in nutrient_row(html, "k1_ug")
    unknown = nutrient_row(html, "vitamin_d_ug")
    assert "—" in unknown and "not measured" in unknown
    assert ">0<" not in unknown


def test_it_shows_each_values_source_unit_basis_and_note(client):
    kamao = make_source(key="kamao-2007", citation="Kamao M et al., 2007", url="https://example.org/kamao")
    table = make_source(key="nih-ods", citation="NIH ODS fact sheet", kind="article")
    natto = make_item("Natto", values={"k2_mk7_ug": 939}, source=kamao)
    NutrientValue.objects.create(item=natto, nutrient="fat_g", amount=11, source=table, note="Rounded by NIH.")

    html = client.get(natto.get_absolute_url()).content.decode()

    mk7 = nutrient_row(html, "k2_mk7_ug")
    assert '<a href="https://example.org/kamao"' in mk7
    assert "Kamao M et al., 2007" in mk7
    assert "Published table" in mk7
    assert "µg" in mk7 and "per 100 g" in mk7
    fat = nutrient_row(html, "fat_g")
    assert "NIH ODS fact sheet" in fat and "<a href" not in fat
    assert "Article" in fat and "Rounded by NIH." in fat and ">g<" in fat


def test_a_supplement_is_per_unit(client):
    drops = make_item("D3 drops", kind=Item.Kind.SUPPLEMENT, values={"vitamin_d_ug": 25}, portions={"2 drops": 2})

    html = client.get(drops.get_absolute_url()).content.decode()

    assert "per unit" in nutrient_row(html, "vitamin_d_ug")
    assert "per 100 g" not in html
    portions = re.search(r'<table[^>]*id="portions".*?</table>', html, re.S).group(0)
    assert ">50<" in portions and ">2,000<" in portions  # 2 drops: 50 µg, 2,000 IU


def test_it_shows_k2_total_and_mk7_equivalent_and_vitamin_d_in_iu(client):
    gouda = make_item("Gouda", values={"k2_mk4_ug": 5, "k2_other_ug": 70, "vitamin_d_ug": 0.5})

    response = client.get(gouda.get_absolute_url())
    html = response.content.decode()

    assert response.context["facts"].k2_total_ug == Decimal("75")
    assert response.context["facts"].k2_mk7_equivalent_ug == Decimal("70.5")
    assert re.search(r'id="k2-total">75 µg', html)
    assert re.search(r'id="k2-equivalent">70.5 µg', html)
    assert re.search(r'id="vitamin-d">0.5 µg · 20 IU', html)


def test_it_shows_unknown_k2_and_vitamin_d_as_a_dash(client):
    apple = make_item("Apple", values={"k1_ug": 2.2})

    html = client.get(apple.get_absolute_url()).content.decode()

    for block in ("k2-total", "k2-equivalent", "vitamin-d"):
        assert re.search(rf'id="{block}"><span class="value-unknown" title="not measured">—</span>', html)
    assert "IU" not in re.search(r'id="vitamin-d">.*?</p>', html, re.S).group(0)


def test_it_shows_what_each_portion_holds(client):
    yolk = make_item(
        "Egg yolk", values={"k2_mk4_ug": 15.5, "vitamin_d_ug": 5.4}, portions={"1 large yolk": 17, "1 cup": 243}
    )

    response = client.get(yolk.get_absolute_url())
    rows = response.context["facts"].portion_rows
    html = response.content.decode()

    assert [row.portion.label for row in rows] == ["1 large yolk", "1 cup"]
    assert rows[0].k2_mk7_equivalent_ug == Decimal("0.2635")
    assert rows[0].vitamin_d_ug == Decimal("0.918")
    assert rows[1].vitamin_d_ug == Decimal("13.122")
    assert ">17 g<" in html and ">243 g<" in html
    assert ">36.7<" in html  # 0.918 µg in IU
    assert "typical" in html


def test_portions_of_an_item_without_k2_show_a_dash(client):
    apple = make_item("Apple", portions={"1 medium": 182})

    rows = client.get(apple.get_absolute_url()).context["facts"].portion_rows

    assert rows[0].k2_mk7_equivalent_ug is None
    assert rows[0].vitamin_d_ug is None


def test_it_shows_category_brand_notes_and_usda_ids(client):
    item = make_item(
        "Cheese, gouda",
        category=make_category("Dairy and Egg Products"),
        brand="Old Amsterdam",
        notes="Article B: 75 mcg/oz.",
        usda_ndb_number="01022",
        fdc_id=171242,
    )

    html = client.get(item.get_absolute_url()).content.decode()

    for text in ("Dairy and Egg Products", "Old Amsterdam", "Article B: 75 mcg/oz.", "01022", "171242"):
        assert text in html


def test_it_flags_an_energy_mismatch(client):
    odd = make_item("Odd", values={"energy_kcal": 900, "protein_g": 10, "carbohydrate_g": 10, "fat_g": 10})
    fine = make_item("Fine", values={"energy_kcal": 170, "protein_g": 10, "carbohydrate_g": 10, "fat_g": 10})

    assert 'id="energy-mismatch"' in client.get(odd.get_absolute_url()).content.decode()
    assert 'id="energy-mismatch"' not in client.get(fine.get_absolute_url()).content.decode()


def test_anonymous_visitors_are_sent_to_log_in():
    url = make_item("Natto").get_absolute_url()
    response = Client().get(url)
    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={url}")


def test_another_users_item_is_not_found(client, alice, bob):
    bobs = make_item("Bob's natto", owner=bob)
    client.force_login(alice)

    assert client.get(bobs.get_absolute_url()).status_code == 404


def test_the_owner_sees_their_own_item(client, alice):
    mine = make_item("Alice's natto", owner=alice)
    client.force_login(alice)

    response = client.get(mine.get_absolute_url())

    assert response.status_code == 200
    assert "your own item" in response.content.decode()


def test_a_missing_item_is_not_found(client):
    assert client.get(reverse("foods:detail", args=[999999])).status_code == 404
    assert client.get(reverse("foods:detail", args=[10**25])).status_code == 404


def test_post_is_not_allowed(client):
    natto = make_item("Natto")

    assert client.post(natto.get_absolute_url()).status_code == 405


def make_rich_item(portion_count):
    source = make_source(key="kamao-2007", citation="Kamao 2007", url="https://example.org/kamao")
    values = {nutrient.code: index + 1 for index, nutrient in enumerate(nutrients.NUTRIENTS)}
    item = make_item("Natto", category=make_category(), values=values, source=source)
    for position in range(portion_count):
        Portion.objects.create(item=item, label=f"{position + 1} oz", grams=28 * (position + 1), position=position,
                               source=source)
    return item


@pytest.mark.parametrize("portion_count", [1, 30])
def test_the_number_of_queries_is_fixed(client, django_assert_num_queries, portion_count):
    item = make_rich_item(portion_count)

    # The user (the session is read from the cache) and standing notices; the item with its category, its
    # values with their sources, its portions with theirs.
    with django_assert_num_queries(5):
        response = client.get(item.get_absolute_url())

    assert len(response.context["facts"].portion_rows) == portion_count


def test_food_facts_reads_only_what_was_fetched(django_assert_num_queries):
    make_rich_item(3)
    item = items_for_food_page(AnonymousUser()).get()

    with django_assert_num_queries(0):
        facts = food_facts(item)

    assert [row.nutrient for row in facts.nutrient_rows] == list(nutrients.NUTRIENTS)
    assert all(row.value.source.citation == "Kamao 2007" for row in facts.nutrient_rows)


def test_the_k2_total_is_exact_when_some_forms_are_unknown():
    natto = make_item("Natto", values={"k2_mk7_ug": 939})

    facts = food_facts(items_for_food_page(AnonymousUser()).get(pk=natto.pk))

    assert facts.k2_total_ug == Decimal("939")
    assert isinstance(facts.k2_total_ug, Decimal)
