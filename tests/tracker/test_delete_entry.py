import pytest

from tests.tracker.factories import log_dose, log_item, make_natto
from tracker.models import Entry

pytestmark = pytest.mark.django_db


def delete_url(entry):
    return f"/entries/{entry.pk}/delete/"


def test_it_asks_before_deleting(alice_client, alice):
    entry = log_item(alice, make_natto(), grams=20, meal="lunch")

    response = alice_client.get(delete_url(entry))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Delete this entry?" in html
    assert "<strong>20 g Natto</strong>" in html
    assert f'<form method="post" action="{delete_url(entry)}">' in html
    assert Entry.objects.exists()


def test_it_deletes_on_post_and_goes_back_to_the_day(alice_client, alice):
    entry = log_dose(alice, "vitamin_d_ug", 2000, "IU")
    kept = log_item(alice, make_natto(), grams=20)

    response = alice_client.post(delete_url(entry))

    assert response.status_code == 302
    assert response.url == "/day/2026-11-20/"
    assert list(Entry.objects.all()) == [kept]


def test_it_says_what_was_deleted(alice_client, alice):
    entry = log_item(alice, make_natto(), grams=20)
    response = alice_client.post(delete_url(entry), follow=True)
    assert "Deleted Natto, 20 g, in Breakfast." in response.content.decode()


def test_another_users_entry_is_a_404(alice_client, bob):
    entry = log_item(bob, make_natto(), grams=20)

    assert alice_client.get(delete_url(entry)).status_code == 404
    assert alice_client.post(delete_url(entry)).status_code == 404
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_an_entry_already_deleted_is_a_404(alice_client, alice):
    entry = log_item(alice, make_natto(), grams=20)
    alice_client.post(delete_url(entry))
    assert alice_client.post(delete_url(entry)).status_code == 404


def test_it_needs_a_log_in(client, alice):
    entry = log_item(alice, make_natto(), grams=20)

    for response in (client.get(delete_url(entry)), client.post(delete_url(entry))):
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={delete_url(entry)}"
    assert Entry.objects.exists()


def test_it_answers_only_get_and_post(alice_client, alice):
    entry = log_item(alice, make_natto(), grams=20)

    assert alice_client.delete(delete_url(entry)).status_code == 405
    assert alice_client.put(delete_url(entry)).status_code == 405
    assert Entry.objects.exists()
