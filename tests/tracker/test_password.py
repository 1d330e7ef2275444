import re

import pytest
from django.contrib.auth import SESSION_KEY

pytestmark = pytest.mark.django_db

CHANGE = "/accounts/password_change/"
RESET = "/accounts/password_reset/"
NEW_PASSWORD = "a-brand-new-passphrase"


def reset_link(email):
    match = re.search(r"http://testserver(/accounts/reset/\S+/)", email.body)
    assert match, email.body
    return match.group(1)


def test_it_shows_the_change_form(client, alice):
    client.force_login(alice)

    response = client.get(CHANGE)

    assert response.status_code == 200
    assert 'name="old_password"' in response.content.decode()


def test_it_changes_the_password_and_keeps_the_user_logged_in(client, alice):
    client.force_login(alice)

    response = client.post(
        CHANGE,
        {"old_password": "correct-horse-battery", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == "/accounts/password_change/done/"
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert client.get(response.url).status_code == 200
    assert client.session[SESSION_KEY] == str(alice.pk)


def test_a_wrong_old_password_changes_nothing(client, alice):
    client.force_login(alice)

    response = client.post(
        CHANGE, {"old_password": "wrong-horse", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("correct-horse-battery")


def test_changing_the_password_needs_a_log_in(client):
    response = client.get(CHANGE)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={CHANGE}"


def test_it_emails_a_reset_link_that_sets_a_new_password(client, alice, mailoutbox):
    response = client.post(RESET, {"email": "alice@example.com"})

    assert response.status_code == 302
    assert response.url == "/accounts/password_reset/done/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.com"]
    assert "alice" in mailoutbox[0].body

    form_page = client.get(reset_link(mailoutbox[0]), follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]

    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done.url == "/accounts/reset/done/"
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


def test_a_reset_link_works_only_once(client, alice, mailoutbox):
    client.post(RESET, {"email": "alice@example.com"})
    link = reset_link(mailoutbox[0])
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = client.get(link, follow=True)

    assert again.context["validlink"] is False
    assert "This link no longer works" in again.content.decode()


def test_a_mismatched_new_password_is_a_form_error(client, alice, mailoutbox):
    client.post(RESET, {"email": "alice@example.com"})
    set_password_url = client.get(reset_link(mailoutbox[0]), follow=True).redirect_chain[-1][0]

    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": "something-else"})

    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("correct-horse-battery")


def test_an_unknown_address_gets_no_mail_and_the_same_answer(client, alice, mailoutbox):
    response = client.post(RESET, {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert response.url == "/accounts/password_reset/done/"
    assert mailoutbox == []


def test_the_reset_works_for_anonymous_visitors_when_every_other_page_needs_a_log_in(
    client, alice, mailoutbox, settings
):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]

    client.post(RESET, {"email": "alice@example.com"})
    set_password_url = client.get(reset_link(mailoutbox[0]), follow=True).redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.url == "/accounts/reset/done/"
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
