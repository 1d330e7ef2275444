"""
Load the seed catalog (seed.toml beside this module) into the database.

Loading is an upsert, so running it again changes nothing and running it after a fix in the seed
file changes just what was fixed: sources by key, items by seed_key (adopting an item the USDA
importer already made for the same NDB number), portions by (item, label), values by (item,
nutrient). Values and portions the seed does not name are left alone: staff may have added them.

The whole file is checked before anything is written, and everything is written in one
transaction, so a bad seed file leaves the database as it was.
"""

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, transaction

from foods import nutrients
from foods.models import (
    MAX_AMOUNT_PER_BASIS,
    MAX_PORTION_GRAMS,
    MAX_PORTION_UNITS,
    Category,
    Item,
    NutrientValue,
    Portion,
    Source,
)
from foods.rankings import refresh_rankings

SEED_PATH = Path(__file__).with_name("seed.toml")

CHANGE_REASON = "Seed catalog (load_catalog)"

KEY_PATTERN = re.compile(r"^[-a-zA-Z0-9_]+$")
NDB_NUMBER_PATTERN = re.compile(r"^\d{5}$")
AMOUNT_DECIMAL_PLACES = 4  # NutrientValue.amount
PORTION_DECIMAL_PLACES = 3  # Portion.grams and Portion.units


class SeedError(Exception):
    """The seed file cannot be loaded as it is. The message says where (which item) and why."""


@dataclass(frozen=True)
class SeedSource:
    key: str
    kind: str
    citation: str
    url: str = ""


@dataclass(frozen=True)
class SeedValue:
    nutrient: str
    amount: Decimal
    source: str
    note: str = ""


@dataclass(frozen=True)
class SeedPortion:
    label: str
    grams: Decimal | None
    units: Decimal | None
    source: str | None
    position: int


@dataclass(frozen=True)
class SeedItem:
    seed_key: str
    name: str
    kind: str
    category: str
    brand: str = ""
    usda_ndb_number: str | None = None
    usda_values_from_ndb: str | None = None
    notes: str = ""
    portions: tuple[SeedPortion, ...] = ()
    values: tuple[SeedValue, ...] = ()


@dataclass(frozen=True)
class Seed:
    sources: dict[str, SeedSource]
    items: tuple[SeedItem, ...]


@dataclass
class LoadSummary:
    items_created: list[str] = field(default_factory=list)
    items_updated: list[str] = field(default_factory=list)
    items_adopted: list[str] = field(default_factory=list)
    items_unchanged: list[str] = field(default_factory=list)
    sources_created: list[str] = field(default_factory=list)
    sources_updated: list[str] = field(default_factory=list)
    sources_unchanged: list[str] = field(default_factory=list)
    categories_created: list[str] = field(default_factory=list)

    @property
    def changed(self):
        return sum(
            len(keys)
            for keys in (
                self.items_created,
                self.items_updated,
                self.sources_created,
                self.sources_updated,
                self.categories_created,
            )
        )

    def __str__(self):
        adopted = f" ({len(self.items_adopted)} adopted from a USDA import)" if self.items_adopted else ""
        return (
            f"Items: {len(self.items_created)} created, {len(self.items_updated)} updated{adopted}, "
            f"{len(self.items_unchanged)} unchanged. "
            f"Sources: {len(self.sources_created)} created, {len(self.sources_updated)} updated, "
            f"{len(self.sources_unchanged)} unchanged. "
            f"Categories: {len(self.categories_created)} created. "
            f"{self.changed} changed."
        )


def load_catalog(path=SEED_PATH):
    """Upsert the seed file at `path` into the catalog, in one transaction. Returns a LoadSummary."""
    seed = read_seed(path)
    try:
        with transaction.atomic():
            summary = _write_seed(seed)
            changed = Item.objects.filter(seed_key__in=summary.items_created + summary.items_updated)
            refresh_rankings(changed)
            return summary
    except IntegrityError as error:
        raise SeedError(f"The seed file {path} conflicts with the database: {error}") from error


