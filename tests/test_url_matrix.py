"""
Every URL of the app and the API, walked from the URLconf (tests/url_matrix.py), keeps the rules every view
must keep:

- a visitor who is not logged in is sent to log in (pages) or answered 401 with JSON (the API);
- Bob, a second user, gets a 404 for every one of Alice's objects, whatever the method, and changes nothing;
  on the other URLs he sees nothing of hers;
- a GET never writes; a page's POST needs its CSRF token; so does an API write sent with the browser's
  session, while one sent with a bearer token does not.

A new URL is checked as soon as it is in the URLconf. Its path parameters are filled from PATH_PARAMETERS,
and one the table cannot fill fails, saying what to add. Only the URLs in PUBLIC need no log-in. Left out:
- the admin, at whatever path settings give it: it sends visitors to its own log-in page and lets in only
  staff, each to what their group may edit (tests/foods/test_admin.py, tests/foods/test_food_editors.py);
- static files: whitenoise's middleware serves them before any URL is resolved, so no route stands for them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import resolve
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from foods.own_items import user_entry_source
from tests.factories import make_item
from tests.tracker.factories import DAY, log_dose, log_item
from tests.tracker.routine_factories import make_product_routine, pause
from tests.url_matrix import UNSAFE_METHODS, all_routes
from tracker.models import ApiToken, Profile

pytestmark = pytest.mark.django_db

# Put in the name of each of Alice's things, so a page that shows Bob any of them gives itself away.
ALICES_MARK = "alice-only"


@dataclass(frozen=True)
class World:
    """Alice owns one of everything, Bob nothing but his profile; each is logged in (a session) and has an API token."""

    alice: object
    bob: object
    day: object  # a day on which Alice logged a food and a dose
    food_entry: object  # of her own food, in a portion
    dose_entry: object
    own_food: object
    own_supplement: object
    routine: object  # of her own supplement, with a pause
    token: object
    alice_key: str
    bob_key: str
    alice_session: str
    bob_session: str


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, in a transaction rolled back after its last test; each test rolls back its own."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world():
    users = get_user_model().objects
    alice = users.create_user("alice", "alice@example.com", "correct-horse-battery")
    bob = users.create_user("bob", "bob@example.com", "correct-horse-battery")
    for user in (alice, bob):
        Profile.objects.for_user(user)
    source = user_entry_source(alice)
    own_food = make_item(
        f"Granola ({ALICES_MARK})", owner=alice, source=source, values={"fat_g": 12}, portions={"1 bowl": 60}
    )
    own_supplement = make_item(
        f"D3 drops ({ALICES_MARK})", owner=alice, kind="supplement", source=source,
        values={"vitamin_d_ug": 25}, portions={"1 drop": 1},
    )
    routine = make_product_routine(alice, item=own_supplement)
    pause(routine, DAY + timedelta(days=10), DAY + timedelta(days=12))
    token, alice_key = ApiToken.issue(alice, name=f"Phone ({ALICES_MARK})")
    _, bob_key = ApiToken.issue(bob, name="Bob's phone")
    return World(
        alice=alice,
        bob=bob,
        day=DAY,
        food_entry=log_item(alice, own_food, portion=own_food.portions.get(), count=2),
        dose_entry=log_dose(alice, "vitamin_d_ug", 1000, "IU"),
        own_food=own_food,
        own_supplement=own_supplement,
        routine=routine,
        token=token,
        alice_key=alice_key,
        bob_key=bob_key,
        alice_session=_session_of(alice),
        bob_session=_session_of(bob),
    )


def _session_of(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@dataclass(frozen=True)
class Fill:
    value: Callable[[World], object]
    is_alices: bool  # the value names one of Alice's objects (Bob must get a 404), not just a day


def alices(value):
    return Fill(value, is_alices=True)


def plain(value):
    return Fill(value, is_alices=False)


# Each path parameter, as "<the literal segment before it>/<its name>", and what fills it.
PATH_PARAMETERS = {
    # Pages
    "day/<day>": plain(lambda world: world.day),
    "log/<day>": plain(lambda world: world.day),
    "log-all/<day>": plain(lambda world: world.day),
    "entries/<pk>": alices(lambda world: world.food_entry.pk),
    "routines/<pk>": alices(lambda world: world.routine.pk),
    "my-foods/<pk>": alices(lambda world: world.own_food.pk),
    "foods/<pk>": alices(lambda world: world.own_food.pk),
    "tokens/<pk>": alices(lambda world: world.token.pk),
    "reset/<uidb64>": plain(lambda world: urlsafe_base64_encode(force_bytes(world.alice.pk))),
    "reset/<token>": plain(lambda world: default_token_generator.make_token(world.alice)),
    # API
    "entries/<entry_id>": alices(lambda world: world.food_entry.pk),
    "own-items/<item_id>": alices(lambda world: world.own_food.pk),
    "routines/<routine_id>": alices(lambda world: world.routine.pk),
    "days/<date>": plain(lambda world: world.day.isoformat()),
}

# The URLs anyone may open without logging in, each with why.
PUBLIC = {
    "home": "the landing page",
    "healthz": "a load balancer or a monitor asks it whether this server can serve; it shows no data",
    "signup": "signing up is how one gets an account",
    "login": "logging in",
    "password_reset": "asking for a reset link is for those who cannot log in",
    "password_reset_done": "says the reset link was sent",
    "password_reset_confirm": "the reset link itself: its token is the proof",
    "password_reset_complete": "says the password was reset",
    "api:api-root": "django-ninja's marker for the API's root: a 404, pointing at the docs",
    "api:openapi-json": "the API's schema describes it; it shows no data",
    "api:openapi-view": "the API's docs describe it; they show no data",
    "api:issue_token": "trades a username and password for a token, so the caller has neither session nor token",
}

# Query strings that make a list URL show something, for the check that Bob sees nothing of Alice's.
EXAMPLE_QUERIES = {
    "items/search/": {"q": "granola"},
    "foods/": {"q": "granola"},
    "api/v1/foods": {"q": "granola"},
    "api/v1/entries": {"date": DAY.isoformat()},
}

ROUTES = [route for route in all_routes() if not route.is_admin]
PAGES = [route for route in ROUTES if not route.is_api]
API = [route for route in ROUTES if route.is_api]


def _is_public(route):
    return all(name in PUBLIC for name in route.names)


def _holds_alices_object(route):
    """True for a route with a parameter naming one of Alice's objects, or one the table cannot fill (so it fails)."""
    fills = [PATH_PARAMETERS.get(key) for key in route.parameter_keys().values()]
    return any(fill is None or fill.is_alices for fill in fills)


