import re

import pytest
from django.test import Client
from django.urls import reverse

from foods import catalog_search
from foods.catalog_search import PER_PAGE
from foods.models import Item
from tests.factories import make_category, make_item

pytestmark = pytest.mark.django_db

URL = reverse("foods:list")


@pytest.fixture
def client(client, django_user_model):
    """The catalog needs a log-in: these tests look at it as carol, who owns no items."""
    client.force_login(django_user_model.objects.create_user("carol", "carol@example.com", "correct-horse-battery"))
    return client


def listed_names(response):
    return [row.item.name for row in response.context["page"].object_list]


def test_it_lists_the_catalog(client):
    natto = make_item("Natto", values={"k2_mk7_ug": 939})

    response = client.get(URL)

    assert response.status_code == 200
    assert listed_names(response) == ["Natto"]
    assert natto.get_absolute_url() in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in():
    response = Client().get(URL)
    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={URL}")


def test_it_searches_by_name(client):
    make_item("Egg, yolk, raw, fresh")
    make_item("Natto")

    response = client.get(URL, {"q": "yolk egg"})

    assert listed_names(response) == ["Egg, yolk, raw, fresh"]
    assert 'value="yolk egg"' in response.content.decode()


def test_it_filters_by_category_and_kind(client):
    dairy = make_category("Dairy and Egg Products")
    make_item("Cheese, gouda", category=dairy)
    make_item("Natto")
    make_item("MK-7 softgel", kind=Item.Kind.SUPPLEMENT, category=dairy)

    assert listed_names(client.get(URL, {"category": dairy.pk, "sort": "name"})) == ["Cheese, gouda", "MK-7 softgel"]
    assert listed_names(client.get(URL, {"category": dairy.pk, "kind": "food"})) == ["Cheese, gouda"]
    assert listed_names(client.get(URL, {"kind": "supplement"})) == ["MK-7 softgel"]
    assert f'<option value="{dairy.pk}" selected>' in client.get(URL, {"category": dairy.pk}).content.decode()


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("k2", ["Natto", "Egg yolk", "Salmon", "Apple"]),
        ("k2_portion", ["Natto", "Egg yolk", "Salmon", "Apple"]),
        ("vitamin_d", ["Salmon", "Egg yolk", "Natto", "Apple"]),
        ("vitamin_d_portion", ["Salmon", "Egg yolk", "Natto", "Apple"]),
        ("name", ["Apple", "Egg yolk", "Natto", "Salmon"]),
    ],
)
def test_it_sorts_richest_first_and_unknown_last(client, sort, expected):
    make_item("Apple", portions={"1 medium": 182})
    make_item("Egg yolk", values={"k2_mk4_ug": 15.5, "vitamin_d_ug": 5.4}, portions={"1 large yolk": 17})
    make_item("Natto", values={"k2_mk7_ug": 939, "vitamin_d_ug": 0}, portions={"3 oz": 85})
    make_item("Salmon", values={"k2_mk4_ug": 0.1, "vitamin_d_ug": 11}, portions={"3 oz": 85})

    assert listed_names(client.get(URL, {"sort": sort})) == expected


def test_it_shows_unknown_as_a_dash_never_zero(client):
    make_item("Apple")

    html = client.get(URL).content.decode()
    row = re.search(r"<tr>\s*<td>\s*<a [^>]*>Apple</a>.*?</tr>", html, re.S).group(0)

    assert row.count('title="not measured">—</span>') == 4
    assert ">0<" not in row
    assert "none given" in row


def test_it_shows_k2_equivalent_vitamin_d_in_both_units_and_per_portion(client):
    make_item(
        "Egg yolk", category=make_category("Eggs"), values={"k2_mk4_ug": 15.5, "vitamin_d_ug": 5.4},
        portions={"1 large yolk": 17},
    )

    text = " ".join(re.sub(r"<[^>]+>", " ", client.get(URL).content.decode()).split())

    # 15.5 µg of MK-4 counts a tenth; 5.4 µg of vitamin D is 216 IU; the yolk is 0.17 of 100 g.
    assert "Egg yolk Eggs 1.55 5.4 · 216 IU 1 large yolk (17 g) 0.264 0.918 · 36.7 IU" in text


