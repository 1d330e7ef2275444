"""
The catalog admin. Members of the "Food editors" group edit catalog items (owner empty), their
nutrient values and portions, sources and categories; only superusers see users' private items.
Every change is kept by django-simple-history with the user who made it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.http import Http404
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from foods import nutrients
from foods.forms import NutrientValueForm, NutrientValueInlineFormSet, PortionForm
from foods.models import Category, Item, NutrientValue, Portion, Source, energy_mismatch
from foods.units import plain

UNKNOWN = "—"

# What the item list annotates: the K2 forms and vitamin D for their columns, energy and the macros
# for the 4/4/9 check.
LIST_NUTRIENT_CODES = [
    nutrients.VITAMIN_D.code,
    *(form.code for form in nutrients.K2_FORMS),
    nutrients.ENERGY.code,
    nutrients.PROTEIN.code,
    nutrients.CARBOHYDRATE.code,
    nutrients.FAT.code,
]


def items_editable_by(user):
    """Users' own items are private: only a superuser sees them in the admin."""
    if user.is_superuser:
        return Item.objects.all()
    return Item.objects.catalog()


def format_amount(value):
    if value is None:
        return UNKNOWN
    return plain(value)


class CatalogHistoryAdmin(SimpleHistoryAdmin):
    """History pages only for objects the user may see in this admin.

    simple-history looks objects up without the admin's queryset (and shows deleted ones from their
    history), which would open users' private items to food editors.
    """

    def history_view(self, request, object_id, extra_context=None):
        self._check_history_visible(request, object_id)
        extra_context = {**self.history_context(unquote(object_id)), **(extra_context or {})}
        return super().history_view(request, object_id, extra_context)

    def history_context(self, object_id):
        """What else the history page shows: nothing, unless a subclass says so."""
        return {}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_history_visible(request, object_id)
        _valid_id_or_404(self.model.history.model, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _check_history_visible(self, request, object_id):
        if self.get_object(request, unquote(object_id)) is not None:
            return
        if not request.user.is_superuser or not self._has_history(unquote(object_id)):
            raise Http404

    def _has_history(self, object_id):
        pk = _valid_id_or_404(self.model, object_id)
        return self.model.history.filter(**{self.model._meta.pk.attname: pk}).exists()


def _valid_id_or_404(model, value):
    """A primary key from the URL; simple-history would fail with a 500 on a malformed one."""
    try:
        return model._meta.pk.to_python(value)
    except ValidationError as error:
        raise Http404 from error


class OwnerFilter(admin.SimpleListFilter):
    title = "owner"
    parameter_name = "owner"

    def lookups(self, request, model_admin):
        return [("catalog", "Catalog"), ("users", "Users' items")]

    def queryset(self, request, queryset):
        if self.value() == "catalog":
            return queryset.filter(owner=None)
        if self.value() == "users":
            return queryset.exclude(owner=None)
        return queryset


class ValueSourceFilter(admin.SimpleListFilter):
    """Items with at least one nutrient value from the chosen source."""

    title = "source of values"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return [(source.key, str(source)) for source in Source.objects.only("key", "citation")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        values = NutrientValue.objects.filter(item=OuterRef("pk"), source__key=self.value())
        return queryset.filter(Exists(values))


class NutrientValueInline(admin.TabularInline):
    model = NutrientValue
    form = NutrientValueForm
    formset = NutrientValueInlineFormSet
    fields = ["nutrient", "amount", "entered_in", "source", "note"]
    autocomplete_fields = ["source"]
    # One row per nutrient: the stored values, then an empty row for each missing one.
    extra = max_num = len(nutrients.NUTRIENTS)

    def get_queryset(self, request):
        canonical_order = Case(
            *(When(nutrient=n.code, then=Value(i)) for i, n in enumerate(nutrients.NUTRIENTS)),
            output_field=IntegerField(),
        )
        return super().get_queryset(request).order_by(canonical_order)


class PortionInline(admin.TabularInline):
    model = Portion
    form = PortionForm
    fields = ["label", "grams", "units", "position", "source"]
    autocomplete_fields = ["source"]
    extra = 1


@admin.register(Item)
class ItemAdmin(CatalogHistoryAdmin):
    list_display = [
        "name", "brand", "kind", "category", "owner_label", "vitamin_d", "k2_mk7_equivalent", "energy_check",
    ]
    list_select_related = ["category", "owner"]
    list_filter = ["kind", "category", ValueSourceFilter, OwnerFilter]
    search_fields = ["name", "brand", "=usda_ndb_number"]
    readonly_fields = ["seed_key", "created", "updated"]
    raw_id_fields = ["owner"]
    inlines = [NutrientValueInline, PortionInline]
    object_history_template = "admin/foods/item/object_history.html"

    def get_queryset(self, request):
        return items_editable_by(request.user).with_nutrients(LIST_NUTRIENT_CODES)

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return self.list_filter
        return [f for f in self.list_filter if f is not OwnerFilter]

    def get_exclude(self, request, obj=None):
        # An editor's new item belongs to the catalog; only a superuser may give one an owner.
        return [] if request.user.is_superuser else ["owner"]

    @admin.display(description="owner", ordering="owner__username")
    def owner_label(self, item):
        return item.owner.get_username() if item.owner else "Catalog"

    @admin.display(description="vitamin D (µg)", ordering="vitamin_d_ug")
    def vitamin_d(self, item):
        return format_amount(item.vitamin_d_ug)

    @admin.display(description="K2 (MK-7 eq., µg)")
    def k2_mk7_equivalent(self, item):
        return format_amount(nutrients.k2_mk7_equivalent_ug(item.k2_mk4_ug, item.k2_mk7_ug, item.k2_other_ug))

    @admin.display(description="energy")
    def energy_check(self, item):
        message = energy_mismatch({code: getattr(item, code) for code in LIST_NUTRIENT_CODES})
        if message is None:
            return ""
        return format_html('<span title="{}">⚠ check</span>', message)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        warn_about_energy(request, form.instance)

    def history_context(self, object_id):
        return {"data_changes": item_data_changes(object_id)}


def warn_about_energy(request, item):
    message = item.energy_mismatch()
    if message:
        messages.warning(request, f"{item}: {message}")


class ItemPartAdmin(CatalogHistoryAdmin):
    """A value or a portion, listed and attached only where its item is one the user may edit."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(item__in=items_editable_by(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "item":
            kwargs["queryset"] = items_editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(NutrientValue)
class NutrientValueAdmin(ItemPartAdmin):
    form = NutrientValueForm
    list_display = ["item", "nutrient", "amount", "source"]
    list_select_related = ["item", "source"]
    list_filter = ["nutrient", "source__kind"]
    search_fields = ["item__name"]
    autocomplete_fields = ["item", "source"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        warn_about_energy(request, obj.item)


@admin.register(Portion)
class PortionAdmin(ItemPartAdmin):
    form = PortionForm
    list_display = ["label", "item", "grams", "units", "position", "source"]
    list_select_related = ["item", "source"]
    search_fields = ["label", "item__name"]
    autocomplete_fields = ["item", "source"]


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["key", "kind", "__str__", "url"]
    list_filter = ["kind"]
    search_fields = ["citation", "key"]


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "usda_group_code"]
    search_fields = ["name"]


@dataclass(frozen=True)
class DataChange:
    """One historical record of a nutrient value or portion, as a line on its item's history page."""

    date: datetime
    user: object
    action: str
    subject: str
    changes: list  # of (field, old, new), each shown as text


def item_data_changes(item_id):
    """The changes to an item's nutrient values and portions, newest first, with who made them.

    A deleted value or portion keeps its item id in its history, so deletions are listed too.
    """
    try:
        item_id = Item._meta.pk.to_python(item_id)
    except ValidationError:  # a malformed id: the history view answers 404 itself
        return []
    values = NutrientValue.history.filter(item_id=item_id).select_related("history_user")
    portions = Portion.history.filter(item_id=item_id).select_related("history_user")
    value_records, portion_records = list(values), list(portions)
    source_ids = {r.source_id for r in value_records + portion_records if r.source_id}
    sources = Source.objects.in_bulk(source_ids)

    def source_name(source_id):
        if source_id is None:
            return None
        source = sources.get(source_id)
        return str(source) if source else f"source #{source_id}"

    def value_fields(record):
        unit = nutrients.BY_CODE[record.nutrient].unit if record.nutrient in nutrients.BY_CODE else ""
        return {
            "amount": f"{plain(record.amount)} {unit}",
            "source": source_name(record.source_id),
            "note": record.note or None,
        }

    def portion_fields(record):
        return {
            "label": record.label,
            "grams": f"{plain(record.grams)} g" if record.grams is not None else None,
            "units": f"{plain(record.units)} units" if record.units is not None else None,
            "position": str(record.position),
            "source": source_name(record.source_id),
        }

    def value_subject(record):
        nutrient = nutrients.BY_CODE.get(record.nutrient)
        return nutrient.label if nutrient else record.nutrient

    changes = _record_changes(value_records, value_subject, value_fields) + _record_changes(
        portion_records, lambda record: f"Portion “{record.label}”", portion_fields
    )
    return sorted(changes, key=lambda change: change.date, reverse=True)


def _record_changes(records, subject, fields):
    """Compare each historical record with the previous one of the same object: old → new per field."""
    changes = []
    previous = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        after = fields(record)
        if record.history_type == "+":
            before = dict.fromkeys(after)
        else:
            before = fields(previous[record.id]) if record.id in previous else after
        if record.history_type == "-":
            after = dict.fromkeys(before)
        changes.append(
            DataChange(
                date=record.history_date,
                user=record.history_user,
                action=record.get_history_type_display(),
                subject=subject(record),
                changes=[
                    (field, before[field] or UNKNOWN, after[field] or UNKNOWN)
                    for field in after
                    if before[field] != after[field]
                ],
            )
        )
        previous[record.id] = record
    return changes
