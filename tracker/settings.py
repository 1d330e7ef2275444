"""
Tandem's one settings file. Everything that differs between machines comes from the environment:

    DJANGO_ENV      "development" (default) or "production"
    SECRET_KEY      required in production
    DEBUG           on by default in development; production refuses to start with it on
    ALLOWED_HOSTS   comma-separated; localhost by default in development
    DATABASE_URL    default: a SQLite file in the project (postgres://... for PostgreSQL)

Production only (see "Secure by default" at the end):

    SECURE_SSL_REDIRECT             on by default: plain-http requests are redirected to https
    SECURE_HSTS_SECONDS             default one year; SECURE_HSTS_INCLUDE_SUBDOMAINS and SECURE_HSTS_PRELOAD on
    TRUSTED_PROXY_COUNT             reverse proxies in front of the app (default 1) appending to X-Forwarded-For

In every environment:

    ADMIN_PATH      where the admin lives, default "admin/"; production should pick one nobody guesses
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from tracker.json_logs import JSON_LOG_FORMAT

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}.")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    DEBUG = env.bool("DEBUG", default=False)
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
else:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-only-key")
    DEBUG = env.bool("DEBUG", default=True)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "ninja",
    "csp",
    "axes",
    "tracker",
    "foods",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # While the database or the cache is unreachable: a clear 503, not a traceback (see tracker/urls.py too).
    "tracker.middleware.ServiceUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a log-in unless its view is marked @login_not_required (landing, sign-up, log-in).
    "tracker.middleware.LoginRequiredExceptAdminMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a refused log-in into the lockout page (tracker.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.context_processors.standing_notices",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# In development whitenoise serves straight from the apps' static folders; production serves the
# compressed, hashed files that `collectstatic` gathers into STATIC_ROOT.
WHITENOISE_USE_FINDERS = not PRODUCTION

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tracker:today"
LOGOUT_REDIRECT_URL = "home"

# Password-reset mail: printed to the console in development; production sets a real backend.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=f"django.core.mail.backends.{'smtp' if PRODUCTION else 'console'}.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tandem <tandem@localhost>")

# --- Secure by default (issue 6): `manage.py check --deploy` passes in production, CI checks it. ---

# The admin's URL. A path nobody guesses keeps log-in bots off it; only staff get in either way.
ADMIN_PATH = env.str("ADMIN_PATH", default="admin/")
if ADMIN_PATH.startswith("/") or not ADMIN_PATH.endswith("/"):
    raise ImproperlyConfigured(f"ADMIN_PATH must be like 'admin/' (no slash first, one last), not {ADMIN_PATH!r}.")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Passwords hashed before Argon2 still verify, and are rehashed with it at their next log-in.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script of ours reads the CSRF cookie: forms carry the token, the API docs page gets it in the page.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Scripts and styles only from our own static files, none inline in a page (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap's and Swagger UI's icons are data: URLs in their CSS
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Log-in throttling (django-axes, tracker/lockout.py): 5 failures for a username, or from an address, lock
# its log-ins for 15 minutes after the last one, on the site, the admin and the API's token endpoint.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out log-in before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
# Counted in the database, not the cache: tracker/lockout.py says why.
AXES_HANDLER = "tracker.lockout.FailedLogIns"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tracker.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "tracker.lockout.client_address"
# Failures are kept (for the cool-off, and for staff to see in the admin); successful log-ins are not.
AXES_DISABLE_ACCESS_LOG = True
# Behind a reverse proxy every request comes from the proxy's address: without this, one person's
# failures would lock everyone out.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if PRODUCTION else 0)

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # A load balancer may probe the health check over plain http.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # `check --deploy` asks for it; turn it off before the first deploy if the domain will not be preloaded.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Running like production (issue 6): database connections, cache, sessions, logs; see docs/deploy.md. ---
#
#     CONN_MAX_AGE          seconds a database connection is kept for later requests; 60 in production, else 0
#     REDIS_URL             e.g. redis://127.0.0.1:6379/0: a cache every worker and app server shares;
#                           without it each process has its own local-memory cache
#     DATABASE_REPLICA_URL  a read replica of DATABASE_URL that history and exports read from (off when unset)

if env.str("DATABASE_REPLICA_URL", default=""):
    # Its test database is the default one: the tests read what they write.
    DATABASES["replica"] = {**env.db("DATABASE_REPLICA_URL"), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["tracker.db_routers.ReplicaRouter"]
    # After the log-in check, so the session and user are read from the primary (tracker/db_routers.py).
    MIDDLEWARE.insert(
        MIDDLEWARE.index("tracker.middleware.LoginRequiredExceptAdminMiddleware") + 1,
        "tracker.db_routers.ReplicaReadsMiddleware",
    )

for _database in DATABASES.values():
    _database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
    # A kept connection is tested before a request reuses it: once a restarted database is back, the next
    # request connects anew by itself.
    _database["CONN_HEALTH_CHECKS"] = True
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # An unreachable database fails the request within seconds (a 503) instead of holding it.
        _database.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)

if env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("REDIS_URL"),
            # An unreachable Redis fails the request within a second (a 503) instead of holding it.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions are read from the cache and kept in the database too: they survive a Redis restart or flush.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Logs: one JSON object a line on stdout (tracker/json_logs.py), for whatever runs the app to collect.
# gunicorn.conf.py writes gunicorn's own lines and its access log in the same shape.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": JSON_LOG_FORMAT,
        "runserver": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"},
        "runserver": {"class": "logging.StreamHandler", "formatter": "runserver"},
    },
    "root": {"handlers": ["stdout"], "level": "WARNING"},
    "loggers": {
        # django.request: every 4xx and 5xx with its status_code; django.security: refused hosts and the like.
        "django": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "tandem": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        # The development server's line per request, as Django prints it: for a person at a terminal.
        "django.server": {"handlers": ["runserver"], "level": "INFO", "propagate": False},
    },
}
