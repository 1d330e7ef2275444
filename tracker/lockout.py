"""
Log-in throttling, done by django-axes: after AXES_FAILURE_LIMIT failed log-ins for one username, or from one
address, every log-in for it (even with the right password) is refused until AXES_COOLOFF_TIME has passed
since the last failure. The log-in page, the admin's and the API's token endpoint all authenticate through
django.contrib.auth, so axes sees them all. The settings name the handler and the two functions below.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from tracker.api.errors import error_body


def lockout_message():
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return f"Too many failed log-ins; try again in {minutes} minutes."


class FailedLogIns(AxesDatabaseHandler):
    """Failed log-ins are counted in the database, which every app server shares.

    Not in the cache: axes' cache handler names a count by the hash of its value alone, so failures as the
    username "198.51.100.7" would count against the address 198.51.100.7, and anyone could lock an office
    or a household out. The database keeps username and address apart (and staff see them in the admin).
    """

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        """Count the failure even when the request's body is not the form its Content-Type claims.

        Axes keeps the form data of each failure. An API call with a JSON body sent as a multipart form
        has none Django can read, and the error would stop the failure from being counted: unlimited
        guesses at a password.
        """
        if request is not None:
            try:
                request.POST  # noqa: B018 (parsed here to see whether it can be)
            except (MultiPartParserError, SuspiciousOperation):
                request.POST = QueryDict()
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def reset_user_attempts(self, request, credentials=None):
        """A successful log-in forgives the failures of its own username, from any address, and no others.

        Axes' own handler would also forget every failure from the same address: someone with an account of
        their own could then log in between guesses at another's password and never reach the limit.
        """
        count, _ = AccessAttempt.objects.filter(username=get_client_username(request, credentials)).delete()
        return count


def locked_out(request, original_response, credentials):
    """What a refused log-in gets instead of the usual "wrong password": 429, as JSON from the API."""
    message = lockout_message()
    if request.resolver_match is not None and request.resolver_match.namespace == "api":
        return JsonResponse(error_body(message), status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


def client_address(request):
    """The address a log-in comes from.

    Behind TRUSTED_PROXY_COUNT reverse proxies, each of which appends the address it was called from to
    X-Forwarded-For, the client is the entry that many places from the end (entries before it are whatever
    the client sent). Without proxies, or when the header is short or not an address, it is REMOTE_ADDR.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies:
        try:
            return str(ipaddress.ip_address(forwarded[-proxies]))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")
