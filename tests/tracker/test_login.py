import pytest
from django.contrib.auth import SESSION_KEY

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
PUBLIC_PAGES = [
    LOGIN,
    "/accounts/signup/",
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/done/",
]


def test_it_shows_the_log_in_form_with_links_to_sign_up_and_reset(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert 'href="/accounts/signup/"' in html
    assert 'href="/accounts/password_reset/"' in html


def test_it_logs_in_and_goes_to_the_day_page(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": "correct-horse-battery"})

    assert response.status_code == 302
    assert response.url == "/day/"
    assert client.session[SESSION_KEY] == str(alice.pk)


def test_it_goes_back_to_the_page_that_asked_for_a_log_in(client, alice):
    response = client.post(
        LOGIN, {"username": "alice", "password": "correct-horse-battery", "next": "/accounts/profile/"}
    )

    assert response.url == "/accounts/profile/"


def test_it_does_not_follow_a_next_to_another_site(client, alice):
    response = client.post(
        LOGIN, {"username": "alice", "password": "correct-horse-battery", "next": "https://evil.example/"}
    )

    assert response.url == "/day/"


def test_a_wrong_password_is_a_form_error_and_keeps_the_username(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": "wrong-horse"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a correct username and password." in html
    assert 'value="alice"' in html
    assert SESSION_KEY not in client.session


def test_it_logs_out_on_post(client, alice):
    client.force_login(alice)

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response.url == "/"
    assert SESSION_KEY not in client.session


def test_log_out_by_get_is_refused(client, alice):
    client.force_login(alice)

    response = client.get(LOGOUT)

    assert response.status_code == 405
    assert client.session[SESSION_KEY] == str(alice.pk)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_stay_open_when_every_other_page_needs_a_log_in(client, settings, url):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]

    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/accounts/profile/", "/accounts/password_change/"])
def test_private_pages_send_anonymous_visitors_to_log_in(client, settings, url):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={url}"
