"""/healthz: whether this app server can serve, for a load balancer or a monitor to ask. It writes nothing."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

logger = logging.getLogger("tandem.health")


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request):
    """200 {"status": "ok", "database": "ok", "cache": "ok"}, or 503 naming the part that is "unreachable"."""
    parts = {"database": database_answers(), "cache": cache_answers()}
    healthy = all(parts.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body |= {part: "ok" if answers else "unreachable" for part, answers in parts.items()}
    return JsonResponse(body, status=200 if healthy else 503)


def database_answers():
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Error as error:
        logger.warning("Health check: the database is unreachable: %s", error)
        return False
    return True


def cache_answers():
    try:
        # A read of a key nobody sets: a round trip to Redis that changes nothing.
        cache.get("tandem:healthz")
    except Exception as error:  # each cache backend raises its own errors (redis.exceptions.ConnectionError...)
        logger.warning("Health check: the cache is unreachable: %s", error)
        return False
    return True
