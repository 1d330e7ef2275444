import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from foods.models import Item, NutrientValue, Portion, Source
from tests.api.conftest import ApiClient
from tests.tracker.account_world import give_everything, make_own_bar
from tests.tracker.factories import DAY, log_item, make_natto
from tests.tracker.pages import element, html_of, text
from tracker.account_data import delete_account
from tracker.models import ApiToken, Entry, Profile, Routine, RoutinePause

pytestmark = pytest.mark.django_db

URL = "/accounts/delete/"
PASSWORD = "correct-horse-battery"  # tests/conftest.py


def users():
    return set(get_user_model().objects.values_list("username", flat=True))


def rows_of(user):
    """How many rows of each kind `user` has."""
    return {
        "entries": Entry.objects.filter(user=user).count(),
        "routines": Routine.objects.filter(user=user).count(),
        "pauses": RoutinePause.objects.filter(routine__user=user).count(),
        "own items": Item.objects.filter(owner=user).count(),
        "values": NutrientValue.objects.filter(item__owner=user).count(),
        "portions": Portion.objects.filter(item__owner=user).count(),
        "tokens": ApiToken.objects.filter(user=user).count(),
        "profiles": Profile.objects.filter(user=user).count(),
    }


NOTHING = dict.fromkeys(["entries", "routines", "pauses", "own items", "values", "portions", "tokens", "profiles"], 0)


# The page


def test_it_says_what_goes_and_asks_for_the_password(alice_client, alice):
    give_everything(alice)

    html = html_of(alice_client.get(URL))

    assert text(element(html, "what-goes")).startswith(
        "This deletes the account alice with your 4 entries, 1 routine, 1 own item, 1 API token,"
    )
    assert 'name="password"' in html and 'type="password"' in html


def test_it_deletes_the_account_and_everything_in_it_logs_out_and_says_so(alice_client, alice):
    give_everything(alice)
    own_item_ids = list(Item.objects.filter(owner=alice).values_list("pk", flat=True))

    response = alice_client.post(URL, {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert "The account alice and everything in it are deleted." in text(response.content.decode())
    assert "alice" not in users()
    assert rows_of(alice) == NOTHING
    assert not Item.objects.filter(pk__in=own_item_ids).exists()
    assert alice_client.get("/day/").status_code == 302  # logged out: sent to log in


def test_a_wrong_password_deletes_nothing(alice_client, alice):
    give_everything(alice)
    before = rows_of(alice)

    response = alice_client.post(URL, {"password": "not-it"})

    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert rows_of(alice) == before and "alice" in users()


@pytest.mark.parametrize("data", [{}, {"password": ""}, {"password": "\x00"}, {"password": "x" * 10_000}])
def test_no_password_or_nonsense_deletes_nothing(alice_client, alice, data):
    response = alice_client.post(URL, data)

    assert response.status_code == 200
    assert "alice" in users()


def test_anonymous_visitors_are_sent_to_log_in(client):
    for response in (client.get(URL), client.post(URL, {"password": PASSWORD})):
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_it_takes_only_get_and_post(alice_client):
    assert alice_client.put(URL).status_code == 405
    assert alice_client.delete(URL).status_code == 405


def test_bob_can_only_delete_himself(client, alice, bob):
    give_everything(alice)
    before = rows_of(alice)
    client.force_login(bob)

    client.post(URL, {"password": PASSWORD})

    assert users() == {"alice"}
    assert rows_of(alice) == before


def test_the_deleted_accounts_api_token_no_longer_works(client, alice):
    key = give_everything(alice).key
    delete_account(alice)

    assert ApiClient(Client(), key).get("/entries", date=DAY.isoformat()).status_code == 401


# What deleting leaves alone


def catalog():
    """Every catalog item with its values and portions."""
    return {
        (item.pk, item.name): (
            sorted((value.nutrient, value.amount, value.source_id) for value in item.nutrient_values.all()),
            sorted((portion.label, portion.grams, portion.units) for portion in item.portions.all()),
        )
        for item in Item.objects.filter(owner=None)
    }


def test_catalog_items_and_other_people_stay_as_they_were(alice, bob):
    natto = make_natto()
    give_everything(alice, natto=natto)
    give_everything(bob, natto=natto)
    bobs_before = rows_of(bob)
    catalog_before = catalog()

    delete_account(alice)

    assert rows_of(bob) == bobs_before
    assert catalog() == catalog_before


def test_it_forgets_the_history_of_own_items_and_the_source_of_typed_values(alice):
    gone_before = make_own_bar(alice, name="An item deleted earlier")
    gone_before_id = gone_before.pk
    gone_before.delete()
    give_everything(alice)
    owned_ids = {gone_before_id, *Item.history.filter(owner_id=alice.pk).values_list("id", flat=True)}

    delete_account(alice)

    assert not Item.history.filter(id__in=owned_ids).exists()
    assert not NutrientValue.history.filter(item_id__in=owned_ids).exists()
    assert not Portion.history.filter(item_id__in=owned_ids).exists()
    assert not Source.objects.filter(key=f"user-{alice.pk}").exists()
    assert not Source.history.filter(citation__contains="alice").exists()


def test_an_own_item_someone_else_logged_stays_for_their_log_in_the_catalog(alice, bob):
    """Only a catalog item can be in bob's log: this one was in the catalog when he logged it, and staff gave it
    to alice since."""
    shared = make_own_bar(alice, name="Bar once in the catalog")
    Item.objects.filter(pk=shared.pk).update(owner=None)
    bobs = log_item(bob, Item.objects.get(pk=shared.pk), grams=40)
    Item.objects.filter(pk=shared.pk).update(owner=alice)

    delete_account(alice)

    shared.refresh_from_db()
    assert shared.owner is None
    assert Entry.objects.get(pk=bobs.pk).item == shared
    assert shared.nutrient_values.count() == 2
    source = shared.nutrient_values.first().source
    assert source.citation == "Entered by a former user from a product label"
    assert not Source.history.filter(citation__contains="alice").exists()
