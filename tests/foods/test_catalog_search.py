from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import QueryDict

from foods import catalog_search
from foods.catalog_search import (
    DEFAULT_SORT,
    PER_PAGE,
    CatalogFilters,
    catalog_page,
    search_catalog,
)
from foods.models import Item
from tests.factories import make_category, make_item

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


def names(filters, user=ANONYMOUS):
    return [item.name for item in search_catalog(user, filters)]


def filters_from(query_string):
    return CatalogFilters.from_params(QueryDict(query_string))


def test_it_parses_good_parameters():
    filters = filters_from("q=+egg++yolk+&category=7&kind=supplement&sort=vitamin_d_portion")

    assert filters == CatalogFilters(q="egg yolk", category_id=7, kind="supplement", sort="vitamin_d_portion")
    assert filters.words == ["egg", "yolk"]


@pytest.mark.parametrize(
    "query_string",
    [
        "category=abc&kind=mineral&sort=price",
        "category=-3&sort=",
        "category=0",
        "category=99999999999999999999999",
        "category=%C2%B2",
        "category=1.5&kind=FOOD",
    ],
)
def test_it_drops_bad_parameters(query_string):
    filters = filters_from(query_string)

    assert filters.category_id is None
    assert filters.kind == ""
    assert filters.sort == DEFAULT_SORT


def test_it_drops_nul_characters_from_the_query():
    assert filters_from("q=nat%00to").q == "natto"


def test_it_bounds_a_very_long_query():
    filters = filters_from("q=" + "natto " * 100)

    assert len(filters.q) <= 100
    assert len(filters.words) == 8


def test_it_searches_names_case_insensitively_with_words_in_any_order():
    make_item("Egg, yolk, raw, fresh")
    make_item("Egg, whole, raw")
    make_item("Natto")

    assert names(CatalogFilters(q="YOLK EGG", sort="name")) == ["Egg, yolk, raw, fresh"]
    assert names(CatalogFilters(q="egg", sort="name")) == ["Egg, whole, raw", "Egg, yolk, raw, fresh"]
    assert names(CatalogFilters(q="nat", sort="name")) == ["Natto"]


def test_it_treats_like_wildcards_in_a_query_as_plain_characters():
    make_item("Cheese, 100% grass-fed")
    make_item("Cheese, cheddar")

    assert names(CatalogFilters(q="100%", sort="name")) == ["Cheese, 100% grass-fed"]
    assert names(CatalogFilters(q="%", sort="name")) == ["Cheese, 100% grass-fed"]
    assert names(CatalogFilters(q="_", sort="name")) == []


def test_it_filters_by_category():
    dairy = make_category("Dairy and Egg Products")
    legumes = make_category("Legume and Legume Products")
    make_item("Cheese, gouda", category=dairy)
    make_item("Natto", category=legumes)
    make_item("Mystery food")

    assert names(CatalogFilters(category_id=dairy.pk, sort="name")) == ["Cheese, gouda"]
    assert names(CatalogFilters(category_id=legumes.pk + dairy.pk + 100, sort="name")) == []


def test_it_filters_by_kind():
    make_item("Natto")
    make_item("MK-7 100 µg softgel", kind=Item.Kind.SUPPLEMENT)

    assert names(CatalogFilters(kind="supplement")) == ["MK-7 100 µg softgel"]
    assert names(CatalogFilters(kind="food")) == ["Natto"]


def test_it_shows_catalog_items_and_only_the_users_own(alice, bob):
    make_item("Natto")
    make_item("Alice's natto", owner=alice)
    make_item("Bob's natto", owner=bob)

    assert names(CatalogFilters(sort="name"), alice) == ["Alice's natto", "Natto"]
    assert names(CatalogFilters(sort="name")) == ["Natto"]


def test_it_sorts_by_k2_mk7_equivalent_with_unknown_last():
    make_item("Goose liver", values={"k2_mk4_ug": 369})  # 36.9 eq.
    make_item("Natto", values={"k2_mk7_ug": 939})
    make_item("Gouda", values={"k2_mk4_ug": 10, "k2_other_ug": 50})  # 51 eq.
    make_item("Apple")
    make_item("Broccoli", values={"k1_ug": 101})
    make_item("Water", values={"k2_mk7_ug": 0})

    assert names(CatalogFilters(sort="k2")) == ["Natto", "Gouda", "Goose liver", "Water", "Apple", "Broccoli"]


