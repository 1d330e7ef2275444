from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required, login_required
from django.db import IntegrityError, transaction
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from tracker.account_data import account_contents, account_data_pieces, delete_account
from tracker.account_forms import AccountDeleteForm, ApiTokenForm, ProfileForm, SignupForm
from tracker.models import ApiToken, Profile

# The session key under which a new token's key waits for the one page that shows it.
NEW_TOKEN_KEY = "new_api_token"


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
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
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
    user_profile = Profile.objects.for_user(request.user)
    timezone = user_profile.timezone  # the saved one: the form may hold one it refuses
    form = ProfileForm(data, instance=user_profile)
    if form.is_valid():
        form.save()
        messages.success(request, "Your settings are saved.")
        return redirect("profile")
    ctx = {
        "form": form,
        "tokens": ApiToken.objects.for_user(request.user),
        "token_form": ApiTokenForm(),
        "timezone": timezone,
    }
    return render(request, "tracker/profile.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def api_token_create(request):
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        token, key = ApiToken.issue(request.user, name=form.cleaned_data["name"])
        request.session[NEW_TOKEN_KEY] = {"id": token.pk, "key": key}
        return redirect("api_token_created")
    return render(request, "tracker/api_tokens/token_form.html", {"form": form})


@never_cache
@login_required
@require_GET
def api_token_created(request):
    """The one page that shows a new token's key: only its digest is stored, so it cannot be shown again."""
    new = request.session.pop(NEW_TOKEN_KEY, None)
    token = ApiToken.objects.for_user(request.user).filter(pk=new["id"]).first() if new else None
    if token is None:
        messages.info(request, "A token's key is shown only once, when it is made. Revoke it and make a new one.")
        return redirect("profile")
    return render(request, "tracker/api_tokens/token_created.html", {"token": token, "key": new["key"]})


@login_required
@require_http_methods(["GET", "POST"])
def api_token_revoke(request, pk):
    token = _get_token_for_user(request, pk)
    if request.method == "POST":
        token.delete()
        messages.success(request, f"Revoked the token {token}. Programs using it can no longer reach your data.")
        return redirect("profile")
    return render(request, "tracker/api_tokens/token_confirm_revoke.html", {"token": token})


def _get_token_for_user(request, pk):
    return get_object_or_404(ApiToken.objects.for_user(request.user), pk=pk)


@login_required
@require_GET
def account_data(request):
    return render(request, "tracker/account_data.html", {"contents": account_contents(request.user)})


@login_required
@require_GET
def account_data_download(request):
    """All of the user's data as one JSON file (tracker.account_data), streamed."""
    today = Profile.objects.for_user(request.user).today()
    response = StreamingHttpResponse(account_data_pieces(request.user), content_type="application/json")
    response["Content-Disposition"] = content_disposition_header(True, f"tandem-data-{today.isoformat()}.json")
    # Health data: no shared cache may keep a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, request=request)
    if form.is_valid():
        username = request.user.get_username()
        delete_account(request.user)
        logout(request)
        messages.success(request, f"The account {username} and everything in it are deleted.")
        return redirect("home")
    ctx = {"form": form, "contents": account_contents(request.user)}
    return render(request, "tracker/account_delete.html", ctx)