def url_of(route, world):
    if route.is_regex:
        pytest.fail(f"{route} is a regular expression: write it with path() so the matrix can fill it.")
    values = {}
    for name, key in route.parameter_keys().items():
        if key not in PATH_PARAMETERS:
            pytest.fail(f"{route}: nothing fills {key!r}. Add it to PATH_PARAMETERS in {__name__}.")
        values[name] = PATH_PARAMETERS[key].value(world)
    return route.url(values)


def client_for(session=None, *, csrf_checks=False):
    client = Client(enforce_csrf_checks=csrf_checks)
    if session:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    return client


def bearer(key):
    """The header of an API call with a token; the token was used a moment ago, so the call notes nothing."""
    ApiToken.objects.filter(digest=ApiToken.digest_of(key)).update(last_used=timezone.now())
    return {"Authorization": f"Bearer {key}"}


def send(client, method, url, *, json=False, headers=None):
    """A request with an empty body: an empty JSON object for the API, an empty form for a page."""
    if method == "GET":
        return client.get(url, headers=headers)
    if json:
        return client.generic(method, url, "{}", content_type="application/json", headers=headers)
    return client.generic(method, url, "", content_type="application/x-www-form-urlencoded", headers=headers)


def allowed_methods(client, url, *, headers=None):
    """The methods a URL takes, unsafe ones last and DELETE the very last, from the Allow header OPTIONS gets."""
    allow = client.options(url, headers=headers).headers.get("Allow")
    assert allow, f"{url} does not say which methods it takes: declare them (@require_http_methods or @require_GET)."
    methods = {method.strip().upper() for method in allow.split(",")}
    return [method for method in ("GET", *UNSAFE_METHODS) if method in methods]


