"""Secure by default: the headers and cookies of every response, no inline code for the CSP, Argon2 passwords."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tracker import settings as project_settings

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def policy_of(response):
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: values for name, *values in directives}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/day/", "/history/", "/api/v1/docs", "/admin/login/"])
def test_every_page_sends_the_strict_content_security_policy(client, alice, url):
    client.force_login(alice)

    response = client.get(url)

    assert response.status_code == 200
    assert policy_of(response) == POLICY


@pytest.mark.django_db
def test_every_page_refuses_frames_sniffing_referrers_and_openers(client):
    response = client.get("/accounts/login/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_session_and_csrf_cookies_are_http_only_and_same_site(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = response.cookies[name]
        assert (cookie["httponly"], cookie["samesite"]) == (True, "Lax"), name


# No inline code anywhere the CSP would block it: no <script> without src, no style="" and no <style>.

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"""\bstyle\s*=\s*["']|<style\b|\.setAttribute\(\s*["']style["']""", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_CODE = (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER)


def our_files(*patterns):
    folders = [ROOT / "templates", ROOT / "static" / "js", ROOT / "tracker", ROOT / "foods"]
    return sorted(path for folder in folders for pattern in patterns for path in folder.rglob(pattern))


def inline_code(text):
    """What in `text` the CSP would block."""
    return [found.group(0) for pattern in INLINE_CODE if (found := pattern.search(text))]


def test_no_file_of_ours_has_inline_scripts_styles_or_event_handlers():
    files = our_files("*.html", "*.js", "*.py")
    assert len(files) > 100

    offenders = {str(path.relative_to(ROOT)): found for path in files if (found := inline_code(path.read_text()))}

    assert offenders == {}


@pytest.mark.parametrize("inline", [
    "<script>alert(1)</script>",
    '<div style="width: 5%">',
    "<style>p {}</style>",
    "box.setAttribute('style', 'color: red')",
    '<button onclick="go()">',
])
def test_the_search_for_inline_code_finds_each_kind(inline):
    assert inline_code(inline)


def test_the_search_for_inline_code_lets_script_files_and_json_data_through():
    assert not inline_code('<script src="/static/js/item_search.js" defer></script><script type="application/json">')


# Production behaviour, in a fresh process with the production settings (static files from the finders, as
# nothing has been collected here).

PRODUCTION_REQUESTS = """
import json, django
django.setup()
from django.test.utils import override_settings, setup_test_environment
setup_test_environment()
from django.test import Client
storage = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={"default": storage, "staticfiles": storage}):
    plain = Client().get("/accounts/login/")
    secure = Client().get("/accounts/login/", secure=True)
    proxied = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    health = Client().get("/healthz")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "secure": [secure.status_code, secure.get("Strict-Transport-Security"), secure.cookies["csrftoken"]["secure"]],
    "proxied": proxied.status_code,
    "health": [health.status_code, health.get("Location")],
}))
"""


@pytest.fixture(scope="module")
def production_responses():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SECURE_", "ADMIN_PATH"))}
    env.update(DJANGO_ENV="production", SECRET_KEY="p" * 25 + "q" * 25, ALLOWED_HOSTS="tandem.example",
               DJANGO_SETTINGS_MODULE="tracker.settings", DATABASE_URL="sqlite://:memory:")
    result = subprocess.run([sys.executable, "-c", PRODUCTION_REQUESTS], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_production_redirects_plain_http_to_https(production_responses):
    assert production_responses["plain"] == [301, "https://testserver/accounts/login/"]


def test_production_sends_hsts_and_secure_cookies_over_https(production_responses):
    assert production_responses["secure"] == [200, "max-age=31536000; includeSubDomains; preload", True]


def test_production_trusts_the_proxys_word_that_the_request_came_over_https(production_responses):
    assert production_responses["proxied"] == 200


def test_production_lets_a_load_balancer_probe_the_health_check_over_http(production_responses):
    assert production_responses["health"] == [200, None]


# Passwords.


def test_passwords_are_hashed_with_argon2():
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.django_db
def test_a_new_users_password_is_stored_as_argon2(settings, django_user_model):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS

    user = django_user_model.objects.create_user("carol", password=PASSWORD)

    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_password_hashed_before_argon2_still_logs_in_and_is_rehashed(client, settings, django_user_model):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    old_hash = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user = django_user_model.objects.create(username="carol", password=old_hash)
    assert check_password(PASSWORD, old_hash)

    response = client.post("/accounts/login/", {"username": "carol", "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


@pytest.mark.parametrize("password, complaint", [
    ("short1", "too short"),
    ("12345678901", "entirely numeric"),
    ("password123", "too common"),
    ("carolcarol", "too similar"),
])
def test_weak_passwords_are_refused(django_user_model, password, complaint):
    user = django_user_model(username="carolcarol", email="carol@example.com")

    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)

    assert complaint in " ".join(refused.value.messages)
