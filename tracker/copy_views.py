"""
The copy page: choose a day (and a meal) to copy from, see what will be added, and copy it.

GET shows the choice and the preview; POST copies what the preview showed. The POST carries the
preview as a signed token (which entries it listed, and when), so that a form sent twice adds nothing
the second time and a day that changed meanwhile is shown again rather than copied unseen.
"""

from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.decorators.http import require_http_methods

from tracker.converters import FIRST_DAY, LAST_DAY
from tracker.copying import Preview, copy_entries, plan_copy
from tracker.models import Meal, Profile
from tracker.templatetags.day_page import entry_amounts

PREVIEW_SALT = "tracker.copy.preview"
SHORT_DAY = "D j M"  # "Thu 19 Nov"


class CopyChoiceForm(forms.Form):
    """Which day to copy from, the whole day or one meal, and into which slot."""

    meal = forms.ChoiceField(label="Copy", choices=[("", "the whole day"), *Meal.choices], required=False)
    into = forms.ChoiceField(label="Into", choices=[("", "the same meals"), *Meal.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" reads best in the URL (?from=2026-11-19) but is a Python keyword: no class attribute can hold it.
        self.fields["from"] = forms.DateField(
            label="From",
            input_formats=["%Y-%m-%d"],
            error_messages={"invalid": "Pick a day with the date picker (YYYY-MM-DD)."},
            widget=forms.DateInput(
                format="%Y-%m-%d",
                attrs={"type": "date", "min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()},
            ),
        )
        self.order_fields(["meal", "from", "into"])

    def clean_from(self):
        day = self.cleaned_data["from"]
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationError(f"Pick a day from {FIRST_DAY.year} to {LAST_DAY.year}.")
        return day

    def choice(self):
        """The keyword arguments of `plan_copy` and `copy_entries` this form chose."""
        return {
            "from_day": self.cleaned_data["from"],
            "meal": self.cleaned_data["meal"] or None,
            "into_meal": self.cleaned_data["into"] or None,
        }


def preview_token(plan, shown_at):
    return signing.dumps({"ids": list(plan.source_ids), "shown_at": shown_at.isoformat()}, salt=PREVIEW_SALT)


def read_preview(token):
    """The Preview a token stands for, or None when it is missing or was not made by us."""
    try:
        shown = signing.loads(token or "", salt=PREVIEW_SALT)
        return Preview(tuple(shown["ids"]), datetime.fromisoformat(shown["shown_at"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def copy_entries_to_day(request, day):
    data = request.POST if request.method == "POST" else _from_the_day_before(request.GET, day)
    form = CopyChoiceForm(data)
    if not form.is_valid():
        return _copy_page(request, day, form, plan=None)
    if request.method == "POST":
        response = _copy(request, day, form)
        if response is not None:
            return response
    return _copy_page(request, day, form, plan_copy(user=request.user, to_day=day, **form.choice()))


def _copy(request, day, form):
    """Copy what the preview showed and go to the day; None, with the reason on the form, when it cannot be."""
    preview = read_preview(request.POST.get("preview"))
    if preview is None:
        form.add_error(None, "This form is out of date: look at the preview below again before copying.")
        return None
    choice = form.choice()
    try:
        copies = copy_entries(user=request.user, to_day=day, preview=preview, **choice)
    except ValidationError as error:
        if error.code != "already_copied":
            form.add_error(None, error)
            return None
        messages.info(request, "Already copied: what the preview showed is on this day, and was not added twice.")
    else:
        messages.success(request, copied_message(len(copies), **choice))
    return redirect(_landing(day, choice))


def copied_message(count, *, from_day, meal, into_meal):
    """ "Copied 4 entries from Thu 19 Nov.", "Copied 1 entry from breakfast on Thu 19 Nov into lunch." """
    noun = "entry" if count == 1 else "entries"
    into = f" into {Meal(into_meal).label.lower()}" if into_meal else ""
    return f"Copied {count} {noun} from {_source(from_day=from_day, meal=meal)}{into}."


def _source(*, from_day, meal, date_format=SHORT_DAY):
    """What is copied: "Thu 19 Nov", or "breakfast on Thu 19 Nov"."""
    day = format_date(from_day, date_format)
    return f"{Meal(meal).label.lower()} on {day}" if meal else day


def _from_the_day_before(query, day):
    """The query, choosing the day before `day` to copy from unless it names a day."""
    data = query.copy()
    if "from" not in data:
        data["from"] = max(day - timedelta(days=1), FIRST_DAY).isoformat()
    return data


def _landing(day, choice):
    """The day page, at the meal the copies went into when they went into one."""
    url = reverse("tracker:day", kwargs={"day": day})
    meal = choice["into_meal"] or choice["meal"]
    return f"{url}#meal-{meal}" if meal else url


def _copy_page(request, day, form, plan):
    profile = Profile.objects.for_user(request.user)
    ctx = {"day": day, "form": form, "plan": plan, "unit": profile.vitamin_d_unit}
    if plan is not None:
        choice = form.choice()
        mk4_per_mk7 = profile.effective_guidance_profile().mk4_per_mk7_equivalent
        ctx |= {
            "choice": choice,
            "source": _source(from_day=choice["from_day"], meal=choice["meal"], date_format="l j F Y"),
            "adding": [entry_amounts(copy, mk4_per_mk7) for copy in plan.copies],
            "preview": preview_token(plan, timezone.now()) if plan.can_copy else "",
        }
    return render(request, "tracker/copy.html", ctx)
