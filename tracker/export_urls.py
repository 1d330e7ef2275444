from django.urls import path

from tracker import export_views

app_name = "export"
urlpatterns = [
    path("entries.csv", export_views.entries_csv, name="entries"),
]
