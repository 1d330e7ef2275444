"""
What every benchmark needs: a database of its own and Django set up on it.

    url, remove = prepare_database(url)   # postgres://.../bench_x is dropped and made anew
    setup_django(url)                      # settings, migrations
    ...
    remove()

The project's own db.sqlite3 is never touched.
"""

import os
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent


def prepare_database(url, prefix="bench"):
    """Create a fresh bench database; return (url to use, function that removes it)."""
    parts = urlsplit(url)
    if parts.scheme.startswith("postgres"):
        import psycopg

        name = parts.path.lstrip("/")
        if not name.startswith("bench_"):
            sys.exit(f"Refusing to drop and recreate {name!r}: a bench database's name starts with bench_.")
        admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))

        def run(sql):
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(sql)

        run(f'DROP DATABASE IF EXISTS "{name}"')
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


def setup_django(url, urlconf=None):
    """Point Django at `url` (and optionally a bench URLconf), set it up and migrate."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    sys.path.insert(0, str(REPO))
    import django
    from django.conf import settings

    if urlconf:
        settings.ROOT_URLCONF = urlconf
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def p95(samples):
    """The 95th percentile."""
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def median(samples):
    return statistics.median(samples)
