from django.urls import include, path

from tracker import account_views

urlpatterns = [
    path("signup/", account_views.signup, name="signup"),
    path("profile/", account_views.profile, name="profile"),
    path("", include("django.contrib.auth.urls")),
]
