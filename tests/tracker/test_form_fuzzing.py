"""
Every form of the app, posted through its view with any text in any field: the answer is the form again
with its errors (200) or a success (302), never an exception, and what a success saved passes every
validator and constraint of its model (full_clean).

Each field gets either a value that makes sense (so that successes happen and the deeper rules are
reached) or text that does not: anything hypothesis writes, numbers too large or small for any column,
NaN and infinities, unicode digits, NUL, very long strings. Each example runs in a transaction that is
rolled back, so none sees what another saved.
"""

import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from foods import nutrients
from foods.models import Item, NutrientValue, Portion, Source
from tests.factories import make_category
from tests.tracker.factories import DAY, log_dose, log_item, make_d3_softgel, make_natto
from tests.tracker.routine_factories import make_routine
from tracker.copy_views import preview_token
from tracker.copying import plan_copy
from tracker.models import Entry, GuidanceProfile, Meal, Profile, Routine

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
LEFT_OUT = object()  # the field is not posted at all
SPOILED_FIELDS = 3

NONSENSE = [
    "", " ", "\x00", "1\x00", "NaN", "nan", "-NaN", "sNaN", "Infinity", "-inf", "1e999", "-1e999", "1e-999",
    "-0", "-0.0", "0", "0.0000000001", "1e5", "1E+2", "0x10", "1_000", "1,5", "١٢٣", "１２", "²", "𝟗", "Ⅻ",
    "9" * 400, "-" + "9" * 40, "0." + "0" * 300 + "1", "99999999999999999999.5", "a" * 10_000, "\u200b1",
    "2026-02-30", "0001-01-01", "9999-12-31", "20261120", "25:61", "12:30:99", "💊", "<script>", "' OR 1=1 --",
]
NUMBERS = st.one_of(
    st.integers().map(str),
    st.floats().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=8),  # digits of every script
)
ANY_TEXT = st.one_of(st.text(), st.sampled_from(NONSENSE), NUMBERS)


@dataclass(frozen=True)
class Field:
    sensible: st.SearchStrategy
    nonsense: st.SearchStrategy = st.one_of(ANY_TEXT, st.just(LEFT_OUT))


def field(*sensible):
    """A field whose value makes sense as one of these, or is nonsense: any text at all, or none (left out)."""
    return Field(st.sampled_from([str(value) for value in sensible]))


def choices(*sensible):
    """A multiple-choice field: some of these values, or a list of any text, or one text, or none."""
    values = [str(value) for value in sensible]
    mixed = st.lists(st.one_of(st.sampled_from(values), ANY_TEXT), max_size=8)
    nonsense = st.one_of(mixed, ANY_TEXT, st.just(LEFT_OUT))
    return Field(st.lists(st.sampled_from(values), unique=True), nonsense)


def form_data(**fields):
    """
    A form's data: up to SPOILED_FIELDS fields hold nonsense, the others make sense. Mostly sensible forms
    reach the rules beyond the fields' own (and save often enough to check what they save).
    """
    sensible = st.fixed_dictionaries({name: f.sensible for name, f in fields.items()})
    spoiled = st.sets(st.sampled_from(list(fields)), max_size=SPOILED_FIELDS).flatmap(
        lambda names: st.fixed_dictionaries({name: fields[name].nonsense for name in sorted(names)})
    )
    return st.builds(
        lambda data, nonsense: {k: v for k, v in (data | nonsense).items() if v is not LEFT_OUT}, sensible, spoiled
    )


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def post(user, url, data):
    """`data` posted to `url` by `user` (None: an anonymous visitor); it must be refused with errors or succeed."""
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.post(url, data)
    assert response.status_code in (200, 302), response.status_code
    event("saved" if response.status_code == 302 else "refused")  # how often: pytest --hypothesis-show-statistics
    return response


def all_valid(rows):
    """Every row passes its model's validators and constraints, as the database and the admin would check them."""
    for row in rows:
        row.full_clean()


def entries_valid(user):
    all_valid(Entry.objects.filter(user=user))


MEALS = Meal.values
TIMES = ["", "08:30", "23:59"]
DOSE_CODES = ["vitamin_d_ug", "k2_mk4_ug", "k2_mk7_ug", "calcium_mg"]
DOSE_UNITS = ["IU", "ug", "mg"]
YESTERDAY = DAY - timedelta(days=1)


@pytest.fixture
def catalog():
    natto = make_natto()
    softgel = make_d3_softgel()
    return {
        "natto": natto, "natto_portion": natto.portions.get(),
        "softgel": softgel, "softgel_portion": softgel.portions.get(),
    }


def food_fields(catalog):
    return {
        "item": field(catalog["natto"].pk), "grams": field("20", "0.5", "5000", "5000.0001"),
        "count": field("", "1", "2.5", "100"), "portion": field("", catalog["natto_portion"].pk),
    }


def supplement_fields(catalog):
    return {
        "item": field(catalog["softgel"].pk), "units": field("1", "2", "100"),
        "count": field("", "1", "3"), "portion": field("", catalog["softgel_portion"].pk),
    }


def dose_fields(catalog):
    return {
        "dose_nutrient": field(*DOSE_CODES), "dose_amount": field("5000", "100", "0.0001", "1000000"),
        "dose_unit": field(*DOSE_UNITS),
    }


AMOUNT_FIELDS = {"food": food_fields, "supplement": supplement_fields, "dose": dose_fields}


def when_fields(**more):
    return {"meal": field(*MEALS), "time": field(*TIMES), **more}


