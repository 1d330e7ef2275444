"""
/own-items: the user's own foods and supplement products, as typed from a label.

The JSON is read into the own-item form the pages use (foods.own_item_forms.OwnItemForm) and saved by
foods.own_items.own_item_save, so an item the API accepts is one the page would have accepted. Nutrient
amounts are per basis in each code's unit (vitamin D in µg); null or left out: not on the label, unknown.
"""

from typing import Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, ProtectedError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Status

from foods.catalog_search import MAX_ID
from foods.models import Item
from foods.own_item_forms import VITAMIN_D_IN_UG, OwnItemForm
from foods.own_items import cannot_delete_message, own_item_save
from tracker.api.auth import caller
from tracker.api.bodies import Body
from tracker.api.errors import ERRORS, ErrorOut, error_body
from tracker.api.foods import CODES, FoodOut, food_json

router = Router(tags=["own-items"])

MAX_PORTIONS = 20
NutrientCode = Literal[tuple(CODES)]
KindName = Literal["food", "supplement"]
# A portion's amount, by the kind of its item: a food's weighs grams, a product's counts units.
PORTION_AMOUNT = {Item.Kind.FOOD: "grams", Item.Kind.SUPPLEMENT: "units"}
OTHER_AMOUNT_REFUSED = {
    Item.Kind.FOOD: "A food's portion is a weight: give its grams, not units.",
    Item.Kind.SUPPLEMENT: "A supplement's portion is a number of units: give its units, not grams.",
}


class PortionIn(Body):
    label: str
    grams: float | None = Field(None, description="A food's portion: its weight.")
    units: float | None = Field(None, description="A supplement's portion: how many units (softgels, drops).")


class OwnItemIn(Body):
    name: str
    kind: KindName = "food"
    brand: str = ""
    notes: str = ""
    nutrients: dict[NutrientCode, float | None] = Field(
        {}, description="Nutrient code → amount per 100 g (food) or per unit (supplement); null or absent: unknown."
    )
    portions: list[PortionIn] = Field([], max_length=MAX_PORTIONS, description="The first is the typical one.")


class OwnItemPatch(Body):
    name: str | None = None
    kind: KindName | None = None
    brand: str | None = None
    notes: str | None = None
    nutrients: dict[NutrientCode, float | None] | None = Field(
        None, description="Only the codes given change; null makes a value unknown again."
    )
    portions: list[PortionIn] | None = Field(None, max_length=MAX_PORTIONS, description="Replaces every portion.")


class OwnItemOut(FoodOut):
    notes: str
    entry_count: int = Field(description="How many entries of your log count this item.")
    energy_warning: str | None = Field(description="Set when the energy is far from 4/4/9 of the macros.")


class OwnItemJsonForm(OwnItemForm):
    """The pages' own-item form, with the item's notes, which the API edits too."""

    class Meta(OwnItemForm.Meta):
        fields = [*OwnItemForm.Meta.fields, "notes"]


def own_item_json(item):
    return {**food_json(item), "notes": item.notes, "entry_count": item.entry_count,
            "energy_warning": item.energy_mismatch()}


def _own_items(user):
    return (Item.objects.filter(owner=user).annotate(entry_count=Count("entries"))
            .prefetch_related("portions", "nutrient_values__source").order_by("name", "pk"))


def _get_own_item(request, item_id):
    if not 0 < item_id <= MAX_ID:
        raise Http404
    return get_object_or_404(_own_items(caller(request)), pk=item_id)


def _stored_fields(item):
    """What `item` holds, in the API's fields: the starting point of a PATCH."""
    return {
        "name": item.name, "kind": item.kind, "brand": item.brand, "notes": item.notes,
        "nutrients": {value.nutrient: value.amount for value in item.nutrient_values.all()},
        "portions": [{"label": p.label, "grams": p.grams, "units": p.units} for p in item.portions.all()],
    }