def test_it_sorts_by_k2_per_typical_portion():
    # Per 100 g, natto is richest; per typical portion, the 2-softgel dose is.
    make_item("Natto", values={"k2_mk7_ug": 939}, portions={"3 oz": 85, "1 cup": 175})
    make_item("MK-7 softgel", kind=Item.Kind.SUPPLEMENT, values={"k2_mk7_ug": 600}, portions={"2 softgels": 2})
    make_item("Gouda", values={"k2_other_ug": 76}, portions={"1 oz": 28.35})
    make_item("Sauerkraut", values={"k2_other_ug": 4.8})  # no portion: unknown per portion
    make_item("Apple", portions={"1 medium": 182})

    assert names(CatalogFilters(sort="k2")) == ["Natto", "MK-7 softgel", "Gouda", "Sauerkraut", "Apple"]
    assert names(CatalogFilters(sort="k2_portion")) == ["MK-7 softgel", "Natto", "Gouda", "Apple", "Sauerkraut"]


def test_the_typical_portion_is_the_lowest_position():
    item = make_item("Natto", values={"k2_mk7_ug": 100}, portions={"1 cup": 175, "3 oz": 85})
    for portion in item.portions.all():
        portion.position = {"3 oz": 0, "1 cup": 1}[portion.label]
        portion.save()
    make_item("Reference", values={"k2_mk7_ug": 100}, portions={"1 bowl": 100})

    assert names(CatalogFilters(sort="k2_portion")) == ["Reference", "Natto"]
    [row, _] = catalog_page(ANONYMOUS, CatalogFilters(sort="k2_portion"), 1).object_list[::-1]
    assert row.typical_portion.label == "3 oz"
    assert row.k2_per_portion_ug == Decimal("85")


def test_it_sorts_by_vitamin_d_per_basis_and_per_portion_with_unknown_last():
    make_item("Salmon", values={"vitamin_d_ug": 11}, portions={"3 oz": 85})
    make_item("Egg yolk", values={"vitamin_d_ug": 5.4}, portions={"1 large yolk": 17})
    make_item("D3 drops", kind=Item.Kind.SUPPLEMENT, values={"vitamin_d_ug": 25}, portions={"2 drops": 2})
    make_item("Natto", values={"k2_mk7_ug": 939}, portions={"3 oz": 85})

    assert names(CatalogFilters(sort="vitamin_d")) == ["D3 drops", "Salmon", "Egg yolk", "Natto"]
    assert names(CatalogFilters(sort="vitamin_d_portion")) == ["D3 drops", "Salmon", "Egg yolk", "Natto"]
    make_item("Cod liver oil", values={"vitamin_d_ug": 250}, portions={"1 tsp": 4.5})  # 11.25 µg per tsp
    assert names(CatalogFilters(sort="vitamin_d"))[0] == "Cod liver oil"
    assert names(CatalogFilters(sort="vitamin_d_portion"))[:3] == ["D3 drops", "Cod liver oil", "Salmon"]


def test_it_breaks_ties_by_name():
    make_item("Natto, b", values={"k2_mk7_ug": 939})
    make_item("Natto, a", values={"k2_mk7_ug": 939})
    make_item("Zucchini")
    make_item("Apple")

    assert names(CatalogFilters(sort="k2")) == ["Natto, a", "Natto, b", "Apple", "Zucchini"]


def test_a_page_carries_exact_figures_not_sort_keys():
    make_item("Natto", values={"k2_mk7_ug": 939, "k2_mk4_ug": 5, "vitamin_d_ug": 0}, portions={"3 oz": 85})
    make_item("Apple")

    [natto, apple] = catalog_page(ANONYMOUS, CatalogFilters(), 1).object_list

    assert natto.k2_mk7_equivalent_ug == Decimal("939.5")
    assert natto.k2_per_portion_ug == Decimal("798.575")
    assert natto.vitamin_d_ug == Decimal("0")
    assert natto.vitamin_d_per_portion_ug == Decimal("0")
    assert apple.k2_mk7_equivalent_ug is None
    assert apple.vitamin_d_ug is None
    assert apple.typical_portion is None
    assert apple.k2_per_portion_ug is None


