"""A person with one of everything Tandem keeps, for the tests of downloading and deleting an account."""

from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal

from foods.models import Item
from foods.own_items import own_item_save
from tests.tracker.factories import DAY, log_dose, log_item, make_d3_softgel, make_natto
from tests.tracker.routine_factories import make_routine, pause
from tracker.models import ApiToken, Entry, Profile
from tracker.routines import log_routine


@dataclass
class Belongings:
    own_item: Item
    entries: list
    routine: object
    token: ApiToken
    key: str


def make_own_bar(user, name="Grandma's K2 bar"):
    item = Item(name=name, kind=Item.Kind.FOOD, brand="Home")
    amounts = {"k2_mk7_ug": Decimal("45.5"), "vitamin_d_ug": Decimal("2.5"), "fat_g": None}
    return own_item_save(item=item, owner=user, amounts=amounts, portions=[("1 bar", Decimal(40))])


def give_everything(user, *, natto=None):
    """Entries of a catalog food, of an own item's portion, a free dose and a routine's dose; a paused routine;
    an own item; a token; health notes and a time zone."""
    natto = natto or make_natto()
    own = make_own_bar(user, name=f"{user.username}'s K2 bar")
    entries = [
        log_item(user, natto, grams=20, meal="lunch"),
        log_item(user, own, portion=own.portions.get(), count=2, meal="snack"),
        log_dose(user, "vitamin_d_ug", 5000, "IU", meal="dinner"),
    ]
    Entry.objects.filter(pk=entries[0].pk).update(time=time(12, 30))
    routine = make_routine(user, item=make_d3_softgel(), dose_nutrient="", quantity=1, quantity_unit="unit",
                           frequency="weekdays", weekdays=0b0010001)  # Mondays and Fridays; DAY is a Friday
    pause(routine, DAY + timedelta(days=3), DAY + timedelta(days=9))
    entries.append(log_routine(routine, DAY)[0])
    Profile.objects.filter(pk=Profile.objects.for_user(user).pk).update(
        timezone="Europe/Berlin", takes_warfarin=True, vitamin_d_unit="ug"
    )
    token, key = ApiToken.issue(user, name=f"{user.username}'s phone")
    return Belongings(own_item=own, entries=entries, routine=routine, token=token, key=key)