def database_rows():
    """Every row of every table but the sessions', to tell that a request wrote nothing."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model is not Session and model._meta.managed and not model._meta.proxy
    }


def changed_tables(before, after):
    return sorted(label for label in before.keys() | after.keys() if before.get(label) != after.get(label))


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_it_walks_every_url_of_the_app_and_the_api():
    names = {name for route in ROUTES for name in route.names}
    assert {"tracker:entry_edit", "routines:log", "own_items:delete", "api_token_revoke"} <= names
    assert {"api:update_entry", "api:log_dose", "api:openapi-json"} <= names


def test_it_leaves_out_only_the_admin():
    left_out = [route for route in all_routes() if route not in ROUTES]
    assert left_out
    assert all(route.namespace.split(":")[0] == "admin" for route in left_out)


def test_it_lists_only_public_urls_that_exist():
    assert set(PUBLIC) <= {name for route in ROUTES for name in route.names}


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_it_fills_every_url_from_the_table(world, route):
    url = url_of(route, world)
    assert resolve(urlsplit(url).path).route == route.path


@pytest.mark.parametrize("route", [route for route in ROUTES if _is_public(route)], ids=str)
def test_it_opens_public_urls_without_a_log_in(world, route):
    response = client_for().get(url_of(route, world))
    assert response.status_code < 500
    assert response.status_code != 401
    assert not response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("route", [route for route in PAGES if not _is_public(route)], ids=str)
def test_it_sends_anonymous_visitors_to_log_in(world, route):
    url = url_of(route, world)
    response = client_for().get(url)
    assert response.status_code == 302
    location = urlsplit(response.url)
    assert location.path == resolve_url(settings.LOGIN_URL)
    assert parse_qs(location.query)["next"] == [url]


@pytest.mark.parametrize("route", [route for route in API if not _is_public(route)], ids=str)
def test_it_answers_anonymous_api_calls_401(world, route):
    url = url_of(route, world)
    client = client_for()
    for method in allowed_methods(client, url):
        response = send(client, method, url, json=True)
        assert response.status_code == 401, method
        assert response.headers["Content-Type"].startswith("application/json"), method
        assert response.json(), method


@pytest.mark.parametrize("route", [route for route in ROUTES if _holds_alices_object(route)], ids=str)
def test_it_answers_bob_404_for_alices_objects(world, route):
    url = url_of(route, world)
    client = client_for(world.bob_session)
    headers = bearer(world.bob_key) if route.is_api else None
    for method in allowed_methods(client, url, headers=headers):
        before = database_rows()
        response = send(client, method, url, json=route.is_api, headers=headers)
        assert response.status_code == 404, method
        assert changed_tables(before, database_rows()) == [], method


@pytest.mark.parametrize("route", [route for route in ROUTES if not _holds_alices_object(route)], ids=str)
def test_it_shows_bob_nothing_of_alices(world, route):
    url = url_of(route, world)
    headers = bearer(world.bob_key) if route.is_api else None
    response = client_for(world.bob_session).get(url, EXAMPLE_QUERIES.get(route.path), headers=headers)
    assert response.status_code < 500
    assert ALICES_MARK.encode() not in body(response)


# Where Alice's own things show: the check above would catch them shown to Bob.
ALICES_LISTS = [
    "day/<day:day>/", "my-foods/", "routines/", "items/search/", "foods/", "history/export/entries.csv",
    "accounts/profile/", "accounts/data.json", "api/v1/entries", "api/v1/own-items", "api/v1/routines", "api/v1/foods",
]


@pytest.mark.parametrize("path", ALICES_LISTS)
def test_it_finds_alices_mark_where_she_looks(world, path):
    """The check above can fail: the same requests made by Alice show her mark."""
    route = next(route for route in ROUTES if route.path == path)
    headers = bearer(world.alice_key) if route.is_api else None
    response = client_for(world.alice_session).get(url_of(route, world), EXAMPLE_QUERIES.get(path), headers=headers)
    assert response.status_code == 200
    assert ALICES_MARK.encode() in body(response)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_it_never_writes_on_a_get(world, route):
    """A GET shows a page or a form, or is refused; it never changes a row (a form page's GET is fine)."""
    url = url_of(route, world)
    headers = bearer(world.alice_key) if route.is_api else None
    before = database_rows()
    response = client_for(world.alice_session).get(url, headers=headers)
    assert response.status_code < 500
    assert changed_tables(before, database_rows()) == []


@pytest.mark.parametrize("route", PAGES, ids=str)
def test_it_refuses_a_page_post_without_its_csrf_token(world, route):
    """Whether the page takes a POST or not: the CSRF check comes first."""
    url = url_of(route, world)
    before = database_rows()
    assert client_for(world.alice_session, csrf_checks=True).post(url).status_code == 403
    assert changed_tables(before, database_rows()) == []


@pytest.mark.parametrize("route", [route for route in API if not _is_public(route)], ids=str)
def test_it_refuses_a_session_api_write_without_its_csrf_token(world, route):
    url = url_of(route, world)
    client = client_for(world.alice_session, csrf_checks=True)
    for method in allowed_methods(client, url):
        if method in UNSAFE_METHODS:
            before = database_rows()
            assert send(client, method, url, json=True).status_code == 403, method
            assert changed_tables(before, database_rows()) == [], method


@pytest.mark.parametrize("route", [route for route in API if not _is_public(route)], ids=str)
def test_it_takes_a_token_api_write_without_a_csrf_token(world, route):
    """A bearer token cannot be sent by another site's form, so it needs no CSRF token (what it writes rolls back)."""
    url = url_of(route, world)
    client = client_for(csrf_checks=True)
    headers = bearer(world.alice_key)
    for method in allowed_methods(client, url, headers=headers):
        if method in UNSAFE_METHODS:
            response = send(client, method, url, json=True, headers=headers)
            assert response.status_code not in (401, 403), method
            assert response.status_code < 500, method
