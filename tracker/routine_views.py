"""The routines pages ("my stack") and the buttons that log a routine's dose from the day page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tracker.models import Meal, Profile, Routine
from tracker.routine_forms import ROUTINE_FORMS, ROUTINE_KINDS, SupplementRoutineForm, routine_form_class_for
from tracker.routines import (
    end_routine,
    log_open_doses,
    log_routine,
    pause_routine,
    resume_routine,
    routine_rows,
)


@login_required
@require_GET
def routine_list(request):
    today = _today(request)
    ctx = {"rows": routine_rows(request.user, today), "today": today}
    return render(request, "tracker/routines/routine_list.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def routine_create(request):
    form_class = ROUTINE_FORMS.get(request.GET.get("what"), SupplementRoutineForm)
    initial = {"meal": Meal.BREAKFAST, "frequency": Routine.Frequency.DAILY, "starts_on": _today(request)}
    form = _routine_form(request, form_class, initial)
    if form.is_valid():
        form.routine.save()
        messages.success(request, f"Saved your routine: {_described(form.routine)}.")
        return redirect("routines:list")
    ctx = {"form": form, "routine": None, "kinds": ROUTINE_KINDS}
    return render(request, "tracker/routines/routine_form.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def routine_edit(request, pk):
    routine = _get_routine_for_user(request, pk)
    form_class = routine_form_class_for(routine)
    form = _routine_form(request, form_class, form_class.initial_from(routine))
    if form.is_valid():
        edited = form.routine
        edited.pk, edited.created = routine.pk, routine.created
        edited.save(force_update=True)
        messages.success(request, f"Saved your routine: {_described(edited)}. What it logged stays as it was.")
        return redirect("routines:list")
    return render(request, "tracker/routines/routine_form.html", {"form": form, "routine": routine})


@login_required
@require_POST
def routine_pause(request, pk):
    return _change_from_today(request, pk, pause_routine, "Paused {label}: no dose is due until you resume it.")


@login_required
@require_POST
def routine_resume(request, pk):
    return _change_from_today(request, pk, resume_routine, "Resumed {label}: its doses are due again from today.")


@login_required
@require_POST
def routine_end(request, pk):
    done = "Ended {label}: today is its last day. What it logged stays in your log."
    return _change_from_today(request, pk, end_routine, done)


@login_required
@require_POST
def routine_delete(request, pk):
    routine = _get_routine_for_user(request, pk)
    routine.delete()  # one transaction: its pauses go, its entries stay and forget it (SET_NULL)
    messages.success(request, f"Deleted the routine {_described(routine)}. The doses it logged stay in your log.")
    return redirect("routines:list")


@login_required
@require_POST
def routine_log(request, pk, day):
    routine = _get_routine_for_user(request, pk)
    try:
        entry, created = log_routine(routine, day)
    except ValidationError as error:
        messages.error(request, _not_logged(routine, error))
        return redirect("tracker:day", day=day)
    if created:
        messages.success(request, f"Logged {_described(entry)}.")
    else:
        messages.info(request, f"{routine.label} was already logged on this day.")
    return redirect(f"{reverse('tracker:day', kwargs={'day': day})}#entry-{entry.pk}")


@login_required
@require_POST
def routine_log_all(request, day):
    logged = log_open_doses(request.user, day)
    if logged.entries:
        described = "; ".join(_described(entry) for entry in logged.entries)
        messages.success(request, f"Logged {described}.")
    for routine, error in logged.refused:
        messages.error(request, _not_logged(routine, error))
    if not logged.entries and not logged.refused:
        messages.info(request, "Every dose scheduled on this day was already logged.")
    return redirect("tracker:day", day=day)


def _routine_form(request, form_class, initial):
    """A routine form bound to what was posted, else showing `initial`; ?q= searches its items."""
    data = request.POST if request.method == "POST" else None
    return form_class(data, initial=initial, user=request.user, query=request.GET.get("q", ""))


def _change_from_today(request, pk, change, done):
    """
    Pause, resume or end (`change`) the user's routine `pk` from their today, then back to the routines:
    `done` says what happened (its {label} filled in), or the message of the ValidationError says why not.
    """
    routine = _get_routine_for_user(request, pk)
    try:
        change(routine, _today(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done.format(label=routine.label))
    return redirect("routines:list")


def _get_routine_for_user(request, pk):
    queryset = Routine.objects.for_user(request.user).select_related("item", "portion").prefetch_related("pauses")
    return get_object_or_404(queryset, pk=pk)


def _today(request):
    return Profile.objects.for_user(request.user).today()


def _described(amount):
    """How an entry or a routine reads in a message: "Vitamin D3 5,000 IU, 1 unit, in Breakfast"."""
    return f"{amount.label}, {amount.quantity_label}, in {amount.get_meal_display()}"


def _not_logged(routine, error):
    return f"{routine.label} was not logged: {' '.join(error.messages)} Edit the routine to fix it."
