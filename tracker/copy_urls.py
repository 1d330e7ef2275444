from django.urls import path

from tracker import copy_views

app_name = "copy"
urlpatterns = [
    path("day/<day:day>/copy/", copy_views.copy_entries_to_day, name="entries"),
]
