import logging
import sys

import redis.exceptions
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults


class LoginRequiredExceptAdminMiddleware(LoginRequiredMiddleware):
    """Every page needs a log-in, but the admin and the API check it themselves.

    The admin sends visitors to its own log-in page; the API answers 401 with JSON instead of a redirect.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.namespace in ("admin", "api"):
            return None
        # Before Django's own check reads the user: /healthz must answer without the database's help.
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


# The services a request may find unreachable, and what their client libraries raise then. OperationalError
# also covers a connection dropped mid-request and a statement the server cancelled: worth trying again too.
UNREACHABLE_SERVICES = {
    "database": (OperationalError, InterfaceError),
    "cache": (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError),
}
API_PATH = "/api/"
RETRY_AFTER_SECONDS = 60

logger = logging.getLogger("tandem.unavailable")


class ServiceUnavailableMiddleware:
    """While the database or the cache is unreachable, every request answers 503 with a clear message.

    Not a 500 with a traceback, and not a hang: the database's and Redis's connection timeouts (settings) fail
    the request within seconds. This sees what views raise; `server_error`, the URLconf's handler500, sees
    what the middleware around the view raise, such as loading the session and user before it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return service_unavailable(request, exception)


def server_error(request):
    """handler500: a 503 when an unreachable service caused the error, Django's own 500 page otherwise."""
    return service_unavailable(request, sys.exc_info()[1]) or defaults.server_error(request)


def service_unavailable(request, exception):
    """The 503 response for an unreachable service's error, or None for any other exception."""
    service = unreachable_service(exception)
    if service is None:
        return None
    logger.warning("The %s is unreachable: %s", service, exception, extra={"path": request.path})
    message = unreachable_message(service)
    if request.path.startswith(API_PATH):
        response = JsonResponse({"detail": message, "errors": []}, status=503)
    else:
        response = HttpResponse(loader.render_to_string("503.html", {"message": message}), status=503)
    add_retry_headers(response)
    return response


def unreachable_service(exception):
    for service, errors in UNREACHABLE_SERVICES.items():
        if isinstance(exception, errors):
            return service
    return None


def unreachable_message(service):
    return f"Tandem can't reach its {service} right now; nothing you sent was saved; try again in a minute."


def add_retry_headers(response):
    """Tell clients when to try again, and keep caches from serving the 503 after the service is back."""
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
