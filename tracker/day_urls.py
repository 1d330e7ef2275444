from django.urls import path

from tracker import views

app_name = "tracker"
urlpatterns = [
    path("day/", views.today, name="today"),
    path("day/go/", views.jump_to_day, name="day_jump"),
    path("day/<day:day>/", views.day, name="day"),
    path("day/<day:day>/add/food/", views.add_food, name="add_food"),
    path("day/<day:day>/add/supplement/", views.add_supplement, name="add_supplement"),
    path("day/<day:day>/add/dose/", views.add_dose, name="add_dose"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/edit/", views.edit_entry, name="entry_edit"),
    path("entries/<int:pk>/delete/", views.delete_entry, name="entry_delete"),
    path("items/search/", views.item_search, name="item_search"),
]
