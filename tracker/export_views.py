"""Downloads of a user's own log as CSV, streamed: five years of entries never sit in memory at once."""

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from tracker.export import day_rows, entry_rows
from tracker.models import Profile

# Rows go out in pieces of about this many characters: a write per row would be slow to send.
PIECE_SIZE = 64 * 1024


@login_required
@require_GET
def entries_csv(request):
    return _csv_download(request, "entries", entry_rows(request.user))


@login_required
@require_GET
def days_csv(request):
    return _csv_download(request, "days", day_rows(request.user))


def _csv_download(request, what, rows):
    today = Profile.objects.for_user(request.user).today()
    response = StreamingHttpResponse(csv_pieces(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tandem-{what}-{today.isoformat()}.csv"'
    # Health data: no shared cache may keep a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response


def csv_pieces(rows, piece_size=PIECE_SIZE):
    """`rows` as CSV text, in pieces of at least `piece_size` characters (the last one may be shorter)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() >= piece_size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
