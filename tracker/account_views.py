from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required, login_required
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tracker.account_forms import ProfileForm, SignupForm
from tracker.models import Profile


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = _create_account(form)
        except IntegrityError:
            # Someone took the username between our check and the insert: the database said no.
            form.add_error("username", "A user with that username already exists.")
        else:
            login(request, user)
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "registration/signup.html", {"form": form})


def _create_account(form):
    with transaction.atomic():
        user = form.save()
        Profile.objects.for_user(user)
    return user


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, instance=Profile.objects.for_user(request.user))
    if form.is_valid():
        form.save()
        messages.success(request, "Your settings are saved.")
        return redirect("profile")
    return render(request, "tracker/profile.html", {"form": form})