def schedule_fields():
    return {
        "frequency": field(*Routine.Frequency.values),
        "weekdays": choices(*range(7)),
        "every_n_days": field("", "1", "7", "366", "367"),
        "starts_on": field(DAY, DAY + timedelta(days=3)),
        "ends_on": field("", DAY, DAY + timedelta(days=30)),
    }


# The entry forms: add a food, a supplement, a dose; edit an entry


@pytest.mark.parametrize("what", AMOUNT_FIELDS)
@FUZZ
@given(fuzz=st.data())
def test_the_add_entry_forms_take_any_text(alice, catalog, what, fuzz):
    data = fuzz.draw(form_data(**AMOUNT_FIELDS[what](catalog), **when_fields(idempotency_key=field(uuid.uuid4()))))
    with rolled_back():
        post(alice, f"/day/{DAY}/add/{what}/", data)
        entries_valid(alice)


@pytest.fixture
def natto_entry(alice, catalog):
    return log_item(alice, catalog["natto"], grams=20)


@FUZZ
@given(fuzz=st.data())
def test_the_edit_entry_form_takes_any_text(alice, catalog, natto_entry, fuzz):
    data = fuzz.draw(form_data(**food_fields(catalog), **when_fields()))
    with rolled_back():
        post(alice, f"/entries/{natto_entry.pk}/edit/", data)
        entries_valid(alice)


# The routine forms: a new routine of each kind, and a change


@pytest.mark.parametrize("what", AMOUNT_FIELDS)
@FUZZ
@given(fuzz=st.data())
def test_the_routine_forms_take_any_text(alice, catalog, what, fuzz):
    data = fuzz.draw(form_data(**AMOUNT_FIELDS[what](catalog), **when_fields(), **schedule_fields()))
    with rolled_back():
        post(alice, f"/routines/new/?what={what}", data)
        all_valid(Routine.objects.filter(user=alice))


@pytest.fixture
def dose_routine(alice):
    return make_routine(alice)


@FUZZ
@given(fuzz=st.data())
def test_the_routine_edit_form_takes_any_text(alice, catalog, dose_routine, fuzz):
    data = fuzz.draw(form_data(**dose_fields(catalog), **when_fields(), **schedule_fields()))
    with rolled_back():
        post(alice, f"/routines/{dose_routine.pk}/edit/", data)
        all_valid(Routine.objects.filter(user=alice))


# The copy form


@pytest.fixture
def preview_of_yesterday(alice, catalog):
    """Yesterday's entries, and the token of the copy page's preview of them."""
    log_item(alice, catalog["natto"], day=YESTERDAY, grams=20)
    log_dose(alice, "vitamin_d_ug", 2000, "IU", day=YESTERDAY, meal="dinner")
    return preview_token(plan_copy(user=alice, from_day=YESTERDAY, to_day=DAY), timezone.now())


@FUZZ
@given(fuzz=st.data())
def test_the_copy_form_takes_any_text(alice, preview_of_yesterday, fuzz):
    choice = {"from": field(YESTERDAY, DAY), "meal": field("", *MEALS), "into": field("", *MEALS)}
    data = fuzz.draw(form_data(**choice, preview=field(preview_of_yesterday)))
    with rolled_back():
        post(alice, f"/day/{DAY}/copy/", data)
        entries_valid(alice)


# Own items


def own_item_fields(category):
    fields = {"name": field("My bar"), "brand": field("", "Home"), "kind": field(*Item.Kind.values),
              "category": field("", category.pk), "vitamin_d_unit": field("IU", "ug")}
    for nutrient in nutrients.NUTRIENTS:
        fields[nutrient.code] = field("", "0", "10", "0.5", "100", "1000000")
    for row in (1, 2, 3):
        fields[f"portion_{row}_label"] = field("", "1 bar", "1 softgel")
        fields[f"portion_{row}_amount"] = field("", "40", "1", "10000")
    return fields


@pytest.fixture
def category():
    return make_category()


@FUZZ
@given(fuzz=st.data())
def test_the_own_item_form_takes_any_text(alice, category, fuzz):
    data = fuzz.draw(form_data(**own_item_fields(category)))
    with rolled_back():
        post(alice, "/my-foods/new/", data)
        items = Item.objects.filter(owner=alice)
        all_valid(items)
        all_valid(NutrientValue.objects.filter(item__in=items))
        all_valid(Portion.objects.filter(item__in=items))
        all_valid(Source.objects.filter(nutrient_values__item__in=items).distinct())


# Settings and sign-up


@FUZZ
@given(fuzz=st.data())
def test_the_profile_form_takes_any_text(alice, fuzz):
    guidance_profiles = GuidanceProfile.objects.values_list("pk", flat=True)
    flags = {name: field("on", "") for name in ("takes_warfarin", "kidney_disease", "pregnant", "is_child")}
    data = fuzz.draw(form_data(vitamin_d_unit=field(*Profile.VitaminDUnit.values),
                               guidance_profile=field(*guidance_profiles),
                               timezone=field("UTC", "Europe/Berlin", "Asia/Kolkata"), **flags))
    with rolled_back():
        post(alice, "/accounts/profile/", data)
        all_valid(Profile.objects.filter(user=alice))


@FUZZ
@given(fuzz=st.data())
def test_the_signup_form_takes_any_text(alice, fuzz):
    password = "a-long-unusual-passphrase-42"
    data = fuzz.draw(form_data(username=field("carol", "alice", "c" * 150),
                               email=field("carol@example.com", "alice@example.com"),
                               password1=field(password), password2=field(password)))
    with rolled_back():
        post(None, "/accounts/signup/", data)
        for user in get_user_model().objects.all():
            user.full_clean()
        all_valid(Profile.objects.all())
