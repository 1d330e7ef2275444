from django.urls import path

from foods import own_items

app_name = "own_items"
urlpatterns = [
    path("", own_items.own_item_list, name="list"),
    path("new/", own_items.own_item_create, name="create"),
    path("<int:pk>/edit/", own_items.own_item_edit, name="edit"),
    path("<int:pk>/delete/", own_items.own_item_delete, name="delete"),
]
