"""Editing a routine, /routines/<id>/edit/: the form of its kind, filled in; what it logged stays."""

import re
from datetime import timedelta

import pytest

from tests.tracker.factories import DAY, make_d3_softgel, make_natto
from tests.tracker.forms_html import field_value, selected
from tests.tracker.routine_factories import make_product_routine, make_routine, pause
from tracker.models import Entry, Routine
from tracker.routines import log_routine

pytestmark = pytest.mark.django_db


def edit_url(routine):
    return f"/routines/{routine.pk}/edit/"


def dose_data(**changes):
    return {
        "dose_nutrient": "vitamin_d_ug", "dose_amount": "5000", "dose_unit": "IU", "meal": "breakfast", "time": "",
        "frequency": "daily", "every_n_days": "", "starts_on": str(DAY), "ends_on": "",
    } | changes


def checked_weekdays(html):
    return re.findall(r'name="weekdays" value="(\d)"[^>]*\bchecked', html)


def test_the_form_shows_the_routine_as_saved(alice_client, alice):
    routine = make_product_routine(alice, quantity=2, meal="dinner", frequency="weekdays", weekdays=1 | 16,
                                   starts_on=DAY, ends_on=DAY + timedelta(days=60))

    html = alice_client.get(edit_url(routine)).content.decode()

    assert selected(html, "item") == [str(routine.item_id)]
    assert (field_value(html, "units"), selected(html, "meal")) == ("2", ["dinner"])
    assert checked_weekdays(html) == ["0", "4"]
    assert (field_value(html, "starts_on"), field_value(html, "ends_on")) == (str(DAY), str(DAY + timedelta(days=60)))
    assert 'data-kind="supplement"' in html


def test_a_free_dose_is_edited_on_the_dose_form(alice_client, alice):
    routine = make_routine(alice, frequency="interval", every_n_days=7)

    html = alice_client.get(edit_url(routine)).content.decode()

    assert (field_value(html, "dose_amount"), selected(html, "dose_unit")) == ("5000", ["IU"])
    assert field_value(html, "every_n_days") == "7"
    assert "item-search-box" not in html


def test_a_food_routine_is_edited_on_the_food_form(alice_client, alice):
    natto = make_natto()
    routine = make_product_routine(alice, item=natto, portion=natto.portions.get(), quantity_unit="portion")

    html = alice_client.get(edit_url(routine)).content.decode()

    assert (field_value(html, "count"), selected(html, "portion")) == ("1", [str(natto.portions.get().pk)])
    assert 'data-kind="food"' in html


def test_it_saves_the_changes_over_the_same_routine_and_keeps_what_it_logged(alice_client, alice):
    routine = make_routine(alice)
    logged, _ = log_routine(routine, DAY)

    response = alice_client.post(edit_url(routine), dose_data(dose_amount="4000", frequency="interval",
                                                              every_n_days="2", meal="lunch"), follow=True)

    edited = Routine.objects.get()
    assert response.redirect_chain == [("/routines/", 302)]
    assert "Saved your routine: Vitamin D (D2 + D3), 4000 IU, in Lunch." in response.content.decode()
    assert (edited.pk, edited.created, edited.quantity, edited.meal) == (routine.pk, routine.created, 4000, "lunch")
    assert (edited.frequency, edited.every_n_days) == ("interval", 2)
    assert Entry.objects.get() == logged and Entry.objects.get().quantity == 5000


def test_editing_keeps_the_routines_pauses(alice_client, alice):
    routine = make_routine(alice)
    pause(routine, DAY + timedelta(days=1))

    alice_client.post(edit_url(routine), dose_data(dose_amount="1000"))

    assert Routine.objects.get().pauses.count() == 1


def test_invalid_input_is_an_error_and_changes_nothing(alice_client, alice):
    routine = make_routine(alice)

    response = alice_client.post(edit_url(routine), dose_data(dose_amount="-5", frequency="weekdays"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tick at least one weekday." in html
    assert Routine.objects.get().quantity == 5000


def test_the_amount_is_checked_on_the_form(alice_client, alice):
    routine = make_product_routine(alice, item=make_d3_softgel())

    response = alice_client.post(edit_url(routine), {
        "item": routine.item_id, "units": "0", "count": "", "portion": "", "meal": "breakfast", "time": "",
        "frequency": "daily", "starts_on": str(DAY),
    })

    assert "The number of units must be more than zero." in response.content.decode()
    assert Routine.objects.get().quantity == 1


def test_another_users_routine_is_a_404(alice_client, bob):
    routine = make_routine(bob)

    assert alice_client.get(edit_url(routine)).status_code == 404
    assert alice_client.post(edit_url(routine), dose_data(dose_amount="1")).status_code == 404
    assert Routine.objects.get().quantity == 5000


def test_it_needs_a_log_in(client, alice):
    url = edit_url(make_routine(alice))
    response = client.get(url)
    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={url}")


def test_it_answers_only_get_and_post(alice_client, alice):
    routine = make_routine(alice)
    assert alice_client.put(edit_url(routine)).status_code == 405
    assert alice_client.delete(edit_url(routine)).status_code == 405
    assert Routine.objects.exists()
