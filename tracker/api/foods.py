"""GET /foods: the items a user may log (the catalog and their own), with every value and its source."""

from typing import Literal

from django.db.models import prefetch_related_objects
from ninja import Field, Query, Router, Schema

from foods import nutrients
from tracker.api.auth import caller
from tracker.api.errors import ERRORS
from tracker.forms import matching_items

router = Router(tags=["foods"])

MAX_RESULTS = 100
CODES = [nutrient.code for nutrient in nutrients.NUTRIENTS]


class PortionOut(Schema):
    id: int
    label: str
    grams: float | None
    units: float | None


class FoodOut(Schema):
    id: int
    name: str
    kind: Literal["food", "supplement"]
    basis: Literal["100g", "unit"] = Field(description="What every nutrient amount is given per.")
    brand: str
    own: bool = Field(description="Whether the item is the caller's own rather than the catalog's.")
    portions: list[PortionOut]
    nutrients: dict[str, float | None] = Field(description="Nutrient code → amount per basis; null: unknown.")
    sources: dict[str, str | None] = Field(description="Nutrient code → where its value comes from.")


def food_json(item):
    values = {value.nutrient: value for value in item.nutrient_values.all()}
    return {
        "id": item.pk,
        "name": item.name,
        "kind": item.kind,
        "basis": item.basis,
        "brand": item.brand,
        "own": item.owner_id is not None,
        "portions": [
            {"id": p.pk, "label": p.label, "grams": _number(p.grams), "units": _number(p.units)}
            for p in item.portions.all()
        ],
        "nutrients": {code: _number(values[code].amount) if code in values else None for code in CODES},
        "sources": {code: values[code].source.citation if code in values else None for code in CODES},
    }


def _number(value):
    return None if value is None else float(value)


@router.get("/foods", response={200: list[FoodOut], **ERRORS}, summary="Search the foods and supplements you may log")
def list_foods(
    request,
    q: str = Query("", description="Words the name must hold, in any order.", max_length=200),
    kind: Literal["food", "supplement"] | None = None,
    limit: int = Query(25, ge=1, le=MAX_RESULTS),
):
    items = matching_items(caller(request), q, kind=kind, limit=limit)
    prefetch_related_objects(items, "nutrient_values__source")
    return [food_json(item) for item in items]
