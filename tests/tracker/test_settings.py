"""The settings read the environment; production refuses to start when unsafe."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage_check(**env):
    clean = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")}
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_development_starts_with_no_variables_set():
    assert manage_check().returncode == 0


def test_production_refuses_to_start_without_a_secret_key():
    result = manage_check(DJANGO_ENV="production", ALLOWED_HOSTS="tandem.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = manage_check(DJANGO_ENV="production", SECRET_KEY="x" * 50, DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_production_starts_when_configured():
    result = manage_check(DJANGO_ENV="production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="tandem.example")
    assert result.returncode == 0, result.stderr


def test_an_unknown_environment_name_is_refused():
    result = manage_check(DJANGO_ENV="staging")
    assert "DJANGO_ENV must be 'development' or 'production'" in result.stderr


def test_the_database_comes_from_database_url():
    from django.conf import settings

    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite3"
    assert settings.DATABASES["default"]["ENGINE"].endswith(expected)
