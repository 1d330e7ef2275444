"""Builders for routine tests: a routine of a free dose or of a product, and a pause."""

from tests.tracker.factories import DAY, make_d3_softgel
from tracker.models import Routine, RoutinePause


def make_routine(user, **fields):
    """A routine of `user`: a free dose of 5,000 IU of vitamin D every day from DAY, in breakfast, unless told."""
    fields = {
        "dose_nutrient": "vitamin_d_ug", "quantity": 5000, "quantity_unit": "IU", "meal": "breakfast",
        "starts_on": DAY,
    } | fields
    return Routine.objects.create(user=user, **fields)


def make_product_routine(user, item=None, **fields):
    """A routine of one unit of a product (a 5,000 IU vitamin D3 softgel unless told)."""
    fields = {"quantity": 1, "quantity_unit": "unit"} | fields
    return make_routine(user, item=item or make_d3_softgel(), dose_nutrient="", **fields)


def pause(routine, first_day, last_day=None):
    return RoutinePause.objects.create(routine=routine, first_day=first_day, last_day=last_day)