def save_own_item(user, fields, item=None):
    """Save the API's `fields` as `user`'s item (new, or `item`) through the pages' form.

    A ValidationError names the API's fields.
    """
    item = item or Item()
    form = OwnItemJsonForm(
        _form_data(fields, category_id=item.category_id), instance=item,
        kind_locked=item.pk is not None and item.entries.exists(), portion_rows=len(fields["portions"]),
    )
    if not form.is_valid():
        errors = form.errors.as_data().items()
        raise ValidationError({_api_field(name, fields["kind"]): messages for name, messages in errors})
    return own_item_save(item=form.save(commit=False), owner=user, amounts=form.nutrient_amounts(),
                         portions=form.portions())


def _form_data(fields, *, category_id):
    kind = fields["kind"]
    data = {"name": fields["name"], "brand": fields["brand"], "notes": fields["notes"], "kind": kind,
            "category": category_id or "", "vitamin_d_unit": VITAMIN_D_IN_UG}
    data |= {code: _typed(amount) for code, amount in fields["nutrients"].items()}
    amount_name = PORTION_AMOUNT[kind]
    for row, portion in enumerate(fields["portions"], start=1):
        _refuse_the_other_amount(portion, row, kind)
        data[f"portion_{row}_label"] = portion["label"]
        data[f"portion_{row}_amount"] = _typed(portion.get(amount_name))
    return data


def _refuse_the_other_amount(portion, row, kind):
    other = "units" if kind == Item.Kind.FOOD else "grams"
    if portion.get(other) is not None:
        raise ValidationError({f"portions.{row - 1}.{other}": OTHER_AMOUNT_REFUSED[kind]})


def _typed(amount):
    """A number as the form reads it from a text box; None is a box left empty."""
    return "" if amount is None else str(amount)


def _api_field(form_field, kind):
    """The API's name of a form field: "k1_ug" → "nutrients.k1_ug", "portion_2_amount" → "portions.1.grams"."""
    if form_field in CODES:
        return f"nutrients.{form_field}"
    if form_field.startswith("portion_"):
        _, row, part = form_field.split("_")
        return f"portions.{int(row) - 1}.{PORTION_AMOUNT[kind] if part == 'amount' else part}"
    return form_field


@router.get("/own-items", response={200: list[OwnItemOut], **ERRORS}, summary="Your own foods and supplements")
def list_own_items(request):
    return [own_item_json(item) for item in _own_items(caller(request))]


@router.post("/own-items", response={201: OwnItemOut, **ERRORS}, summary="Add a food or supplement of your own")
def create_own_item(request, payload: OwnItemIn):
    item = save_own_item(caller(request), payload.model_dump())
    return Status(201, own_item_json(_get_own_item(request, item.pk)))


@router.get("/own-items/{item_id}", response={200: OwnItemOut, **ERRORS}, summary="One of your own items")
def get_own_item(request, item_id: int):
    return own_item_json(_get_own_item(request, item_id))


@router.patch("/own-items/{item_id}", response={200: OwnItemOut, **ERRORS}, summary="Change one of your own items")
def update_own_item(request, item_id: int, payload: OwnItemPatch):
    """Fields left out keep their value; `nutrients` changes only the codes it names; `portions` replaces them all.

    An item in your log cannot change between food and supplement: its logged amounts would be rescaled.
    """
    item = _get_own_item(request, item_id)
    fields = _stored_fields(item)
    changes = payload.model_dump(exclude_unset=True)
    fields["nutrients"] |= changes.pop("nutrients", None) or {}
    fields |= {name: value for name, value in changes.items() if value is not None}
    save_own_item(caller(request), fields, item)
    return own_item_json(_get_own_item(request, item_id))


@router.delete("/own-items/{item_id}", response={204: None, **ERRORS, 409: ErrorOut},
               summary="Delete one of your own items")
def delete_own_item(request, item_id: int):
    """An item your log or a routine uses cannot be deleted (409): your past days still count it."""
    item = _get_own_item(request, item_id)
    try:
        with transaction.atomic():
            item.delete()
    except (ProtectedError, IntegrityError):
        return Status(409, error_body(cannot_delete_message(item)))
    return Status(204, None)
