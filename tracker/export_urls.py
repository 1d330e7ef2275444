from django.urls import path

from tracker import export_views

app_name = "export"
urlpatterns = [
    path("entries.csv", export_views.entries_csv, name="entries"),
    path("days.csv", export_views.days_csv, name="days"),
]
