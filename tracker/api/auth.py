"""Who is calling: a bearer token (tracker.models.ApiToken), or the browser's own session for same-site calls."""

from django.contrib.auth import authenticate
from ninja import Router, Schema, Status
from ninja.security import HttpBearer, SessionAuth

from tracker.api.bodies import Body
from tracker.api.errors import ErrorOut, error_body
from tracker.models import ApiToken

router = Router(tags=["auth"])


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        return ApiToken.user_for_key(token)


class SameSiteSession(SessionAuth):
    """The logged-in browser: its calls need the CSRF token, as the pages' forms do."""

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


def caller(request):
    """The user an authenticated request acts for."""
    return request.auth


class Credentials(Body):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@router.post("/token", auth=None, response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 429: ErrorOut},
             summary="Trade a username and password for a token")
def issue_token(request, credentials: Credentials):
    """After 5 failed log-ins for a username, or from an address, its log-ins are refused with a 429 until
    15 minutes after the last failure, here as on the log-in page."""
    # The 429 is django-axes' answer (tracker.lockout), not this function's.
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        return Status(401, error_body("Wrong username or password."))
    _, key = ApiToken.issue(user, name="API")
    return Status(200, {"token": key})