def read_seed(path=SEED_PATH):
    """Read and check the seed file; SeedError on anything that could not be loaded as it is."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SeedError(f"Cannot read the seed file {path}: {error}") from error
    try:
        # Decimal, not float: 28.35 g must stay 28.35.
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise SeedError(f"The seed file {path} is not valid TOML: {error}") from error
    return parse_seed(data)


def parse_seed(data):
    """Turn the TOML document into a Seed, checking every field against what the database accepts."""
    _check_keys("the seed file", data, required={"sources", "items"})
    if not isinstance(data["sources"], dict) or not isinstance(data["items"], list):
        raise SeedError("The seed file needs a [sources.<key>] table per source and an [[items]] list.")
    sources = {key: _parse_source(key, fields) for key, fields in data["sources"].items()}
    items = []
    seen_keys, seen_ndb_numbers = set(), {}
    for position, fields in enumerate(data["items"], start=1):
        item = _parse_item(position, fields, sources)
        if item.seed_key in seen_keys:
            raise SeedError(f'Item "{item.seed_key}" appears twice in the seed file.')
        seen_keys.add(item.seed_key)
        if item.usda_ndb_number:
            if item.usda_ndb_number in seen_ndb_numbers:
                raise SeedError(
                    f'Item "{item.seed_key}": USDA NDB number {item.usda_ndb_number} is already that of item '
                    f'"{seen_ndb_numbers[item.usda_ndb_number]}"; an NDB number names one item.'
                )
            seen_ndb_numbers[item.usda_ndb_number] = item.seed_key
        items.append(item)
    return Seed(sources=sources, items=tuple(items))


def _parse_source(key, fields):
    where = f'Source "{key}"'
    if not KEY_PATTERN.match(key) or len(key) > _max_length(Source, "key"):
        raise SeedError(f"{where}: a source key is letters, digits, - and _ only, at most 80 characters.")
    if not isinstance(fields, dict):
        raise SeedError(f"{where}: expected a table with kind, citation and url.")
    _check_keys(where, fields, required={"kind", "citation"}, optional={"url"})
    kind = _text(where, fields, "kind", Source, required=True)
    if kind not in Source.Kind.values:
        raise SeedError(f'{where}: unknown kind "{kind}"; use one of {", ".join(Source.Kind.values)}.')
    return SeedSource(
        key=key,
        kind=kind,
        citation=_text(where, fields, "citation", Source, required=True),
        url=_text(where, fields, "url", Source),
    )


def _parse_item(position, fields, sources):
    if not isinstance(fields, dict):
        raise SeedError(f"Item number {position} in the seed file is not a table.")
    seed_key = fields.get("seed_key")
    if (
        not isinstance(seed_key, str)
        or not KEY_PATTERN.match(seed_key)
        or len(seed_key) > _max_length(Item, "seed_key")
    ):
        raise SeedError(
            f"Item number {position} in the seed file needs a seed_key: letters, digits, - and _ only, "
            f"at most 80 characters."
        )
    where = f'Item "{seed_key}"'
    _check_keys(
        where,
        fields,
        required={"seed_key", "name", "kind", "category"},
        optional={
            "brand", "usda_ndb_number", "usda_values_from_ndb", "notes", "portions", "values", "label_lists_all"
        },
    )
    kind = _text(where, fields, "kind", Item, required=True)
    if kind not in Item.Kind.values:
        raise SeedError(f'{where}: unknown kind "{kind}"; use one of {", ".join(Item.Kind.values)}.')
    category = fields["category"]
    if not isinstance(category, str) or not category.strip() or len(category) > _max_length(Category, "name"):
        raise SeedError(f"{where}: category must be a name of at most 100 characters.")
    ndb_numbers = {}
    for name in ("usda_ndb_number", "usda_values_from_ndb"):
        number = fields.get(name)
        if number is not None and (not isinstance(number, str) or not NDB_NUMBER_PATTERN.match(number)):
            raise SeedError(f'{where}: {name} must be a USDA SR28 NDB number of five digits in quotes, like "01125".')
        ndb_numbers[name] = number
    values = fields.get("values", {})
    if not isinstance(values, dict):
        raise SeedError(f"{where}: values must be a table of nutrient codes.")
    portions = fields.get("portions", [])
    if not isinstance(portions, list):
        raise SeedError(f"{where}: portions must be a list.")
    parsed_portions = tuple(
        _parse_portion(where, kind, index, portion, sources) for index, portion in enumerate(portions)
    )
    labels = [portion.label for portion in parsed_portions]
    if len(set(labels)) != len(labels):
        raise SeedError(f"{where}: two portions have the same label.")
    parsed_values = tuple(_parse_value(where, code, value, sources) for code, value in values.items())
    if fields.get("label_lists_all", False) is not False:
        parsed_values += _absent_from_label(where, kind, fields["label_lists_all"], parsed_values)
    return SeedItem(
        seed_key=seed_key,
        name=_text(where, fields, "name", Item, required=True),
        kind=kind,
        category=category.strip(),
        brand=_text(where, fields, "brand", Item),
        notes=_text(where, fields, "notes", Item),
        portions=parsed_portions,
        values=parsed_values,
        **ndb_numbers,
    )


def _parse_value(where, code, fields, sources):
    if code not in nutrients.BY_CODE:
        raise SeedError(f'{where}: unknown nutrient code "{code}"; use one of {", ".join(nutrients.BY_CODE)}.')
    where = f"{where}, {code}"
    if not isinstance(fields, dict):
        raise SeedError(f"{where}: expected {{ amount = ..., source = ... }}.")
    _check_keys(where, fields, required={"amount", "source"}, optional={"note"})
    amount = _decimal(where, fields["amount"], "amount", AMOUNT_DECIMAL_PLACES)
    if not 0 <= amount <= MAX_AMOUNT_PER_BASIS:
        raise SeedError(f"{where}: amount {amount} is out of range (0 to {MAX_AMOUNT_PER_BASIS:,}).")
    return SeedValue(
        nutrient=code,
        amount=amount,
        source=_source_key(where, fields["source"], sources),
        note=_text(where, fields, "note", None),
    )


def _absent_from_label(where, kind, lists_all, values):
    """Zeros, from the label's own source, for the label vitamins and minerals a product's label leaves out."""
    if lists_all is not True or kind != Item.Kind.SUPPLEMENT or not values:
        raise SeedError(f"{where}: label_lists_all = true is for a supplement with at least one label value.")
    stated = {value.nutrient for value in values}
    return tuple(
        SeedValue(nutrient.code, Decimal(0), values[0].source, "Not on the label: the product holds none.")
        for nutrient in nutrients.LABEL_VITAMINS_AND_MINERALS
        if nutrient.code not in stated
    )


def _parse_portion(where, kind, index, fields, sources):
    if not isinstance(fields, dict):
        raise SeedError(f"{where}: portion number {index + 1} is not a table.")
    label = fields.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > _max_length(Portion, "label"):
        raise SeedError(f"{where}: portion number {index + 1} needs a label of at most 120 characters.")
    where = f'{where}, portion "{label}"'
    if kind == Item.Kind.SUPPLEMENT:
        quantity_field, maximum = "units", MAX_PORTION_UNITS
    else:
        quantity_field, maximum = "grams", MAX_PORTION_GRAMS
    _check_keys(where, fields, required={"label", quantity_field}, optional={"source"})
    quantity = _decimal(where, fields[quantity_field], quantity_field, PORTION_DECIMAL_PLACES)
    if not 0 < quantity <= maximum:
        raise SeedError(f"{where}: {quantity_field} {quantity} is out of range (more than 0, at most {maximum:,}).")
    source = fields.get("source")
    return SeedPortion(
        label=label.strip(),
        grams=quantity if quantity_field == "grams" else None,
        units=quantity if quantity_field == "units" else None,
        source=None if source is None else _source_key(where, source, sources),
        position=index,
    )


def _check_keys(where, fields, required, optional=frozenset()):
    missing = sorted(required - fields.keys())
    if missing:
        raise SeedError(f"{where}: missing {', '.join(missing)}.")
    unknown = sorted(fields.keys() - required - optional)
    if unknown:
        raise SeedError(f"{where}: unknown field {', '.join(unknown)}.")


def _text(where, fields, name, model, required=False):
    value = fields.get(name, "")
    if not isinstance(value, str):
        raise SeedError(f"{where}: {name} must be text in quotes.")
    value = value.strip()
    if required and not value:
        raise SeedError(f"{where}: {name} must not be empty.")
    max_length = _max_length(model, name) if model else None
    if max_length and len(value) > max_length:
        raise SeedError(f"{where}: {name} is longer than {max_length} characters.")
    return value


def _decimal(where, value, name, decimal_places):
    # TOML integers come as int, floats as Decimal (parse_float); bool is an int, but not a number here.
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise SeedError(f"{where}: {name} must be a number, not {value!r}.")
    value = Decimal(value)
    if not value.is_finite():
        raise SeedError(f"{where}: {name} must be a finite number.")
    if value.as_tuple().exponent < -decimal_places:
        raise SeedError(f"{where}: {name} {value} has more than {decimal_places} decimal places.")
    return value


def _source_key(where, key, sources):
    if key not in sources:
        raise SeedError(f'{where}: unknown source "{key}"; define it as [sources.{key}] in the seed file.')
    return key


def _max_length(model, name):
    return model._meta.get_field(name).max_length


def _write_seed(seed):
    summary = LoadSummary()
    sources = _upsert_sources(seed.sources, summary)
    categories = _categories({item.category for item in seed.items}, summary)
    seed_keys = [item.seed_key for item in seed.items]
    ndb_numbers = [item.usda_ndb_number for item in seed.items if item.usda_ndb_number]
    existing = (
        Item.objects.filter(seed_key__in=seed_keys) | Item.objects.filter(usda_ndb_number__in=ndb_numbers)
    ).prefetch_related("nutrient_values", "portions")
    by_seed_key, by_ndb_number = {}, {}
    for item in existing:
        if item.seed_key:
            by_seed_key[item.seed_key] = item
        if item.usda_ndb_number:
            by_ndb_number[item.usda_ndb_number] = item

    for spec in seed.items:
        item, status = _upsert_item(spec, by_seed_key, by_ndb_number, categories)
        created = status == "created"
        values_changed = _upsert_values(item, spec.values, sources, created)
        portions_changed = _upsert_portions(item, spec.portions, sources, created)
        if created:
            summary.items_created.append(spec.seed_key)
        elif status != "unchanged" or values_changed or portions_changed:
            summary.items_updated.append(spec.seed_key)
        else:
            summary.items_unchanged.append(spec.seed_key)
        if status == "adopted":
            summary.items_adopted.append(spec.seed_key)
    return summary


def _upsert_sources(specs, summary):
    sources = {source.key: source for source in Source.objects.filter(key__in=list(specs))}
    for key, spec in specs.items():
        wanted = {"kind": spec.kind, "citation": spec.citation, "url": spec.url}
        source = sources.get(key)
        if source is None:
            sources[key] = _save(Source(key=key, **wanted))
            summary.sources_created.append(key)
        elif _assign(source, wanted):
            _save(source)
            summary.sources_updated.append(key)
        else:
            summary.sources_unchanged.append(key)
    return sources


def _categories(names, summary):
    categories = {category.name: category for category in Category.objects.filter(name__in=names)}
    for name in sorted(names - categories.keys()):
        categories[name] = Category.objects.create(name=name)
        summary.categories_created.append(name)
    return categories


def _upsert_item(spec, by_seed_key, by_ndb_number, categories):
    """The item for `spec`, saved if anything changed, and "created", "adopted", "updated" or "unchanged"."""
    item = by_seed_key.get(spec.seed_key)
    holder = by_ndb_number.get(spec.usda_ndb_number) if spec.usda_ndb_number else None
    adopted = False
    if item is None and holder is not None:
        # The USDA importer ran first: this is our item, without its seed_key yet.
        if holder.seed_key or holder.owner_id:
            raise SeedError(
                f'Item "{spec.seed_key}": USDA NDB number {spec.usda_ndb_number} already belongs to '
                f'"{holder}" (item {holder.pk}), which is not a USDA import to adopt.'
            )
        item, adopted = holder, True
    elif item is not None and holder not in (None, item):
        raise SeedError(
            f'Item "{spec.seed_key}": USDA NDB number {spec.usda_ndb_number} already belongs to another item, '
            f'"{holder}" (item {holder.pk}). Merge the two in the admin, then load again.'
        )
    created = item is None
    if created:
        item = Item(seed_key=spec.seed_key)
    wanted = {
        "seed_key": spec.seed_key,
        "name": spec.name,
        "kind": spec.kind,
        "category_id": categories[spec.category].pk,
        "brand": spec.brand,
        "notes": spec.notes,
    }
    if spec.usda_ndb_number:
        # Only set, never cleared: a number the importer gave a seed item stays.
        wanted["usda_ndb_number"] = spec.usda_ndb_number
    changed = _assign(item, wanted)
    if created or changed:
        _save(item)
    if created:
        return item, "created"
    if adopted:
        return item, "adopted"
    return item, "updated" if changed else "unchanged"


def _upsert_values(item, specs, sources, created):
    existing = {} if created else {value.nutrient: value for value in item.nutrient_values.all()}
    changed = False
    for spec in specs:
        wanted = {"amount": spec.amount, "source_id": sources[spec.source].pk, "note": spec.note}
        value = existing.get(spec.nutrient)
        if value is None:
            _save(NutrientValue(item=item, nutrient=spec.nutrient, **wanted))
            changed = True
        elif _assign(value, wanted):
            _save(value)
            changed = True
    return changed


def _upsert_portions(item, specs, sources, created):
    existing = {} if created else {portion.label: portion for portion in item.portions.all()}
    changed = False
    for spec in specs:
        wanted = {
            "grams": spec.grams,
            "units": spec.units,
            "position": spec.position,
            "source_id": sources[spec.source].pk if spec.source else None,
        }
        portion = existing.get(spec.label)
        if portion is None:
            _save(Portion(item=item, label=spec.label, **wanted))
            changed = True
        elif _assign(portion, wanted):
            _save(portion)
            changed = True
    return _place_after_seed_portions(existing, specs) or changed


def _place_after_seed_portions(existing, specs):
    """Move portions the seed doesn't name (the USDA import's, staff's) behind the seed's, in their order.

    The seed's first portion is the item's typical one; an imported "1 large" at position 0 must not tie
    with the seed's "1 large egg yolk" and win by its older id.
    """
    seed_labels = {spec.label for spec in specs}
    others = sorted((p for label, p in existing.items() if label not in seed_labels), key=lambda p: (p.position, p.pk))
    first_free = max((spec.position for spec in specs), default=-1) + 1
    if all(portion.position >= first_free for portion in others):
        return False
    for position, portion in enumerate(others, start=first_free):
        portion.position = position
        _save(portion)
    return True


def _assign(instance, wanted):
    """Set the fields in `wanted` that differ on `instance`; True when any did.

    Foreign keys are compared by id (`source_id`), so comparing fetches nothing.
    """
    changed = False
    for name, value in wanted.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _save(instance):
    instance._change_reason = CHANGE_REASON  # recorded by django-simple-history
    instance.save()
    return instance
