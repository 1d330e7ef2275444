"""
What every benchmark needs: a database of its own and Django set up on it.

    url, remove = prepare_database(url)   # postgres://.../bench_x is dropped and made anew
    setup_django(url)                      # settings, migrations
    ...
    remove()

The project's own db.sqlite3 is never touched. A benchmark of pages also finds here the baseline they are
measured against, entries saved in bulk, and timed requests that count their queries.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
BASELINE_PATH = "/bench/ok/"


def prepare_database(url, prefix="bench", scratch="bench_"):
    """
    Create a fresh database; return (url to use, function that removes it). A PostgreSQL database is
    dropped and made anew only if its name starts with `scratch`; sqlite:/// is a file in a temporary
    directory named after `prefix`.
    """
    parts = urlsplit(url)
    if parts.scheme.startswith("postgres"):
        import psycopg

        name = parts.path.lstrip("/")
        if not name.startswith(scratch):
            sys.exit(f"Refusing to drop and recreate {name!r}: a scratch database's name starts with {scratch}.")
        admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))

        def run(sql):
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(sql)

        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        run(f'CREATE DATABASE "{name}"')
        return url, lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    if parts.scheme == "sqlite":
        path = Path(parts.path[1:]) if parts.path not in ("", "/") else None
        if path is None:
            directory = tempfile.TemporaryDirectory(prefix=f"{prefix}_")
            return f"sqlite:///{Path(directory.name) / 'bench.sqlite3'}", directory.cleanup
        if path.resolve() == (REPO / "db.sqlite3").resolve():
            sys.exit("Refusing to use the project's db.sqlite3.")
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)

    sys.exit(f"Unsupported database URL {url!r}: use postgres://... or sqlite:///...")


def setup_django(url, with_baseline=False):
    """
    Point Django at `url`, set it up and migrate. `with_baseline` also serves the baseline view at
    BASELINE_PATH beside the app's URLs (the URLconf bench/baseline_urls.py).
    """
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    sys.path.insert(0, str(REPO))
    import django
    from django.conf import settings

    if with_baseline:
        settings.ROOT_URLCONF = "baseline_urls"
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def baseline_view(request):
    """What a page is measured against: a view that returns "ok" behind the same middleware, session and log-in."""
    from django.http import HttpResponse

    return HttpResponse("ok")


def make_accounts(count, password="bench-password-1"):
    """`count` users, each with an API token: a list of (username, password, token key)."""
    from django.contrib.auth import get_user_model

    from tracker.models import ApiToken

    accounts = []
    for number in range(count):
        user = get_user_model().objects.create_user(f"client{number}", password=password)
        accounts.append((user.username, password, ApiToken.issue(user, name="bench")[1]))
    return accounts


def catalog_natto_id():
    """The seed catalog's natto (load_catalog): the food the benches' clients log."""
    from foods.models import Item

    return Item.objects.get(name__istartswith="natto", owner=None).pk


def log_days(first_day, last_day, entries_of):
    """Save the entries `entries_of(day)` makes, unsaved, for each day from `first_day` to `last_day`; how many."""
    from tracker.models import Entry

    batch, count = [], 0
    day = first_day
    while day <= last_day:
        batch.extend(entries_of(day))
        if len(batch) >= 5000:
            Entry.objects.bulk_create(batch)
            count, batch = count + len(batch), []
        day += timedelta(days=1)
    Entry.objects.bulk_create(batch)
    return count + len(batch)


def logged_in_client(user):
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def get(client, path):
    """Request `path` and read the whole body, streamed or not; its size in bytes."""
    response = client.get(path)
    if response.status_code != 200:
        sys.exit(f"GET {path} answered {response.status_code}")
    if response.streaming:
        return sum(len(piece) for piece in response.streaming_content)
    return len(response.content)


def timed_get(client, path):
    """Request and read `path`: (milliseconds, SQL queries, bytes)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the query log keeps 9,000 queries: a full log would count nothing new
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        size = get(client, path)
        milliseconds = (time.perf_counter() - started) * 1000
    return milliseconds, len(captured), size


def p95(samples):
    """The 95th percentile."""
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def median(samples):
    return statistics.median(samples)
