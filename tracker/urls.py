from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter
from django.views.generic import TemplateView

from tracker import health
from tracker.api.main import api
from tracker.converters import DayConverter

# <day:day> in the day, copy and routine URLs: registered once, here, before the includes below read it.
register_converter(DayConverter, "day")

urlpatterns = [
    path("", login_not_required(TemplateView.as_view(template_name="home.html")), name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("foods/", include("foods.urls")),
    path("", include("tracker.day_urls")),
    path("", include("tracker.copy_urls")),
    path("routines/", include("tracker.routine_urls")),
    path("history/", include("tracker.history_urls")),
    path("history/export/", include("tracker.export_urls")),
    path("my-foods/", include("foods.own_item_urls")),
    path("api/v1/", api.urls),
    path("accounts/", include("tracker.account_urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
]

# An unreachable database or cache, raised outside a view, still answers 503 rather than 500.
handler500 = "tracker.middleware.server_error"
