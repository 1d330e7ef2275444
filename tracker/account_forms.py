import zoneinfo
from functools import cache

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import UserCreationForm

from tracker.models import ApiToken, GuidanceProfile, Profile

HEALTH_FLAGS = ("takes_warfarin", "kidney_disease", "pregnant", "is_child")


class SignupForm(UserCreationForm):
    email = forms.EmailField(help_text="Only for resetting your password.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self):
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"])
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email address already exists. Log in, or reset your password."
            )
        return email


@cache
def timezone_choices():
    """Every IANA zone, sorted; reading them walks the tz database, so once per process is enough."""
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class GuidanceProfileChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.source}"


class ProfileForm(forms.ModelForm):
    guidance_profile = GuidanceProfileChoiceField(
        queryset=GuidanceProfile.objects.all(),
        empty_label=None,
        label="Pairing guidance",
        help_text="Whose D-to-K2 pairing guidance your days are compared with.",
    )
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=timezone_choices,
        help_text="Your days run from midnight to midnight here.",
    )

    class Meta:
        model = Profile
        fields = ("vitamin_d_unit", "guidance_profile", "timezone", *HEALTH_FLAGS)
        widgets = {"vitamin_d_unit": forms.RadioSelect}
        help_texts = {
            "takes_warfarin": "Shows a standing warfarin notice, and a warning on days you log a vitamin K "
            "supplement or dose.",
            "kidney_disease": "Shows a notice to leave vitamin D, K2 and calcium to your nephrologist.",
            "pregnant": "Shows a notice to prefer food sources of K2 to high-dose supplements.",
            "is_child": "Uses the children's K2 target where the chosen guidance gives one.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.guidance_profile_id is None:
            self.initial["guidance_profile"] = GuidanceProfile.default()

    def health_flag_fields(self):
        return [self[name] for name in HEALTH_FLAGS]

    def setting_fields(self):
        return [self[name] for name in self.Meta.fields if name not in HEALTH_FLAGS]


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("name",)
        labels = {"name": "Token name"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True


class AccountDeleteForm(forms.Form):
    """Deleting an account asks for its password: a session left open on a shared computer is not enough."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        # authenticate(), not check_password(): wrong passwords count towards the log-in lock-out.
        if authenticate(self.request, username=user.get_username(), password=password) != user:
            raise forms.ValidationError("That is not your password.")
        return password
