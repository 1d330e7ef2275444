"""
The catalog list: search items by name, filter by category and kind, and rank them by K2 (MK-7
equivalent) or vitamin D, per 100 g (per unit for supplements) or per typical portion. An unknown
value sorts last and is never taken for zero.

Rows are sorted by the ranking columns stored on each item (`foods.rankings`), floats that only
order rows. The figures shown come from the stored decimals through
`foods.nutrients.k2_mk7_equivalent_ug`, so the page never displays a rounded sort key.

A page is one query, and a second to count the matches when another page follows; past COUNT_LIMIT
matches the list says "more than" instead of counting them all (bench/food_search.py has the figures).
"""

from dataclasses import dataclass
from decimal import Decimal
from math import ceil

from django.db.models import F
from django.db.models.expressions import RawSQL

from foods import nutrients
from foods.food_facts import amount_in_portion
from foods.models import Category, Item, NutrientValue, Portion

PER_PAGE = 50
# Matches are counted exactly up to this many (10 pages); past it the list says "more than": nobody pages
# further, and counting every match of a broad search would cost each of its pages a scan of them all.
COUNT_LIMIT = 500
MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 8
# Larger ids would overflow the database's bigint (or SQLite's integer) and fail the query.
MAX_ID = 2**63 - 1
# A page further than this would need an offset past the database's bigint.
MAX_PAGE = MAX_ID // PER_PAGE

SORTS = {
    "k2": "K2 per 100 g / unit",
    "k2_portion": "K2 per portion",
    "vitamin_d": "Vitamin D per 100 g / unit",
    "vitamin_d_portion": "Vitamin D per portion",
    "name": "Name",
}
DEFAULT_SORT = "k2"
SHOWN_CODES = [nutrients.VITAMIN_D.code, *(form.code for form in nutrients.K2_FORMS)]


@dataclass(frozen=True)
class CatalogFilters:
    """What a visitor asked the list for. Anything malformed is dropped, never an error."""

    q: str = ""
    category_id: int | None = None
    kind: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params):
        # PostgreSQL refuses NUL in a string: a query holding one would fail, not just match nothing.
        q = " ".join(params.get("q", "").replace("\x00", "").split())[:MAX_QUERY_LENGTH]
        category = params.get("category", "").strip()
        category_id = int(category) if category.isascii() and category.isdigit() else None
        if category_id is not None and not 0 < category_id <= MAX_ID:
            category_id = None
        kind = params.get("kind", "")
        sort = params.get("sort", "")
        return cls(
            q=q,
            category_id=category_id,
            kind=kind if kind in Item.Kind.values else "",
            sort=sort if sort in SORTS else DEFAULT_SORT,
        )

    @property
    def words(self):
        return self.q.split()[:MAX_QUERY_WORDS]


@dataclass(frozen=True)
class CatalogRow:
    """One line of the list: an item with the figures shown for it."""

    item: Item
    category_name: str | None
    k2_mk7_equivalent_ug: Decimal | None
    vitamin_d_ug: Decimal | None
    typical_portion: Portion | None

    @classmethod
    def from_item(cls, item):
        """The row of an item annotated by `with_what_a_row_shows`."""
        typical = None
        if item.typical_portion_pk is not None:
            typical = Portion(
                pk=item.typical_portion_pk, item=item, label=item.typical_portion_label,
                grams=item.typical_portion_grams, units=item.typical_portion_units,
            )
        return cls(
            item=item,
            category_name=item.category_name,
            k2_mk7_equivalent_ug=nutrients.k2_mk7_equivalent_ug(item.k2_mk4_ug, item.k2_mk7_ug, item.k2_other_ug),
            vitamin_d_ug=item.vitamin_d_ug,
            typical_portion=typical,
        )

    @property
    def k2_per_portion_ug(self):
        return amount_in_portion(self.k2_mk7_equivalent_ug, self.typical_portion)

    @property
    def vitamin_d_per_portion_ug(self):
        return amount_in_portion(self.vitamin_d_ug, self.typical_portion)


@dataclass(frozen=True)
class CatalogPage:
    """One page of the list, read like Django's Page (number, has_next, ...).

    `count` is exact up to COUNT_LIMIT; past that it is COUNT_LIMIT and `count_is_lower_bound` is
    true: the list says "more than" and pages on with Previous and Next, without a last page number.
    """

    object_list: list[CatalogRow]
    number: int
    count: int
    count_is_lower_bound: bool
    next_page_exists: bool

    @property
    def num_pages(self):
        """How many pages there are; None when only a lower bound of the count is known."""
        if self.count_is_lower_bound:
            return None
        return max(1, ceil(self.count / PER_PAGE))

    def has_previous(self):
        return self.number > 1

    def has_next(self):
        return self.next_page_exists

    def previous_page_number(self):
        return self.number - 1

    def next_page_number(self):
        return self.number + 1


