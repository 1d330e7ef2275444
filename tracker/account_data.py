"""
Everything Tandem keeps of one person: as one JSON document they can download, and deleted on request.

The document (format_version 1) holds the account, the profile, the names of the API tokens (never a
key, nor a digest of one), the person's own items with their values and portions, their routines with
their pauses, and every entry as it was typed. Amounts are JSON numbers in the unit stored beside them;
nutrient codes name their unit (`vitamin_d_ug`). Catalog items are named, not copied: they are not the
person's data. The entries come last and are read a chunk at a time, so a long log never sits in memory.
"""

import json
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from foods.models import Item, NutrientValue, Portion, Source
from foods.own_items import user_entry_source_key
from tracker.models import WEEKDAY_NAMES, ApiToken, Entry, Profile, Routine

FORMAT = "tandem-account-data"
FORMAT_VERSION = 1
# Entries read at a time: one query each.
CHUNK_SIZE = 2000


def account_data_pieces(user, *, chunk_size=CHUNK_SIZE):
    """The document as pieces of JSON text: every section but the entries whole, then the entries by chunks."""
    head = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": account_json(user),
        "profile": profile_json(Profile.objects.filter(user=user).first() or Profile(user=user)),
        "api_tokens": [api_token_json(token) for token in ApiToken.objects.for_user(user)],
        "own_items": [own_item_json(item) for item in _own_items(user)],
        "routines": [routine_json(routine) for routine in _routines(user)],
    }
    yield _dumped(head).removesuffix("}") + ', "entries": ['
    entries = Entry.objects.for_user(user).select_related("item", "portion").order_by("day", "created", "pk")
    chunk = []
    separator = ""
    for entry in entries.iterator(chunk_size=chunk_size):
        chunk.append(_dumped(entry_json(entry)))
        if len(chunk) == chunk_size:
            yield separator + ", ".join(chunk)
            chunk, separator = [], ", "
    if chunk:
        yield separator + ", ".join(chunk)
    yield "]}"


def _dumped(value):
    return json.dumps(value, ensure_ascii=False)


def _own_items(user):
    return (
        Item.objects.filter(owner=user)
        .select_related("category")
        .prefetch_related("portions", "nutrient_values__source")
        .order_by("name", "pk")
    )


def _routines(user):
    return Routine.objects.for_user(user).select_related("item", "portion").prefetch_related("pauses")


def account_json(user):
    return {"username": user.get_username(), "email": user.email, "date_joined": _instant(user.date_joined)}


def profile_json(profile):
    return {
        "vitamin_d_unit": profile.vitamin_d_unit,
        "guidance_profile": profile.guidance_profile.slug if profile.guidance_profile_id else None,
        "timezone": profile.timezone,
        "takes_warfarin": profile.takes_warfarin,
        "kidney_disease": profile.kidney_disease,
        "pregnant": profile.pregnant,
        "is_child": profile.is_child,
    }


def api_token_json(token):
    return {"name": token.name, "created": _instant(token.created), "last_used": _instant(token.last_used)}


def own_item_json(item):
    return {
        "id": item.pk,
        "name": item.name,
        "kind": item.kind,
        "brand": item.brand,
        "category": item.category.name if item.category_id else None,
        "notes": item.notes,
        "values_per": item.basis,
        "values": [
            {"nutrient": value.nutrient, "amount": _number(value.amount), "unit": value.unit,
             "source": value.source.citation, "note": value.note}
            for value in item.nutrient_values.all()
        ],
        "portions": [
            {"label": portion.label, "grams": _number(portion.grams), "units": _number(portion.units)}
            for portion in item.portions.all()
        ],
        "created": _instant(item.created),
        "updated": _instant(item.updated),
    }


