from django.urls import path

import tracker.day_urls  # noqa: F401  registers the "day" path converter
from tracker import copy_views

app_name = "copy"
urlpatterns = [
    path("day/<day:day>/copy/", copy_views.copy_entries_to_day, name="entries"),
]
