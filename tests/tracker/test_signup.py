import pytest
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save

from tracker.models import Profile

pytestmark = pytest.mark.django_db

URL = "/accounts/signup/"


def signup_data(**changes):
    data = {
        "username": "carol",
        "email": "carol@example.com",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
    }
    return data | changes


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_it_shows_the_form(client):
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    for name in ("username", "email", "password1", "password2"):
        assert f'name="{name}"' in html


def test_it_creates_the_user_and_their_profile_and_logs_them_in(client):
    response = client.post(URL, signup_data())

    assert response.status_code == 302
    assert response.url == "/day/"
    user = get_user_model().objects.get(username="carol")
    assert user.email == "carol@example.com"
    assert user.check_password("a-long-unusual-passphrase")
    assert logged_in_user_id(client) == str(user.pk)
    profile = Profile.objects.get(user=user)
    assert (profile.vitamin_d_unit, profile.timezone, profile.takes_warfarin) == ("IU", "UTC", False)


def test_it_refuses_mismatched_passwords_and_keeps_what_was_typed(client):
    response = client.post(URL, signup_data(password2="another-long-passphrase"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "The two password fields didn’t match." in html
    assert 'value="carol"' in html
    assert 'value="carol@example.com"' in html
    assert not get_user_model().objects.filter(username="carol").exists()
    assert not Profile.objects.exists()
    assert logged_in_user_id(client) is None


def test_it_refuses_a_taken_username_whatever_its_case(client, alice):
    response = client.post(URL, signup_data(username="Alice"))

    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert 'value="carol@example.com"' in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_it_refuses_an_email_address_already_in_use_whatever_its_case(client, alice):
    response = client.post(URL, signup_data(email="ALICE@example.com"))

    assert response.status_code == 200
    assert "An account with this email address already exists." in response.content.decode()
    assert 'value="carol"' in response.content.decode()
    assert not get_user_model().objects.filter(username="carol").exists()


def test_it_requires_an_email_address(client):
    response = client.post(URL, signup_data(email=""))

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["This field is required."]
    assert not get_user_model().objects.filter(username="carol").exists()


def test_it_refuses_a_weak_password(client):
    response = client.post(URL, signup_data(password1="12345678", password2="12345678"))

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not get_user_model().objects.filter(username="carol").exists()


def test_a_username_taken_between_the_check_and_the_insert_is_a_form_error(client):
    def someone_else_signs_up_first(sender, instance, **kwargs):
        pre_save.disconnect(someone_else_signs_up_first, sender=sender)
        sender.objects.create_user(instance.username, "dave@example.com", "another-long-passphrase")

    pre_save.connect(someone_else_signs_up_first, sender=get_user_model())
    try:
        response = client.post(URL, signup_data())
    finally:
        pre_save.disconnect(someone_else_signs_up_first, sender=get_user_model())

    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert logged_in_user_id(client) is None
    assert not get_user_model().objects.filter(email="carol@example.com").exists()
    assert not Profile.objects.exists()


def test_it_refuses_other_methods(client):
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405