def _amount_json(amount):
    """What an entry and a routine share: the amount as it was typed, of an item or a free dose."""
    return {
        "item_id": amount.item_id,
        "item_name": amount.item.name if amount.item_id else None,
        "portion": amount.portion.label if amount.portion_id else None,
        "quantity": _number(amount.quantity),
        "unit": amount.quantity_unit,
        "dose_nutrient": amount.dose_nutrient or None,
        "meal": amount.meal,
        "time": amount.time.isoformat("minutes") if amount.time else None,
    }


def routine_json(routine):
    return {
        "id": routine.pk,
        **_amount_json(routine),
        "frequency": routine.frequency,
        "weekdays": [WEEKDAY_NAMES[number] for number in routine.weekday_numbers],
        "every_n_days": routine.every_n_days,
        "starts_on": _day(routine.starts_on),
        "ends_on": _day(routine.ends_on),
        "pauses": [
            {"first_day": _day(pause.first_day), "last_day": _day(pause.last_day)} for pause in routine.pauses.all()
        ],
        "created": _instant(routine.created),
    }


def entry_json(entry):
    return {
        "id": entry.pk,
        "date": _day(entry.day),
        **_amount_json(entry),
        "dose_amount": _number(entry.dose_amount),
        "routine_id": entry.routine_id,
        "logged_at": _instant(entry.created),
    }


def _number(amount):
    """A stored decimal as a JSON number; every one has at most 14 digits, which a float keeps exactly."""
    return None if amount is None else float(amount)


def _day(day):
    return day.isoformat() if day else None


def _instant(moment):
    return moment.isoformat() if moment else None


@dataclass(frozen=True)
class AccountContents:
    """How much deleting an account deletes."""

    entries: int
    routines: int
    own_items: int
    api_tokens: int


def account_contents(user):
    return AccountContents(
        entries=Entry.objects.for_user(user).count(),
        routines=Routine.objects.for_user(user).count(),
        own_items=Item.objects.filter(owner=user).count(),
        api_tokens=ApiToken.objects.for_user(user).count(),
    )


def delete_account(user):
    """
    Delete `user` and everything of theirs: entries, routines (and pauses), own items (values, portions
    and their history), API tokens, profile and the source their typed values cite.

    One exception keeps another person's log whole: an own item someone else logged or scheduled (it was
    in the catalog when they did, as nobody can log another's own item) stays, handed back to the catalog.
    """
    with transaction.atomic():
        Entry.objects.for_user(user).delete()
        Routine.objects.for_user(user).delete()
        own_items = Item.objects.filter(owner=user)
        used_by_others = Q(Exists(Entry.objects.filter(item=OuterRef("pk")))) | Q(
            Exists(Routine.objects.filter(item=OuterRef("pk")))
        )
        for item in own_items.filter(used_by_others):
            item.owner = None
            item._change_reason = "Its owner deleted their account; other people's logs count it."
            item.save()
        own_items.delete()
        _forget_own_items_history(user)
        _delete_typed_values_source(user)
        user.delete()


def _forget_own_items_history(user):
    """Delete the history of every item `user` ever owned and that is gone now (deleted just now, or before)."""
    owned_ids = set(Item.history.filter(owner_id=user.pk).values_list("id", flat=True))
    gone_ids = owned_ids - set(Item.objects.filter(pk__in=owned_ids).values_list("pk", flat=True))
    NutrientValue.history.filter(item_id__in=gone_ids).delete()
    Portion.history.filter(item_id__in=gone_ids).delete()
    Item.history.filter(id__in=gone_ids).delete()


def _delete_typed_values_source(user):
    source = Source.objects.filter(key=user_entry_source_key(user)).first()
    if source is None:
        return
    source_id = source.pk
    Source.history.filter(id=source_id).delete()
    if source.nutrient_values.exists() or source.portions.exists():
        # Values of an item handed back to the catalog still cite it: keep it, without the person's name.
        source.citation = "Entered by a former user from a product label"
        source.save()
        return
    source.delete()
    Source.history.filter(id=source_id).delete()
