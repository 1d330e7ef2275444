"""The settings read the environment; production refuses to start when unsafe."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# Settings the tests set themselves: whatever the shell running them has set must not leak in. Nor must the
# end-to-end tests' DJANGO_ALLOW_ASYNC_UNSAFE, which the deployment checks refuse.
SET_BY_TESTS = (
    "DJANGO_ENV", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "TRUSTED_PROXY_COUNT", "ADMIN_PATH",
    "DJANGO_ALLOW_ASYNC_UNSAFE", "CONN_MAX_AGE", "REDIS_URL", "DATABASE_REPLICA_URL",
)
PRODUCTION = {"DJANGO_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "tandem.example"}


def clean_environment(**env):
    return {**{k: v for k, v in os.environ.items() if k not in SET_BY_TESTS}, **env}


def manage_check(*options, **env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", *options], cwd=ROOT, env=clean_environment(**env),
        capture_output=True, text=True,
    )


def settings_in(*names, **env):
    """The values of these settings in a fresh process with this environment."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
        env=clean_environment(DJANGO_SETTINGS_MODULE="tracker.settings", **env),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


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


def test_production_passes_the_deployment_checks_without_a_warning():
    result = manage_check("--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("weakened, warning", [
    ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
    ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
    ({"SECURE_HSTS_PRELOAD": "false"}, "security.W021"),
    ({"SECRET_KEY": "too-short"}, "security.W009"),
])
def test_the_deployment_checks_fail_on_a_weakened_setting(weakened, warning):
    result = manage_check("--deploy", "--fail-level", "WARNING", **{**PRODUCTION, **weakened})

    assert result.returncode != 0
    assert warning in result.stderr


def test_production_is_https_only_with_a_year_of_hsts_by_default():
    assert settings_in(
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", **PRODUCTION,
    ) == {
        "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
    }


def test_production_hsts_and_redirect_come_from_the_environment():
    assert settings_in(
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
        SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="600", SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        SECURE_HSTS_PRELOAD="false", **PRODUCTION,
    ) == {
        "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 600, "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
    }


def test_development_serves_plain_http():
    assert settings_in("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE") == {
        "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0, "SESSION_COOKIE_SECURE": False,
    }


def test_production_trusts_one_proxy_in_front_by_default_and_development_none():
    assert settings_in("TRUSTED_PROXY_COUNT", **PRODUCTION) == {"TRUSTED_PROXY_COUNT": 1}
    assert settings_in("TRUSTED_PROXY_COUNT", TRUSTED_PROXY_COUNT="2", **PRODUCTION) == {"TRUSTED_PROXY_COUNT": 2}
    assert settings_in("TRUSTED_PROXY_COUNT") == {"TRUSTED_PROXY_COUNT": 0}


def test_every_environment_refuses_frames_and_sends_the_content_security_policy():
    for env in ({}, PRODUCTION):
        found = settings_in("X_FRAME_OPTIONS", "MIDDLEWARE", **env)
        assert found["X_FRAME_OPTIONS"] == "DENY"
        assert "csp.middleware.CSPMiddleware" in found["MIDDLEWARE"]


POSTGRES = {"DATABASE_URL": "postgres://tandem@db.example:5432/tandem"}


def test_production_keeps_database_connections_and_checks_them_before_reuse():
    database = settings_in("DATABASES", **PRODUCTION, **POSTGRES)["DATABASES"]["default"]

    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (60, True)
    assert database["OPTIONS"]["connect_timeout"] == 3


def test_conn_max_age_comes_from_the_environment_and_development_keeps_no_connection():
    assert settings_in("DATABASES", CONN_MAX_AGE="5", **PRODUCTION)["DATABASES"]["default"]["CONN_MAX_AGE"] == 5
    assert settings_in("DATABASES")["DATABASES"]["default"]["CONN_MAX_AGE"] == 0


def test_the_cache_is_redis_when_redis_url_is_set_and_local_memory_otherwise():
    redis = settings_in("CACHES", REDIS_URL="redis://cache.example:6379/1")["CACHES"]["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://cache.example:6379/1"

    assert settings_in("CACHES")["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_sessions_are_cached_and_kept_in_the_database():
    assert settings_in("SESSION_ENGINE") == {"SESSION_ENGINE": "django.contrib.sessions.backends.cached_db"}


def test_logs_are_json_lines_on_stdout():
    code = (
        "import logging, django; django.setup(); "
        "logging.getLogger('django.request').warning('Not Found: /nowhere/', extra={'status_code': 404}); "
        "logging.getLogger('tandem.example').info('Hello')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
        env=clean_environment(DJANGO_SETTINGS_MODULE="tracker.settings", **PRODUCTION),
    )

    not_found, hello = (json.loads(line) for line in result.stdout.splitlines())
    assert (not_found["level"], not_found["logger"], not_found["status_code"]) == ("WARNING", "django.request", 404)
    assert not_found["message"] == "Not Found: /nowhere/" and "timestamp" in not_found
    assert (hello["level"], hello["logger"], hello["message"]) == ("INFO", "tandem.example", "Hello")


def test_the_development_servers_request_lines_stay_plain_text():
    code = (
        "import logging, django; django.setup(); "
        "logging.getLogger('django.server').info('\"GET / HTTP/1.1\" 200 2513', extra={'status_code': 200})"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env=clean_environment(DJANGO_SETTINGS_MODULE="tracker.settings"))

    assert result.stdout == ""
    assert result.stderr.startswith("[") and result.stderr.rstrip().endswith('] "GET / HTTP/1.1" 200 2513')
