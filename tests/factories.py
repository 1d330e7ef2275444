"""Small builders for the objects tests need. Each takes keyword overrides."""

from decimal import Decimal

from foods.models import Category, Item, NutrientValue, Portion, Source


def make_source(**kw):
    fields = {"key": "test-table", "kind": Source.Kind.PUBLISHED_TABLE, "citation": "A test table, 2024"}
    fields.update(kw)
    source, _ = Source.objects.get_or_create(key=fields.pop("key"), defaults=fields)
    return source


def make_category(name="Legumes", **kw):
    category, _ = Category.objects.get_or_create(name=name, defaults=kw)
    return category


def make_item(name="Natto", *, values=None, source=None, portions=None, **kw):
    """An item with nutrient values ({code: amount}) and portions ({label: grams or units})."""
    item = Item.objects.create(name=name, **kw)
    source = source or make_source()
    for code, amount in (values or {}).items():
        NutrientValue.objects.create(item=item, nutrient=code, amount=Decimal(str(amount)), source=source)
    for position, (label, quantity) in enumerate((portions or {}).items()):
        amount_field = "units" if item.is_supplement else "grams"
        Portion.objects.create(item=item, label=label, position=position, **{amount_field: Decimal(str(quantity))})
    return item
