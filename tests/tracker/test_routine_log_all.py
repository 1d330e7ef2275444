"""Logging every open dose of a day at once: POST /routines/log-all/<day>/."""

import pytest

from tests.tracker.factories import DAY, make_natto
from tests.tracker.routine_factories import make_product_routine, make_routine
from tracker.models import Entry
from tracker.routines import log_routine

pytestmark = pytest.mark.django_db

URL = f"/routines/log-all/{DAY}/"


def make_k2_routine(user, **fields):
    return make_routine(user, dose_nutrient="k2_mk7_ug", quantity=100, quantity_unit="ug", **fields)


def test_it_logs_every_open_dose_and_goes_back_to_the_day(alice_client, alice):
    vitamin_d, k2 = make_routine(alice), make_k2_routine(alice, meal="dinner")

    response = alice_client.post(URL, follow=True)

    assert response.redirect_chain == [(f"/day/{DAY}/", 302)]
    assert (
        "Logged Vitamin D (D2 + D3), 5000 IU, in Breakfast; Vitamin K2 as MK-7, 100 µg, in Dinner."
        in response.content.decode()
    )
    assert sorted(Entry.objects.values_list("routine", "meal")) == sorted([(vitamin_d.pk, "breakfast"),
                                                                           (k2.pk, "dinner")])


def test_a_dose_logged_in_another_tab_is_not_logged_again(alice_client, alice):
    vitamin_d, k2 = make_routine(alice), make_k2_routine(alice)
    in_the_other_tab, _ = log_routine(vitamin_d, DAY)

    response = alice_client.post(URL, follow=True)

    html = response.content.decode()
    assert "Logged Vitamin K2 as MK-7, 100 µg, in Breakfast." in html
    assert list(Entry.objects.filter(routine=vitamin_d)) == [in_the_other_tab]
    assert Entry.objects.filter(routine=k2).count() == 1


def test_with_nothing_open_it_says_so(alice_client, alice):
    routine = make_routine(alice)
    alice_client.post(URL)

    response = alice_client.post(URL, follow=True)

    assert "Every dose scheduled on this day was already logged." in response.content.decode()
    assert Entry.objects.filter(routine=routine).count() == 1


def test_a_dose_that_no_longer_passes_the_rules_is_named_and_the_others_logged(alice_client, alice):
    natto = make_natto()
    make_product_routine(alice, item=natto, portion=natto.portions.get(), quantity_unit="portion")
    natto.portions.get().delete()
    vitamin_d = make_routine(alice)

    html = alice_client.post(URL, follow=True).content.decode()

    assert "Natto was not logged" in html
    assert "Logged Vitamin D (D2 + D3), 5000 IU, in Breakfast." in html
    assert list(Entry.objects.values_list("routine", flat=True)) == [vitamin_d.pk]


def test_it_logs_only_the_users_own_routines(alice_client, alice, bob):
    make_routine(bob)
    mine = make_routine(alice)

    alice_client.post(URL)

    assert list(Entry.objects.values_list("user", "routine")) == [(alice.pk, mine.pk)]


@pytest.mark.parametrize("bad_day", ["2026-02-30", "today", "9999-12-31"])
def test_a_bad_day_is_a_404(alice_client, alice, bad_day):
    make_routine(alice)
    assert alice_client.post(f"/routines/log-all/{bad_day}/").status_code == 404
    assert not Entry.objects.exists()


def test_it_needs_a_log_in(client, alice):
    make_routine(alice)
    response = client.post(URL)
    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={URL}")
    assert not Entry.objects.exists()


def test_it_answers_only_post(alice_client, alice):
    make_routine(alice)
    assert alice_client.get(URL).status_code == 405
    assert not Entry.objects.exists()
