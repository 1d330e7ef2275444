"""
Reads of history and exports from a PostgreSQL read replica, when there is one; everything else from the primary.

Off unless DATABASE_REPLICA_URL is set: settings then add the "replica" database, ReplicaRouter and
ReplicaReadsMiddleware. The history page, the CSV exports and GET /api/v1/history read many days at once and
change nothing; they can run on a replica and leave the primary to the writes. A replica lags the primary by
a little (usually well under a second), so they may miss an entry logged that instant; every other page reads
the primary, so what someone just logged always shows on their day page.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# The URL names of the views whose reads go to the replica.
REPLICA_VIEWS = {"history:index", "export:entries", "export:days", "api:list_history"}
SAFE_METHODS = {"GET", "HEAD"}

_reading_from_replica = ContextVar("reading_from_replica", default=False)


@contextmanager
def reading_from_replica():
    """Within the block, the ORM's reads go to the replica (when there is one)."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


class ReplicaRouter:
    """Reads to the replica inside `reading_from_replica()`; every write and every migration to the primary."""

    def db_for_read(self, model, **hints):
        if _reading_from_replica.get() and REPLICA in connections.settings:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        # Also for an object read from the replica: it is saved to the primary, where the replica copies from.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both databases hold the same rows.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """The views of REPLICA_VIEWS read from the replica, and streamed downloads do to their last row.

    It comes after the log-in check in MIDDLEWARE: the session and the user are read from the primary first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reading_from_replica.set(False)
        try:
            response = self.get_response(request)
        finally:
            _reading_from_replica.reset(token)
        if response.streaming and reads_from_replica(request):
            response.streaming_content = pieces_read_from_replica(response.streaming_content)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Until the response is made: __call__ above puts it back.
        if reads_from_replica(request):
            _reading_from_replica.set(True)


def reads_from_replica(request):
    match = request.resolver_match
    return request.method in SAFE_METHODS and match is not None and match.view_name in REPLICA_VIEWS


def pieces_read_from_replica(pieces):
    """A streamed response's pieces, each made while reading from the replica, and nothing else in between."""
    pieces = iter(pieces)
    while True:
        with reading_from_replica():
            piece = next(pieces, None)
        if piece is None:
            return
        yield piece
