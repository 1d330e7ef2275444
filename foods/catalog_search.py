"""
The catalog list: search items by name, filter by category and kind, and rank them by K2 (MK-7
equivalent) or vitamin D, per 100 g (per unit for supplements) or per typical portion. An unknown
value sorts last and is never taken for zero.

Rows are sorted by the ranking columns stored on each item (`foods.rankings`), floats that only
order rows. The figures shown come from the stored decimals through
`foods.nutrients.k2_mk7_equivalent_ug`, so the page never displays a rounded sort key.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import F, Prefetch

from foods import nutrients
from foods.food_facts import amount_in_portion
from foods.models import Item, Portion

PER_PAGE = 50
MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 8
# Larger ids would overflow the database's bigint (or SQLite's integer) and fail the query.
MAX_ID = 2**63 - 1

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
    k2_mk7_equivalent_ug: Decimal | None
    vitamin_d_ug: Decimal | None
    typical_portion: Portion | None

    @classmethod
    def from_item(cls, item):
        portions = item.portions_in_order
        return cls(
            item=item,
            k2_mk7_equivalent_ug=nutrients.k2_mk7_equivalent_ug(item.k2_mk4_ug, item.k2_mk7_ug, item.k2_other_ug),
            vitamin_d_ug=item.vitamin_d_ug,
            typical_portion=portions[0] if portions else None,
        )

    @property
    def k2_per_portion_ug(self):
        return amount_in_portion(self.k2_mk7_equivalent_ug, self.typical_portion)

    @property
    def vitamin_d_per_portion_ug(self):
        return amount_in_portion(self.vitamin_d_ug, self.typical_portion)


# Sort keys: the ranking columns foods.rankings keeps on each item. Per portion, per basis times the
# typical portion's bases; unknown when either is.
SORT_KEYS = {
    "k2": F("rank_k2_mk7_equivalent_ug"),
    "k2_portion": F("rank_k2_mk7_equivalent_ug") * F("typical_portion_factor"),
    "vitamin_d": F("rank_vitamin_d_ug"),
    "vitamin_d_portion": F("rank_vitamin_d_ug") * F("typical_portion_factor"),
}


def search_catalog(user, filters):
    """Items `user` may see that match `filters`, in the order asked, with what a row shows.

    Every word of the query must appear in the name, in any order and any case. Rows carry the
    stored vitamin D and K2 forms (None when unknown), their category and their portions.
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
    # A plain list (to_attr) spares Django building a related manager and a queryset per item,
    # a fair share of the time a full page takes.
    portions = Prefetch("portions", queryset=Portion.objects.order_by("position", "pk"), to_attr="portions_in_order")
    return items.select_related("category").prefetch_related(portions).with_nutrients(SHOWN_CODES)


def catalog_page(user, filters, page_number):
    """One page of `search_catalog` as CatalogRows. A page number that is not a whole number gives
    the first page; one out of range, the last."""
    page = Paginator(search_catalog(user, filters), PER_PAGE).get_page(page_number)
    page.object_list = [CatalogRow.from_item(item) for item in page.object_list]
    return page
