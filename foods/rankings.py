"""
What the catalog list sorts by, stored on each item: its K2 as MK-7 equivalent and its vitamin D per
basis, and how many bases its typical portion holds, so that a sort per portion is the product of two
columns. Worked out per search instead, a broad search ("cheese") looked up the K2 forms of every match.

The columns are sort keys, in floating point, and never shown: the list shows figures computed from the
stored decimals (`foods.nutrients.k2_mk7_equivalent_ug`). An unknown stays NULL and sorts last, never 0.

`refresh_rankings` recomputes them from the values and portions, in the database. It runs
- on every save or delete of a nutrient value or a portion (the signals below: the admin, users' own
  items, the seed loader), in the writer's transaction, so a committed value never has a stale rank;
- at the end of `import_usda` (its bulk writes send no signals) and of `load_catalog`;
- from `manage.py refresh_rankings`, to repair the columns after writes that bypass both (raw SQL,
  `QuerySet.update`).
"""

from itertools import islice

from django.db import connections, router
from django.db.models import Case, FloatField, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Coalesce
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from foods import nutrients
from foods.models import Item, NutrientValue, Portion

K2_CODES = [form.code for form in nutrients.K2_FORMS]
# A list of items is updated in chunks of this many: SQLite takes at most 32,766 parameters a statement.
PKS_PER_UPDATE = 10_000


def k2_mk7_equivalent_expression(mk4_per_mk7=nutrients.DEFAULT_MK4_PER_MK7_EQUIVALENT):
    """`nutrients.k2_mk7_equivalent_ug` as a database expression on Item.

    The sum of the stored K2 forms, MK-4 divided by `mk4_per_mk7`; NULL when no form is stored, as the
    Python function gives None. In floats: SQLite would divide a whole-number amount as an integer.
    """
    divisor = Case(
        When(nutrient=nutrients.K2_MK4.code, then=Value(float(mk4_per_mk7))),
        default=Value(1.0),
        output_field=FloatField(),
    )
    total = (
        NutrientValue.objects.filter(item=OuterRef("pk"), nutrient__in=K2_CODES)
        .order_by()
        .values("item")
        .annotate(total=Sum(Cast("amount", FloatField()) / divisor))
        .values("total")
    )
    return Subquery(total, output_field=FloatField())


def vitamin_d_expression():
    """The stored vitamin D (µg per basis) as a float; NULL when unknown."""
    amount = (
        NutrientValue.objects.filter(item=OuterRef("pk"), nutrient=nutrients.VITAMIN_D.code)
        .order_by()
        .values(as_float=Cast("amount", FloatField()))
    )
    return Subquery(amount[:1], output_field=FloatField())


def typical_portion_factor_expression():
    """How many bases the typical portion (lowest position, then lowest id) holds, as
    `Portion.basis_factor`; NULL when the item has no portion."""
    factor = Coalesce(Cast("grams", FloatField()) / Value(100.0), Cast("units", FloatField()))
    typical = Portion.objects.filter(item=OuterRef("pk")).order_by("position", "pk").values(factor=factor)
    return Subquery(typical[:1], output_field=FloatField())


def refresh_rankings(items=None):
    """Recompute the ranking columns of `items` from their values and portions, in one UPDATE.

    `items` is a queryset of items, or items or their ids; None means every item. A list longer than
    PKS_PER_UPDATE takes one UPDATE per chunk. Returns how many items were updated.
    """
    columns = {
        "rank_k2_mk7_equivalent_ug": k2_mk7_equivalent_expression(),
        "rank_vitamin_d_ug": vitamin_d_expression(),
        "typical_portion_factor": typical_portion_factor_expression(),
    }
    if items is None:
        return Item.objects.update(**columns)
    if isinstance(items, QuerySet):
        return Item.objects.filter(pk__in=items.values("pk")).update(**columns)
    pks = iter([getattr(item, "pk", item) for item in items])
    updated = 0
    while chunk := list(islice(pks, PKS_PER_UPDATE)):
        updated += Item.objects.filter(pk__in=chunk).update(**columns)
    return updated


@receiver(pre_save, sender=NutrientValue)
@receiver(pre_save, sender=Portion)
@receiver(pre_delete, sender=NutrientValue)
@receiver(pre_delete, sender=Portion)
def _lock_the_item(sender, instance, origin=None, **kwargs):
    """Lock the item before one of its values or portions changes, until the transaction ends.

    Two transactions changing one item's values at once would otherwise each refresh it with an UPDATE,
    and under READ COMMITTED the one that waits for the other keeps the snapshot it began with: it would
    write a rank that misses the other's value. Locked first, the second waits before its write, and its
    UPDATE begins after the first committed. Taking the item before its values also keeps the lock order
    of the admin and of own_item_save, which save or lock the item first.
    """
    if _item_deleted_too(origin):
        return
    connection = connections[router.db_for_write(Item)]
    if connection.in_atomic_block and connection.features.has_select_for_update:
        list(Item.objects.select_for_update().filter(pk=instance.item_id).values_list("pk"))


@receiver(post_save, sender=NutrientValue)
@receiver(post_save, sender=Portion)
@receiver(post_delete, sender=NutrientValue)
@receiver(post_delete, sender=Portion)
def _refresh_the_item(sender, instance, origin=None, **kwargs):
    if not _item_deleted_too(origin):
        refresh_rankings([instance.item_id])


def _item_deleted_too(origin):
    """True when a value or portion goes because its item is deleted: there is nothing left to rank."""
    return isinstance(origin, Item) or (isinstance(origin, QuerySet) and origin.model is Item)
