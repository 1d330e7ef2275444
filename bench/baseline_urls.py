"""The benches' URLconf, never the app's: the app's URLs and, beside them, the baseline view (benchdb.baseline_view)."""

from benchdb import BASELINE_PATH, baseline_view
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from tracker import urls as app_urls

urlpatterns = [
    path(BASELINE_PATH.lstrip("/"), login_required(baseline_view)),
    path("", include(app_urls)),
]

# The app's error handlers belong to the root URLconf, which this is: its 503 while the database is down.
handler500 = app_urls.handler500
