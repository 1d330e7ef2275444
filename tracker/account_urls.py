from django.urls import include, path

from tracker import account_views

urlpatterns = [
    path("signup/", account_views.signup, name="signup"),
    path("profile/", account_views.profile, name="profile"),
    path("profile/tokens/new/", account_views.api_token_create, name="api_token_create"),
    path("profile/tokens/created/", account_views.api_token_created, name="api_token_created"),
    path("profile/tokens/<int:pk>/revoke/", account_views.api_token_revoke, name="api_token_revoke"),
    path("data/", account_views.account_data, name="account_data"),
    path("data.json", account_views.account_data_download, name="account_data_download"),
    path("delete/", account_views.account_delete, name="account_delete"),
    path("", include("django.contrib.auth.urls")),
]
