"""Every page needs a log-in but the landing page, sign-up, log-in and password reset."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/accounts/signup/", "/accounts/login/", "/accounts/password_reset/"])
def test_public_pages_open_without_a_log_in(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url", ["/day/", "/day/2026-11-20/", "/foods/", "/my-foods/", "/accounts/profile/", "/items/search/?q=nat"]
)
def test_every_other_page_sends_visitors_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_the_admin_sends_visitors_to_its_own_log_in(client):
    response = client.get("/admin/foods/item/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
