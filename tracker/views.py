import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from foods.models import Item
from tracker.converters import FIRST_DAY, LAST_DAY, parse_day
from tracker.days import summarize_day
from tracker.entries import KeyReused, log_entry_once, save_entry
from tracker.forms import (
    DoseEntryForm,
    FoodEntryForm,
    SupplementEntryForm,
    form_class_for,
    item_json,
    matching_items,
)
from tracker.models import Entry, Meal, Profile, Routine
from tracker.routines import open_doses
from tracker.warnings import standing_warnings


@login_required
@require_GET
def today(request):
    profile = Profile.objects.for_user(request.user)
    return _day_page(request, profile, profile.today())


@login_required
@require_GET
def day(request, day):
    return _day_page(request, Profile.objects.for_user(request.user), day)


def _day_page(request, profile, day):
    summary = summarize_day(request.user, day)
    day_codes = {warning.code for warning in summary.warnings}
    ctx = {
        "summary": summary,
        "profile": profile,
        "is_today": day == profile.today(),
        "previous_day": day - timedelta(days=1) if day > FIRST_DAY else None,
        "next_day": day + timedelta(days=1) if day < LAST_DAY else None,
        "standing_warnings": [w for w in standing_warnings(profile) if w.code not in day_codes],
        "open_doses": open_doses(request.user, day),
        "has_routines": Routine.objects.for_user(request.user).exists(),
        "first_day": FIRST_DAY,
        "last_day": LAST_DAY,
    }
    return render(request, "tracker/day.html", ctx)


@login_required
@require_GET
def jump_to_day(request):
    """The date picker's GET form lands here, so that it works without JavaScript."""
    chosen = parse_day(request.GET.get("date", ""))
    if chosen is None:
        messages.error(request, "That is not a date we can show: pick one with the date picker (YYYY-MM-DD).")
        return redirect("tracker:today")
    return redirect("tracker:day", day=chosen)


@login_required
@require_http_methods(["GET", "POST"])
def add_food(request, day):
    return _add_entry(request, day, FoodEntryForm, "food")


@login_required
@require_http_methods(["GET", "POST"])
def add_supplement(request, day):
    return _add_entry(request, day, SupplementEntryForm, "supplement")


@login_required
@require_http_methods(["GET", "POST"])
def add_dose(request, day):
    return _add_entry(request, day, DoseEntryForm, "dose")


def _add_entry(request, day, form_class, what):
    data = request.POST if request.method == "POST" else None
    meal = request.GET.get("meal")
    initial = {"meal": meal if meal in Meal.values else Meal.BREAKFAST, "idempotency_key": uuid.uuid4()}
    form = form_class(data, initial=initial, user=request.user, day=day, query=request.GET.get("q", ""))
    if form.is_valid():
        try:
            entry, created = log_entry_once(form.entry)
        except KeyReused as reused:
            form.refuse_reused_key(reused.logged)
        else:
            if created:
                messages.success(request, f"Logged {_described(entry)}.")
            else:
                messages.info(request, f"Already logged {_described(entry)}: the form was sent twice, and logged once.")
            return redirect(_day_url(entry))
    ctx = {"form": form, "day": day, "what": what, "entry": None}
    return render(request, "tracker/entry_form.html", ctx)


@login_required
@require_GET
def entry_detail(request, pk):
    return redirect(_day_url(_get_entry_for_user(request, pk)))


@login_required
@require_http_methods(["GET", "POST"])
def edit_entry(request, pk):
    entry = _get_entry_for_user(request, pk)
    form_class = form_class_for(entry)
    data = request.POST if request.method == "POST" else None
    initial = form_class.initial_from(entry)
    form = form_class(data, initial=initial, user=request.user, day=entry.day, query=request.GET.get("q", ""))
    if form.is_valid():
        save_entry(form.entry, replacing=entry)
        messages.success(request, f"Saved {_described(form.entry)}.")
        return redirect(_day_url(form.entry))
    what = "dose" if entry.is_dose else entry.item.kind
    ctx = {"form": form, "day": entry.day, "what": what, "entry": entry}
    return render(request, "tracker/entry_form.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def delete_entry(request, pk):
    entry = _get_entry_for_user(request, pk)
    if request.method == "POST":
        entry.delete()
        messages.success(request, f"Deleted {_described(entry)}.")
        return redirect("tracker:day", day=entry.day)
    return render(request, "tracker/entry_confirm_delete.html", {"entry": entry})


@login_required
@require_GET
def item_search(request):
    """Items matching ?q= for the search box: the user's own first, then the catalog's."""
    kind = request.GET.get("kind")
    items = matching_items(request.user, request.GET.get("q", ""), kind=kind if kind in Item.Kind.values else None)
    return JsonResponse([item_json(item) for item in items], safe=False)


def _get_entry_for_user(request, pk):
    queryset = Entry.objects.for_user(request.user).select_related("item", "portion")
    return get_object_or_404(queryset, pk=pk)


def _described(entry):
    return f"{entry.label}, {entry.quantity_label}, in {entry.get_meal_display()}"


def _day_url(entry):
    return f"{reverse('tracker:day', kwargs={'day': entry.day})}#entry-{entry.pk}"