# Sort keys: the ranking columns foods.rankings keeps on each item. Per portion, per basis times the
# typical portion's bases; unknown when either is.
SORT_KEYS = {
    "k2": F("rank_k2_mk7_equivalent_ug"),
    "k2_portion": F("rank_k2_mk7_equivalent_ug") * F("typical_portion_factor"),
    "vitamin_d": F("rank_vitamin_d_ug"),
    "vitamin_d_portion": F("rank_vitamin_d_ug") * F("typical_portion_factor"),
}


def search_catalog(user, filters):
    """Items `user` may see that match `filters`, in the order asked.

    Every word of the query must appear in the name, in any order and any case. Only the columns a
    row shows are read: the others (two timestamps among them) cost more to load than the query.
    """
    items = Item.objects.visible_to(user)
    for word in filters.words:
        items = items.filter(name__icontains=word)
    if filters.category_id is not None:
        items = items.filter(category_id=filters.category_id)
    if filters.kind:
        items = items.filter(kind=filters.kind)

    if filters.sort == "name":
        items = items.order_by("name", "pk")
    else:
        items = items.order_by(SORT_KEYS[filters.sort].desc(nulls_last=True), "name", "pk")
    return items.only("name", "brand", "kind", "owner", "category")


def with_what_a_row_shows(items):
    """`items` annotated with what a CatalogRow shows: the category's name, the stored vitamin D and
    K2 forms (None when unknown) and the typical portion (lowest position, then lowest id).

    These are subqueries that the database runs for the rows of the page only, after sorting (a join
    would be made for every match, thousands for "cheese"). They are written in SQL: as nine nested
    querysets they took Django longer to build than the database took to answer them.
    """
    item = Item._meta.db_table
    amounts = {
        code: RawSQL(
            f"SELECT amount FROM {NutrientValue._meta.db_table} WHERE item_id = {item}.id AND nutrient = %s",
            [code],
            output_field=NutrientValue._meta.get_field("amount"),
        )
        for code in SHOWN_CODES
    }
    portion = {
        f"typical_portion_{name}": RawSQL(
            f"SELECT {column} FROM {Portion._meta.db_table} WHERE item_id = {item}.id ORDER BY position, id LIMIT 1",
            [],
            output_field=Portion._meta.get_field(column),
        )
        for name, column in (("pk", "id"), ("label", "label"), ("grams", "grams"), ("units", "units"))
    }
    category_name = RawSQL(
        f"SELECT name FROM {Category._meta.db_table} WHERE id = {item}.category_id",
        [],
        output_field=Category._meta.get_field("name"),
    )
    return items.annotate(category_name=category_name, **amounts, **portion)


def catalog_page(user, filters, page_number):
    """One page of `search_catalog` as a CatalogPage. A page number that is not a whole number gives
    the first page; one out of range, the last."""
    return page_of(search_catalog(user, filters), page_number)


def page_of(items, page_number):
    """Page `page_number` of `items` (an ordered queryset of Items) as a CatalogPage, counted sparingly.

    The page is read with one row more than it shows, to know whether another follows. Without one
    its own length gives the count; with one, the matches are counted up to COUNT_LIMIT only: a broad
    search ("cheese", thousands of items) would otherwise be counted in full on every page. Only a
    page number past the end takes an exact count, to find the last page.
    """
    number = _whole_number(page_number)
    found = _page_items(items, number) if 1 <= number <= MAX_PAGE else []
    if not found and number != 1:
        number = max(1, ceil(items.count() / PER_PAGE))
        found = _page_items(items, number)
    next_page_exists = len(found) > PER_PAGE
    if next_page_exists:
        count = items.order_by().values("pk")[: COUNT_LIMIT + 1].count()
        count_is_lower_bound = count > COUNT_LIMIT
        count = min(count, COUNT_LIMIT)
    else:
        count, count_is_lower_bound = (number - 1) * PER_PAGE + len(found), False
    return CatalogPage(
        object_list=[CatalogRow.from_item(item) for item in found[:PER_PAGE]],
        number=number,
        count=count,
        count_is_lower_bound=count_is_lower_bound,
        next_page_exists=next_page_exists,
    )


def _whole_number(page_number):
    try:
        return int(page_number)
    except (TypeError, ValueError):
        return 1


def _page_items(items, number):
    """The items of page `number`, with what their rows show, and the first of the next page if any."""
    start = (number - 1) * PER_PAGE
    return list(with_what_a_row_shows(items)[start : start + PER_PAGE + 1])
