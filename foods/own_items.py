"""
Users' own foods and supplement products: private items typed in from a product label.

Their values carry a per-user source of kind "user entry", so a figure someone typed is never
mistaken for a published one.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Count, ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from foods import nutrients
from foods.models import Item, NutrientValue, Portion, Source, energy_mismatch
from foods.own_item_forms import OwnItemForm

LIST_CODES = [nutrients.VITAMIN_D.code, *(form.code for form in nutrients.K2_FORMS)]


def user_entry_source_key(user):
    return f"user-{user.pk}"


def user_entry_source(user):
    """The source of everything `user` types from a label: one per user."""
    source, _ = Source.objects.get_or_create(
        key=user_entry_source_key(user),
        defaults={"kind": Source.Kind.USER_ENTRY, "citation": f"Entered by {user.get_username()} from a product label"},
    )
    return source


def own_item_save(*, item, owner, amounts, portions):
    """Save `item` as `owner`'s, with exactly these values and portions.

    `amounts` is {code: amount or None}: None removes a value (unknown again). `portions` is
    [(label, grams or units)], the first the typical one. A portion keeps its row when its label
    stays, so entries logged with it still name it.
    """
    source = user_entry_source(owner)
    with transaction.atomic():
        if item.pk:
            # Two saves of one item at once would race on its values' and portions' unique keys.
            Item.objects.select_for_update().filter(pk=item.pk).first()
        item.owner = owner
        item.save()
        _replace_values(item, amounts, source)
        _replace_portions(item, portions, source)
    return item


def _replace_values(item, amounts, source):
    stored = {value.nutrient: value for value in item.nutrient_values.all()}
    for code, amount in amounts.items():
        value = stored.get(code)
        if amount is None:
            if value is not None:
                value.delete()
        elif value is None:
            NutrientValue.objects.create(item=item, nutrient=code, amount=amount, source=source)
        elif value.amount != amount or value.source_id != source.pk:
            value.amount, value.source = amount, source
            value.save()


def _replace_portions(item, portions, source):
    stored = {portion.label: portion for portion in item.portions.all()}
    kept = {label for label, _ in portions}
    for label, portion in stored.items():
        if label not in kept:
            portion.delete()
    for position, (label, quantity) in enumerate(portions):
        portion = stored.get(label) or Portion(item=item, label=label)
        portion.grams, portion.units = (None, quantity) if item.is_supplement else (quantity, None)
        portion.position, portion.source = position, source
        portion.save()


@dataclass(frozen=True)
class OwnItemRow:
    item: Item
    k2_mk7_equivalent_ug: Decimal | None
    vitamin_d_ug: Decimal | None
    entry_count: int


def own_item_rows(user):
    """`user`'s own items with what the list shows, in a fixed number of queries."""
    items = (
        Item.objects.filter(owner=user)
        .select_related("category")
        .prefetch_related("portions")
        .annotate(entry_count=Count("entries"))
        .with_nutrients(LIST_CODES)
        .order_by("name", "pk")
    )
    return [
        OwnItemRow(
            item=item,
            k2_mk7_equivalent_ug=nutrients.k2_mk7_equivalent_ug(item.k2_mk4_ug, item.k2_mk7_ug, item.k2_other_ug),
            vitamin_d_ug=item.vitamin_d_ug,
            entry_count=item.entry_count,
        )
        for item in items
    ]


def _get_own_item(request, pk):
    return get_object_or_404(Item.objects.filter(owner=request.user), pk=pk)


@login_required
@require_GET
def own_item_list(request):
    return render(request, "foods/own_item_list.html", {"rows": own_item_rows(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def own_item_create(request):
    form = OwnItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = _save_form(request, form)
        messages.success(request, f"Saved “{item.name}”.")
        return redirect("own_items:list")
    return render(request, "foods/own_item_form.html", {"form": form, "item": None})


@login_required
@require_http_methods(["GET", "POST"])
def own_item_edit(request, pk):
    item = _get_own_item(request, pk)
    form = OwnItemForm(request.POST or None, instance=item, kind_locked=item.entries.exists())
    if request.method == "POST" and form.is_valid():
        item = _save_form(request, form)
        messages.success(request, f"Saved your changes to “{item.name}”.")
        return redirect("own_items:list")
    return render(request, "foods/own_item_form.html", {"form": form, "item": item})


@login_required
@require_http_methods(["GET", "POST"])
def own_item_delete(request, pk):
    item = _get_own_item(request, pk)
    if request.method == "POST":
        try:
            with transaction.atomic():
                item.delete()
        except (ProtectedError, IntegrityError):
            messages.error(request, cannot_delete_message(item))
            return redirect("own_items:edit", pk=item.pk)
        messages.success(request, f"Deleted “{item.name}”.")
        return redirect("own_items:list")
    ctx = {"item": item, "entry_count": item.entries.count(), "routine_count": item.routines.count()}
    return render(request, "foods/own_item_confirm_delete.html", ctx)


def _save_form(request, form):
    amounts = form.nutrient_amounts()
    item = own_item_save(
        item=form.save(commit=False), owner=request.user, amounts=amounts, portions=form.portions()
    )
    warning = energy_mismatch(amounts)
    if warning:
        messages.warning(request, warning)
    return item


def cannot_delete_message(item):
    if not item.entries.exists() and item.routines.exists():
        return (
            f"“{item.name}” is in one of your routines, so it cannot be deleted. "
            f"Delete or change that routine first (your logged days keep what they counted)."
        )
    return (
        f"“{item.name}” is in your log, so it cannot be deleted: your past days still count it. "
        f"You can edit it instead, e.g. correct its values or rename it."
    )
