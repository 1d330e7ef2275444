"""
Writing imported foods into the catalog, in batches, for either USDA layout.

The rules (shared/DOMAIN.md, "Food values: per 100 g, with provenance"):
- an item is found again by its USDA id, so a second run updates instead of duplicating;
- name and category are set only on items the import creates;
- on any item, a value or portion is written only where none exists or where the existing one
  comes from this same USDA source: a value from another source (a published table, a staff edit)
  is never overwritten;
- even then, only the numbers are the import's: a value's note is replaced only when it is empty
  or one the import wrote (the seed catalog notes USDA figures too), and a portion keeps its
  position (the seed catalog and staff choose which portion is the typical one). New portions of
  an item that has some go after them;
- a nutrient USDA did not measure gets no row (unknown, never 0).

Writes go through simple_history's bulk helpers: the catalog promises that every change to food
data is kept with who made it and when, and an import that changed values silently would break
that (the history rows roughly double the first import's time; see bench/import_usda.py).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, fields
from decimal import Decimal
from string import Formatter

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from foods.importers.files import Row
from foods.models import MAX_PORTION_GRAMS, Category, Item, NutrientValue, Portion, Source
from foods.nutrients import VITAMIN_D
from foods.units import plain, vitamin_d_iu_to_ug

# Rows per database round trip. Large enough that queries are few, small enough that a batch of
# model instances stays a few megabytes.
BATCH_ROWS = 2000

CATEGORY_NAME_MAX_LENGTH = Category._meta.get_field("name").max_length
NAME_MAX_LENGTH = Item._meta.get_field("name").max_length
LABEL_MAX_LENGTH = Portion._meta.get_field("label").max_length
AMOUNT_STEP = Decimal(1).scaleb(-NutrientValue._meta.get_field("amount").decimal_places)
GRAMS_STEP = Decimal(1).scaleb(-Portion._meta.get_field("grams").decimal_places)

# Nutrients for which a converted figure may stand in when the measured one is missing (vitamin D
# from IU): the measured value wins, whatever the order of the rows.
STAND_IN_CODES = frozenset({VITAMIN_D.code})

# The only note the import writes, and so the only one besides an empty note that it may replace.
IU_NOTE = "Converted from {iu} IU ({usda_nutrient}): USDA gives this food's vitamin D only in IU. 1 µg = 40 IU."
IU_NOTE_PATTERN = re.compile(
    "".join(re.escape(text) + (".+" if name else "") for text, name, _, _ in Formatter().parse(IU_NOTE))
)

SOURCES = {
    "usda-sr28": {
        "kind": Source.Kind.USDA_SR28,
        "citation": (
            "USDA National Nutrient Database for Standard Reference, Release 28 (SR28), "
            "U.S. Department of Agriculture, Agricultural Research Service, 2016"
        ),
        "url": "https://www.ars.usda.gov/nutrient-data-laboratory/",
    },
    "usda-fdc": {
        "kind": Source.Kind.USDA_FDC,
        "citation": "USDA FoodData Central",
        "url": "https://fdc.nal.usda.gov/",
    },
}


def usda_source(key):
    source, _ = Source.objects.get_or_create(key=key, defaults=SOURCES[key])
    return source


@dataclass(frozen=True)
class Food:
    usda_id: str | int
    name: str
    category_code: str | None
    row: Row


@dataclass(frozen=True)
class Value:
    usda_id: str | int
    code: str
    amount: Decimal
    row: Row
    note: str = ""
    stand_in: bool = False


@dataclass(frozen=True)
class WeighedPortion:
    usda_id: str | int
    seq: int
    label: str
    grams: Decimal
    row: Row


@dataclass
class ImportReport:
    layout: str = ""
    categories_created: int = 0
    items_created: int = 0
    items_matched: int = 0
    items_not_catalog_food: int = 0
    foods_skipped: int = 0
    values_created: int = 0
    values_updated: int = 0
    values_unchanged: int = 0
    values_kept_from_other_source: int = 0
    value_notes_kept: int = 0
    portions_created: int = 0
    portions_updated: int = 0
    portions_unchanged: int = 0
    portions_kept_from_other_source: int = 0
    portions_skipped_zero_weight: int = 0
    portions_skipped_over_max_weight: int = 0
    portions_skipped_duplicate_label: int = 0
    fdc_ids_linked: int = 0

    def lines(self):
        counts = [(f.name.replace("_", " "), getattr(self, f.name)) for f in fields(self) if f.name != "layout"]
        return [f"Imported USDA {self.layout}.", *(f"{name}: {count:,}" for name, count in counts)]


class CatalogWriter:
    """Upserts foods, their values per 100 g and their portions for one USDA source.

    `key_field` is the Item field holding the USDA id of this layout: usda_ndb_number or fdc_id.
    """

    def __init__(self, *, source, key_field, report, change_reason):
        self.source = source
        self.key_field = key_field
        self.report = report
        self.history = {"default_change_reason": change_reason, "default_date": timezone.now()}
        self._category_pks = {}
        self._item_pks = {}  # USDA id of each food in these files -> item pk, None if not ours to fill
        self._measured = set()  # (item pk, code) of measured values in STAND_IN_CODES

    def knows_food(self, usda_id):
        return usda_id in self._item_pks

    def knows_category(self, code):
        return code in self._category_pks

    def filled_item_pks(self):
        """The items whose values and portions this import may have written."""
        return [pk for pk in self._item_pks.values() if pk is not None]

    def write_categories(self, groups):
        """Categories from (USDA group code, description); an existing one is found by code, then name."""
        categories = list(Category.objects.all())
        by_code = {c.usda_group_code: c for c in categories if c.usda_group_code}
        by_name = {c.name: c for c in categories}
        new, coded = {}, []
        for code, name in groups:
            name = _shortened(name, CATEGORY_NAME_MAX_LENGTH)
            category = by_code.get(code) or by_name.get(name) or new.get(name)
            if category is None:
                category = new[name] = Category(name=name, usda_group_code=code)
            elif category.usda_group_code is None:
                category.usda_group_code = code
                coded.append(category)
            by_code[code] = category
        Category.objects.bulk_create(new.values())
        Category.objects.bulk_update(coded, ["usda_group_code"])
        self.report.categories_created += len(new)
        self._category_pks = {code: category.pk for code, category in by_code.items()}

    def write_items(self, foods, *, links=None):
        """Create the foods not yet in the catalog; find the others by USDA id.

        `links` ({USDA id: Item pk}) matches foods that the catalog knows under the other USDA id.
        """
        existing = {
            usda_id: (pk if owner_id is None and kind == Item.Kind.FOOD else None)
            for usda_id, pk, owner_id, kind in Item.objects.exclude(**{self.key_field: None}).values_list(
                self.key_field, "pk", "owner_id", "kind"
            )
        }
        links = links or {}
        linked, new = [], []
        for food in foods:
            if food.usda_id in self._item_pks:
                food.row.fail(f"food {food.usda_id} is listed twice")
            if food.usda_id in existing:
                pk = existing.pop(food.usda_id)
                self._item_pks[food.usda_id] = pk
                self.report.items_matched += 1
                if pk is None:
                    self.report.items_not_catalog_food += 1
            elif food.usda_id in links:
                self._item_pks[food.usda_id] = links[food.usda_id]
                linked.append(food.usda_id)
                self.report.items_matched += 1
            else:
                self._item_pks[food.usda_id] = None
                new.append(food)
                if len(new) >= BATCH_ROWS:
                    self._create_items(new)
                    new = []
        self._create_items(new)
        if linked:
            self._set_usda_ids(linked)

    def _create_items(self, foods):
        items = [
            Item(
                name=_shortened(food.name, NAME_MAX_LENGTH),
                kind=Item.Kind.FOOD,
                category_id=self._category_pks.get(food.category_code),
                **{self.key_field: food.usda_id},
            )
            for food in foods
        ]
        for item in bulk_create_with_history(items, Item, **self.history):
            self._item_pks[getattr(item, self.key_field)] = item.pk
        self.report.items_created += len(items)

    def _set_usda_ids(self, usda_ids):
        pks = {self._item_pks[usda_id]: usda_id for usda_id in usda_ids}
        items = list(Item.objects.filter(pk__in=pks))
        for item in items:
            setattr(item, self.key_field, pks[item.pk])
        bulk_update_with_history(items, Item, [self.key_field], **self.history)
        self.report.fdc_ids_linked += len(items)

    def link_fdc_ids(self, fdc_id_by_ndb):
        """Fill the FDC id of imported SR28 items from a crosswalk, where no other item holds that id."""
        taken = set(Item.objects.exclude(fdc_id=None).values_list("fdc_id", flat=True))
        pks = {pk: fdc_id_by_ndb[ndb] for ndb, pk in self._item_pks.items() if pk and ndb in fdc_id_by_ndb}
        for pk_chunk in _chunks(list(pks), BATCH_ROWS):
            items = []
            for item in Item.objects.filter(pk__in=pk_chunk, fdc_id=None):
                if pks[item.pk] not in taken:
                    item.fdc_id = pks[item.pk]
                    taken.add(item.fdc_id)
                    items.append(item)
            bulk_update_with_history(items, Item, ["fdc_id"], **self.history)
            self.report.fdc_ids_linked += len(items)

    def write_values(self, values):
        for batch in _batches_by_food(values):
            self._write_value_batch(batch)

    def _write_value_batch(self, batch):
        wanted = {}
        for value in batch:
            pk = self._item_pks[value.usda_id]
            if pk is None:
                continue
            key = (pk, value.code)
            if value.stand_in:
                if key in wanted or key in self._measured:
                    continue
            else:
                if key in wanted and not wanted[key].stand_in:
                    value.row.fail(f"a second value of {value.code} for food {value.usda_id}")
                if value.code in STAND_IN_CODES:
                    self._measured.add(key)
            wanted[key] = value
        existing = {
            (item_pk, code): (pk, source_pk, amount, note)
            for pk, item_pk, code, source_pk, amount, note in NutrientValue.objects.filter(
                item_id__in={item_pk for item_pk, _ in wanted}
            ).values_list("pk", "item_id", "nutrient", "source_id", "amount", "note")
        }
        new, changes = [], {}
        for (item_pk, code), value in wanted.items():
            amount = value.amount.quantize(AMOUNT_STEP)
            pk, source_pk, stored_amount, stored_note = existing.get((item_pk, code), (None, None, None, None))
            if pk is None:
                new.append(
                    NutrientValue(item_id=item_pk, nutrient=code, amount=amount, note=value.note, source=self.source)
                )
                continue
            if source_pk != self.source.pk:
                self.report.values_kept_from_other_source += 1
                continue
            note = value.note
            if stored_note != note and not written_by_import(stored_note):
                note = stored_note
                self.report.value_notes_kept += 1
            if stored_amount == amount and stored_note == note:
                self.report.values_unchanged += 1
            else:
                changes[pk] = {"amount": amount, "note": note}
        bulk_create_with_history(new, NutrientValue, **self.history)
        self._update(NutrientValue, changes)
        self.report.values_created += len(new)
        self.report.values_updated += len(changes)

    def write_portions(self, portions):
        for batch in _batches_by_food(portions):
            self._write_portion_batch(batch)

    def _write_portion_batch(self, batch):
        by_item = defaultdict(list)
        for portion in batch:
            pk = self._item_pks[portion.usda_id]
            if pk is None:
                continue
            grams = portion.grams.quantize(GRAMS_STEP)
            if grams == 0:
                self.report.portions_skipped_zero_weight += 1
            elif grams > MAX_PORTION_GRAMS:
                self.report.portions_skipped_over_max_weight += 1
            else:
                by_item[pk].append((portion.seq, _shortened(portion.label, LABEL_MAX_LENGTH), grams))
        existing, next_position = {}, defaultdict(int)
        for portion_pk, item_pk, label, source_pk, grams, position in Portion.objects.filter(
            item_id__in=by_item
        ).values_list("pk", "item_id", "label", "source_id", "grams", "position"):
            existing[item_pk, label] = (portion_pk, source_pk, grams)
            next_position[item_pk] = max(next_position[item_pk], position + 1)
        new, changes = [], {}
        for pk, weighed in by_item.items():
            labels = set()
            for _seq, label, grams in sorted(weighed, key=lambda portion: portion[0]):
                if label in labels:
                    self.report.portions_skipped_duplicate_label += 1
                    continue
                labels.add(label)
                stored_pk, source_pk, stored_grams = existing.get((pk, label), (None,) * 3)
                if stored_pk is None:
                    position = next_position[pk]
                    next_position[pk] += 1
                    new.append(Portion(item_id=pk, label=label, grams=grams, position=position, source=self.source))
                elif source_pk != self.source.pk:
                    self.report.portions_kept_from_other_source += 1
                elif stored_grams == grams:
                    self.report.portions_unchanged += 1
                else:
                    changes[stored_pk] = {"grams": grams}
        bulk_create_with_history(new, Portion, **self.history)
        self._update(Portion, changes)
        self.report.portions_created += len(new)
        self.report.portions_updated += len(changes)

    def _update(self, model, changes):
        """Apply {pk: {field: value}}. Rows are compared as tuples; only changed ones are loaded whole."""
        if not changes:
            return
        objects = list(model.objects.filter(pk__in=changes))
        for obj in objects:
            for name, value in changes[obj.pk].items():
                setattr(obj, name, value)
        fields = list(next(iter(changes.values())))
        bulk_update_with_history(objects, model, fields, **self.history)


def vitamin_d_from_iu(usda_id, iu, row, *, usda_nutrient):
    """A vitamin D value in µg from USDA's IU figure, noted as such; a measured µg value wins over it.

    `usda_nutrient` names the IU figure's field in USDA's files, e.g. "SR28 Nutr_No 324".
    """
    note = IU_NOTE.format(iu=plain(iu), usda_nutrient=usda_nutrient)
    return Value(usda_id, VITAMIN_D.code, vitamin_d_iu_to_ug(iu), row, note=note, stand_in=True)


def written_by_import(note):
    """True for a note the import may replace: an empty one, or one it wrote itself."""
    return not note or IU_NOTE_PATTERN.fullmatch(note) is not None


def check_nutrient_unit(row, number, unit, ours, vitamin_d_iu_number):
    """Fail `row` when a nutrient we take is not in the unit we store it in (vitamin D in IU is converted)."""
    expected = ours.unit if ours else "IU" if number == vitamin_d_iu_number else None
    if expected and not same_unit(unit, expected):
        row.fail(f"nutrient {number} is in {unit}, expected {expected}")


def same_unit(usda_unit, unit):
    """USDA writes micrograms "µg" (SR28) or "UG" (FDC); our units may add a qualifier ("µg RAE")."""

    def canonical(text):
        return text.split()[0].replace("µ", "u").replace("μ", "u").lower() if text.strip() else ""

    return canonical(usda_unit) == canonical(unit)


def _shortened(text, max_length):
    return text if len(text) <= max_length else text[: max_length - 1] + "…"


def _batches_by_food(records):
    """Batches of about BATCH_ROWS records, cut only between foods (USDA files list a food's rows together)."""
    batch = []
    for record in records:
        if len(batch) >= BATCH_ROWS and record.usda_id != batch[-1].usda_id:
            yield batch
            batch = []
        batch.append(record)
    if batch:
        yield batch


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]
