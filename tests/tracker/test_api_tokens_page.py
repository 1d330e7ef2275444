import datetime
import re

import pytest
from django.test import Client

from tests.api.conftest import ApiClient
from tracker.models import ApiToken, Profile

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"
NEW = "/accounts/profile/tokens/new/"
CREATED = "/accounts/profile/tokens/created/"


def api_with(key):
    """A client of its own: alice_client's session would let a revoked key's call through."""
    return ApiClient(Client(), key)


def revoke_url(token):
    return f"/accounts/profile/tokens/{token.pk}/revoke/"


def token_rows(html):
    """(name, key prefix, created, last used) of each token listed on the profile page."""
    rows = re.findall(r'<tr class="api-token".*?</tr>', html, re.S)
    return [
        tuple(re.search(rf'class="{cell}">(.*?)<', row, re.S).group(1).strip()
              for cell in ("token-name", "token-prefix", "token-created", "token-last-used"))
        for row in rows
    ]


def test_it_lists_the_users_tokens_newest_first_in_their_time_zone(alice_client, alice, bob):
    Profile.objects.filter(pk=Profile.objects.for_user(alice).pk).update(timezone="Asia/Tokyo")
    laptop, _ = ApiToken.issue(alice, name="laptop")
    phone, _ = ApiToken.issue(alice, name="phone")
    ApiToken.issue(bob, name="bob's script")
    noon_utc = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
    ApiToken.objects.filter(pk=laptop.pk).update(created=noon_utc - datetime.timedelta(days=1), last_used=noon_utc)
    ApiToken.objects.filter(pk=phone.pk).update(created=noon_utc)

    html = alice_client.get(PROFILE).content.decode()

    assert token_rows(html) == [
        ("phone", f"{phone.prefix}…", "20 Nov 2026 21:00", "never"),
        ("laptop", f"{laptop.prefix}…", "19 Nov 2026 21:00", "20 Nov 2026 21:00"),
    ]
    assert f'href="{revoke_url(phone)}"' in html
    assert "bob&#x27;s script" not in html


def test_it_says_when_there_are_no_tokens_and_links_to_the_api_docs(alice_client):
    html = alice_client.get(PROFILE).content.decode()

    assert 'id="no-api-tokens"' in html
    assert 'href="/api/v1/docs"' in html
    assert f'action="{NEW}"' in html


def test_it_creates_a_named_token_and_shows_its_key_once(alice_client, alice):
    response = alice_client.post(NEW, {"name": "laptop"})

    assert response.status_code == 302
    assert response.url == CREATED
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (alice, "laptop")

    page = alice_client.get(CREATED)
    html = page.content.decode()
    key = re.search(r'<code[^>]*id="new-api-key">([^<]+)</code>', html).group(1)
    assert "copy it now, it will not be shown again" in html.lower()
    assert "no-store" in page["Cache-Control"]
    assert ApiToken.digest_of(key) == token.digest
    assert api_with(key).get("/foods").status_code == 200

    again = alice_client.get(CREATED, follow=True)
    assert key not in again.content.decode()
    assert "shown only once" in again.content.decode()


def test_the_created_page_without_a_new_token_sends_back_to_the_profile(alice_client):
    response = alice_client.get(CREATED)

    assert response.status_code == 302
    assert response.url == PROFILE


def test_a_token_needs_a_name(alice_client):
    response = alice_client.post(NEW, {"name": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_too_long_name_is_a_form_error(alice_client):
    response = alice_client.post(NEW, {"name": "x" * 101})

    assert response.status_code == 200
    assert "at most 100 characters" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_asks_before_revoking(alice_client, alice):
    token, _ = ApiToken.issue(alice, name="laptop")

    response = alice_client.get(revoke_url(token))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Revoke this token?" in html
    assert f"{token.prefix}…" in html
    assert f'action="{revoke_url(token)}"' in html
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_it_revokes_a_token_and_the_key_stops_working(alice_client, alice):
    token, key = ApiToken.issue(alice, name="laptop")
    kept, _ = ApiToken.issue(alice, name="phone")

    response = alice_client.post(revoke_url(token))

    assert response.status_code == 302
    assert response.url == PROFILE
    assert list(ApiToken.objects.all()) == [kept]
    assert "Revoked the token" in alice_client.get(PROFILE).content.decode()
    assert api_with(key).get("/foods").status_code == 401


def test_another_users_token_is_a_404(alice_client, bob):
    token, _ = ApiToken.issue(bob, name="bob's script")

    assert alice_client.get(revoke_url(token)).status_code == 404
    assert alice_client.post(revoke_url(token)).status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.parametrize("pk", [0, 2**63, 10**30])
def test_an_id_out_of_range_is_a_404(alice_client, pk):
    assert alice_client.post(f"/accounts/profile/tokens/{pk}/revoke/").status_code == 404


@pytest.mark.parametrize("url", [NEW, CREATED, "/accounts/profile/tokens/1/revoke/"])
def test_it_needs_a_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"


def test_anonymous_posts_create_and_revoke_nothing(client, alice):
    token, _ = ApiToken.issue(alice)

    assert client.post(NEW, {"name": "x"}).status_code == 302
    assert client.post(revoke_url(token)).status_code == 302
    assert list(ApiToken.objects.all()) == [token]


@pytest.mark.parametrize("method, url", [
    ("put", NEW), ("post", CREATED), ("delete", "/accounts/profile/tokens/1/revoke/"),
])
def test_wrong_methods_are_a_405(alice_client, method, url):
    assert getattr(alice_client, method)(url).status_code == 405


def test_the_created_page_shows_only_the_callers_own_new_token(alice_client, alice, bob):
    bobs, _ = ApiToken.issue(bob)
    session = alice_client.session
    session["new_api_token"] = {"id": bobs.pk, "key": "not-alices"}
    session.save()

    response = alice_client.get(CREATED)

    assert response.status_code == 302
    assert response.url == PROFILE


def test_last_used_is_shown_after_an_api_call(alice_client, alice):
    _, key = ApiToken.issue(alice, name="laptop")
    api_with(key).get("/foods")

    (row,) = token_rows(alice_client.get(PROFILE).content.decode())

    assert row[3] != "never"
