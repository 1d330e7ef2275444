"""The benches' URLconf, never the app's: the app's URLs and, beside them, the baseline view (benchdb.baseline_view)."""

from benchdb import BASELINE_PATH, baseline_view
from django.contrib.auth.decorators import login_required
from django.urls import include, path

urlpatterns = [
    path(BASELINE_PATH.lstrip("/"), login_required(baseline_view)),
    path("", include("tracker.urls")),
]