def test_it_pages_and_falls_back_on_bad_page_numbers():
    for number in range(PER_PAGE + 3):
        make_item(f"Food {number:03}")
    filters = CatalogFilters(sort="name")

    first = catalog_page(ANONYMOUS, filters, 1)
    last = catalog_page(ANONYMOUS, filters, 2)

    assert [row.item.name for row in first.object_list][:2] == ["Food 000", "Food 001"]
    assert [row.item.name for row in last.object_list] == ["Food 050", "Food 051", "Food 052"]
    assert catalog_page(ANONYMOUS, filters, "abc").number == 1
    assert catalog_page(ANONYMOUS, filters, "99999").number == 2
    assert catalog_page(ANONYMOUS, filters, None).number == 1


def test_a_page_with_no_next_one_is_its_own_count(django_assert_num_queries):
    for number in range(3):
        make_item(f"Natto {number}", values={"k2_mk7_ug": 900 + number}, portions={"3 oz": 85})

    with django_assert_num_queries(1):
        page = catalog_page(ANONYMOUS, CatalogFilters(q="natto"), 1)

    assert (page.count, page.count_is_lower_bound, page.num_pages, page.has_next()) == (3, False, 1, False)
    assert [row.item.name for row in page.object_list] == ["Natto 2", "Natto 1", "Natto 0"]
    assert [row.typical_portion.label for row in page.object_list] == ["3 oz"] * 3


def test_it_counts_up_to_the_limit_and_pages_on_past_it(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(catalog_search, "COUNT_LIMIT", 60)
    Item.objects.bulk_create(Item(name=f"Food {number:03}") for number in range(130))
    filters = CatalogFilters(sort="name")

    with django_assert_num_queries(2):  # the page and one row more, then the capped count
        first = catalog_page(ANONYMOUS, filters, 1)
    second = catalog_page(ANONYMOUS, filters, 2)
    third = catalog_page(ANONYMOUS, filters, 3)

    assert (first.count, first.count_is_lower_bound, first.num_pages, first.has_next()) == (60, True, None, True)
    assert (second.count, second.count_is_lower_bound, second.has_next()) == (60, True, True)
    assert [row.item.name for row in second.object_list][:1] == ["Food 050"]
    assert (third.count, third.count_is_lower_bound, third.num_pages, third.has_next()) == (130, False, 3, False)
    assert len(third.object_list) == 30


@pytest.mark.parametrize("page_number", ["4", "99999", "0", "-1", "99999999999999999999999999"])
def test_a_page_number_out_of_range_gives_the_last_page_exactly_counted(page_number, monkeypatch):
    monkeypatch.setattr(catalog_search, "COUNT_LIMIT", 60)
    Item.objects.bulk_create(Item(name=f"Food {number:03}") for number in range(130))

    page = catalog_page(ANONYMOUS, CatalogFilters(sort="name"), page_number)

    assert (page.number, page.count, page.count_is_lower_bound, page.has_next()) == (3, 130, False, False)
    assert page.previous_page_number() == 2


def test_an_empty_result_is_one_empty_page():
    make_item("Natto")

    page = catalog_page(ANONYMOUS, CatalogFilters(q="xyzzy"), 5)

    assert (page.number, page.count, page.num_pages, page.object_list) == (1, 0, 1, [])
    assert not page.has_previous() and not page.has_next()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index exists on PostgreSQL only")
def test_the_name_search_can_use_the_trigram_index():
    Item.objects.bulk_create(Item(name=f"Food number {number}") for number in range(1000))
    make_item("Natto, fermented soybeans")
    # The WHERE clause search_catalog writes for one word, on its own: on a table this small the
    # planner prefers other indexes for the whole query. bench/food_search.py shows the whole
    # query's plan at 100,000 items.
    query = Item.objects.filter(name__icontains="natto").only("pk").query
    sql, params = query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE foods_item")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Bitmap Index Scan on foods_item_name_trgm" in plan, plan
