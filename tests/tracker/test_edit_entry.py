from datetime import time
from decimal import Decimal

import pytest

from tests.factories import make_item
from tests.tracker.factories import DAY, log_dose, log_item, make_d3_softgel, make_natto
from tests.tracker.forms_html import field_value, selected
from tracker.models import Entry, Routine

pytestmark = pytest.mark.django_db


def edit_url(entry):
    return f"/entries/{entry.pk}/edit/"


def fields(entry):
    return {f.name: getattr(entry, f.attname) for f in Entry._meta.concrete_fields}


# The form comes prefilled with what was logged.


def test_a_food_in_grams_comes_back_prefilled(alice_client, alice):
    entry = log_item(alice, make_natto(), grams=20, meal="lunch")
    entry.time = time(12, 30)
    entry.save()

    html = alice_client.get(edit_url(entry)).content.decode()

    assert selected(html, "item") == [str(entry.item_id)]
    assert (field_value(html, "grams"), field_value(html, "count")) == ("20", None)
    assert selected(html, "meal") == ["lunch"]
    assert field_value(html, "time") == "12:30"
    assert ">Save<" in html


def test_a_portion_comes_back_prefilled(alice_client, alice):
    natto = make_natto()
    entry = log_item(alice, natto, portion=natto.portions.get(), count=2)

    html = alice_client.get(edit_url(entry)).content.decode()

    assert field_value(html, "count") == "2"
    assert selected(html, "portion") == [str(natto.portions.get().pk)]


def test_a_supplement_comes_back_in_the_supplement_form(alice_client, alice):
    entry = log_item(alice, make_d3_softgel(), units=1, meal="dinner")

    html = alice_client.get(edit_url(entry)).content.decode()

    assert field_value(html, "units") == "1"
    assert selected(html, "item") == [str(entry.item_id)]
    assert 'data-kind="supplement"' in html


def test_a_dose_comes_back_in_the_dose_form(alice_client, alice):
    entry = log_dose(alice, "vitamin_d_ug", 5000, "IU")

    html = alice_client.get(edit_url(entry)).content.decode()

    assert selected(html, "dose_nutrient") == ["vitamin_d_ug"]
    assert field_value(html, "dose_amount") == "5000"
    assert selected(html, "dose_unit") == ["IU"]


# Saving


def test_it_saves_over_the_same_entry(alice_client, alice):
    natto = make_natto()
    entry = log_item(alice, natto, grams=20)
    created = entry.created

    response = alice_client.post(
        edit_url(entry),
        {"item": natto.pk, "grams": "", "count": "1", "portion": natto.portions.get().pk, "meal": "snack",
         "time": "16:00"},
    )

    assert response.status_code == 302
    assert response.url == f"/day/2026-11-20/#entry-{entry.pk}"
    saved = Entry.objects.get()
    assert saved.pk == entry.pk
    assert (saved.day, saved.meal, saved.time, saved.created) == (DAY, "snack", time(16), created)
    assert (saved.quantity_unit, saved.quantity, saved.basis_factor) == ("portion", 1, Decimal("0.85"))


def test_it_can_switch_to_another_food(alice_client, alice):
    entry = log_item(alice, make_natto(), grams=20)
    yolk = make_item("Egg yolk", values={"k2_mk4_ug": 15})

    alice_client.post(edit_url(entry), {"item": yolk.pk, "grams": "34", "meal": "breakfast"})

    assert (Entry.objects.get().item, Entry.objects.get().quantity) == (yolk, 34)


def test_a_dose_edit_converts_its_unit(alice_client, alice):
    entry = log_dose(alice, "vitamin_d_ug", 5000, "IU")

    alice_client.post(edit_url(entry), {"dose_nutrient": "vitamin_d_ug", "dose_amount": "25", "dose_unit": "ug",
                                        "meal": "breakfast"})

    saved = Entry.objects.get()
    assert (saved.dose_amount, saved.quantity, saved.quantity_unit) == (25, 25, "ug")


def test_it_says_what_was_saved(alice_client, alice):
    entry = log_dose(alice, "k2_mk7_ug", 100, "ug")

    response = alice_client.post(
        edit_url(entry), {"dose_nutrient": "k2_mk7_ug", "dose_amount": "180", "dose_unit": "ug", "meal": "dinner"},
        follow=True,
    )

    assert "Saved Vitamin K2 as MK-7, 180 µg, in Dinner." in response.content.decode()


# Refusals


@pytest.mark.parametrize("grams", ["0", "-3", "NaN", "inf", "abc", "5001"])
def test_an_invalid_edit_changes_nothing_and_keeps_what_was_typed(alice_client, alice, grams):
    natto = make_natto()
    entry = log_item(alice, natto, grams=20)
    before = fields(entry)

    response = alice_client.post(edit_url(entry), {"item": natto.pk, "grams": grams, "meal": "dinner"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error_1_id_grams"' in html
    assert fields(Entry.objects.get()) == before
    assert field_value(html, "grams") == grams
    assert selected(html, "meal") == ["dinner"]


def test_an_edit_to_a_foreign_food_is_refused(alice_client, alice, bob):
    natto = make_natto()
    entry = log_item(alice, natto, grams=20)
    theirs = make_item("Bob's natto", owner=bob)

    response = alice_client.post(edit_url(entry), {"item": theirs.pk, "grams": "20", "meal": "breakfast"})

    assert response.status_code == 200
    assert "Choose one of the catalog&#x27;s foods or your own." in response.content.decode()
    assert Entry.objects.get().item == natto


def test_another_users_entry_is_a_404(alice_client, bob):
    natto = make_natto()
    entry = log_item(bob, natto, grams=20)
    before = fields(entry)

    assert alice_client.get(edit_url(entry)).status_code == 404
    assert alice_client.post(edit_url(entry), {"item": natto.pk, "grams": "500", "meal": "lunch"}).status_code == 404
    assert fields(Entry.objects.get()) == before


def test_an_unknown_entry_is_a_404(alice_client):
    assert alice_client.get("/entries/999999/edit/").status_code == 404
    assert alice_client.get("/entries/99999999999999999999999/edit/").status_code == 404


def test_it_needs_a_log_in(client, alice):
    entry = log_item(alice, make_natto(), grams=20)

    response = client.get(edit_url(entry))

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={edit_url(entry)}"


def test_it_answers_only_get_and_post(alice_client, alice):
    entry = log_item(alice, make_natto(), grams=20)
    assert alice_client.put(edit_url(entry)).status_code == 405
    assert alice_client.delete(edit_url(entry)).status_code == 405
    assert Entry.objects.exists()


def test_a_dose_logged_by_a_routine_stays_that_routines_dose(alice_client, alice):
    routine = Routine.objects.create(user=alice, dose_nutrient="vitamin_d_ug", quantity=5000, quantity_unit="IU",
                                     meal="breakfast", starts_on=DAY)
    entry = log_dose(alice, "vitamin_d_ug", 5000, "IU")
    Entry.objects.filter(pk=entry.pk).update(routine=routine)

    alice_client.post(edit_url(entry), {"dose_nutrient": "vitamin_d_ug", "dose_amount": "4000", "dose_unit": "IU",
                                        "meal": "breakfast"})

    entry.refresh_from_db()
    assert (entry.quantity, entry.routine) == (Decimal(4000), routine)
