"""
One shape for every API error, whatever raised it:

    {"detail": "Check the fields below.", "errors": [{"field": "grams", "message": "..."}]}

`field` names the JSON field (dotted for nested ones, "dose.amount"), or is null for the whole request.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from tracker.middleware import UNREACHABLE_SERVICES, add_retry_headers, unreachable_message, unreachable_service

INVALID = "Check the fields below."


class FieldError(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


# The responses every authenticated endpoint may give besides its own: bad input, no valid token, a browser
# session's write without its CSRF token, not yours.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
# Parts of a pydantic error's location that say where it was found, not which field it names.
NOT_FIELDS = {"body", "query", "path", "payload", "[key]"}


def error_body(detail, errors=()):
    return {"detail": detail, "errors": [{"field": field, "message": message} for field, message in errors]}


def field_errors(error, field_names=None):
    """(field, message) pairs of a Django ValidationError, its field names turned into the API's."""
    field_names = field_names or {}
    if not hasattr(error, "error_dict"):
        return [(None, message) for message in error.messages]
    return [
        (None if field == "__all__" else field_names.get(field, field), message)
        for field, errors in error.error_dict.items()
        for message in DjangoValidationError(errors).messages
    ]


def _schema_errors(exc):
    """ninja's pydantic errors, their `loc` ("body", "payload", "dose", "amount") read as "dose.amount"."""
    pairs = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in NOT_FIELDS]
        pairs.append((".".join(location) or None, error.get("msg", "Invalid value.")))
    return pairs


def declare_unavailable(schema):
    """
    `schema` with the 503 every operation gives while the database or the cache is unreachable (the
    handlers below, or tracker.middleware before the API is reached), declared once for them all.
    """
    unavailable = {
        "description": "Tandem can't reach its database or cache: nothing was saved; try again later.",
        "headers": {"Retry-After": {"description": "Seconds to wait before trying again.",
                                    "schema": {"type": "integer"}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }
    for operations in schema["paths"].values():
        for operation in operations.values():
            operation["responses"]["503"] = unavailable
    return schema


def install_handlers(api):
    @api.exception_handler(SchemaValidationError)
    def schema_invalid(request, exc):
        return api.create_response(request, error_body(INVALID, _schema_errors(exc)), status=400)

    @api.exception_handler(DjangoValidationError)
    def rules_refused(request, exc):
        return api.create_response(request, error_body(INVALID, field_errors(exc)), status=400)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body("Not found."), status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, error_body("Send a valid token: Authorization: Bearer <token>."),
                                   status=401)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return api.create_response(request, error_body(str(exc)), status=exc.status_code)

    # An unreachable database or cache: the 503 every page gives (tracker.middleware), in the API's shape.
    def service_unavailable(request, exc):
        message = unreachable_message(unreachable_service(exc))
        response = api.create_response(request, error_body(message), status=503)
        add_retry_headers(response)
        return response

    for errors in UNREACHABLE_SERVICES.values():
        for error in errors:
            api.add_exception_handler(error, service_unavailable)
