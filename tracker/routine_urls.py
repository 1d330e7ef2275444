from django.urls import path

from tracker import routine_views as views

app_name = "routines"
urlpatterns = [
    path("", views.routine_list, name="list"),
    path("new/", views.routine_create, name="create"),
    path("<int:pk>/edit/", views.routine_edit, name="edit"),
    path("<int:pk>/pause/", views.routine_pause, name="pause"),
    path("<int:pk>/resume/", views.routine_resume, name="resume"),
    path("<int:pk>/end/", views.routine_end, name="end"),
    path("<int:pk>/delete/", views.routine_delete, name="delete"),
    path("<int:pk>/log/<day:day>/", views.routine_log, name="log"),
    path("log-all/<day:day>/", views.routine_log_all, name="log_all"),
]