def test_it_paginates_and_keeps_the_query_string(client):
    for number in range(PER_PAGE + 2):
        make_item(f"Natto {number:03}")
    make_item("Apple")

    first = client.get(URL, {"q": "natto", "sort": "name"})
    second = client.get(URL, {"q": "natto", "sort": "name", "page": 2})

    assert len(listed_names(first)) == PER_PAGE
    assert listed_names(second) == ["Natto 050", "Natto 051"]
    assert 'href="?q=natto&amp;sort=name&amp;page=2"' in first.content.decode()
    assert 'href="?q=natto&amp;sort=name&amp;page=1"' in second.content.decode()
    assert first.context["page"].count == PER_PAGE + 2
    assert "52 items, page 1 of 2" in first.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "price"},
        {"sort": "-k2"},
        {"category": "abc"},
        {"category": "99999999999999999999999999"},
        {"category": "-1"},
        {"kind": "mineral"},
        {"page": "99999"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "1e9"},
        {"page": "99999999999999999999999999"},
        {"q": "%_\\'\""},
        {"q": "x" * 5000},
        {"q": "nat\x00to", "kind": "fo\x00od", "sort": "k2\x00", "category": "1\x00"},
    ],
)
def test_bad_parameters_never_fail(client, params):
    make_item("Natto", values={"k2_mk7_ug": 939})

    response = client.get(URL, params)

    assert response.status_code == 200


def test_a_page_past_the_end_shows_the_last_page(client):
    make_item("Natto")

    response = client.get(URL, {"page": "99999"})

    assert listed_names(response) == ["Natto"]


def test_it_shows_the_users_own_items_and_hides_others(client, alice, bob):
    make_item("Natto")
    make_item("Alice's natto", owner=alice)
    bobs = make_item("Bob's natto", owner=bob)
    client.force_login(alice)

    response = client.get(URL, {"sort": "name"})

    assert listed_names(response) == ["Alice's natto", "Natto"]
    assert bobs.get_absolute_url() not in response.content.decode()
    assert "Bob" not in response.content.decode()


def test_post_is_not_allowed(client):
    assert client.post(URL).status_code == 405


def make_rich_items(count):
    category = make_category("Legume and Legume Products")
    for number in range(count):
        make_item(
            f"Natto {number}",
            category=category,
            values={"k2_mk7_ug": 900 + number, "k2_mk4_ug": 1, "vitamin_d_ug": 0.1},
            portions={"3 oz": 85, "1 cup": 175},
        )


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize("sort", ["k2", "k2_portion", "name"])
def test_the_number_of_queries_does_not_grow_with_the_items(client, django_assert_num_queries, count, sort):
    make_rich_items(count)

    # The user (the session is read from the cache) and standing notices; the page (with no next page, its
    # length is the count) and the categories of the filter form.
    with django_assert_num_queries(4):
        response = client.get(URL, {"sort": sort})

    assert len(listed_names(response)) == count


def test_a_list_of_several_pages_adds_just_its_count(client, django_assert_num_queries):
    make_rich_items(PER_PAGE + 1)

    with django_assert_num_queries(5):
        response = client.get(URL)

    assert len(listed_names(response)) == PER_PAGE
    assert "51 items, page 1 of 2" in response.content.decode()


def test_a_broad_search_says_more_than_and_pages_on_with_next(client, monkeypatch):
    monkeypatch.setattr(catalog_search, "COUNT_LIMIT", 60)
    Item.objects.bulk_create(Item(name=f"Natto {number:03}") for number in range(130))

    first = client.get(URL, {"q": "natto", "sort": "name"}).content.decode()
    second = client.get(URL, {"q": "natto", "sort": "name", "page": 2}).content.decode()
    last = client.get(URL, {"q": "natto", "sort": "name", "page": 3}).content.decode()

    assert "More than 60 items, page 1" in first
    assert 'href="?q=natto&amp;sort=name&amp;page=2" rel="next"' in first
    assert '<span class="page-link">1</span>' in first
    assert "More than 60 items, page 2" in second
    assert 'rel="next"' in second and 'rel="prev"' in second
    assert "130 items, page 3 of 3" in last
    assert '<span class="page-link">3 / 3</span>' in last
    assert 'rel="next"' not in last
