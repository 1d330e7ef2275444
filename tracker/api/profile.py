"""GET and PATCH /profile: the caller's settings and health flags, checked by the profile page's own form."""

from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema

from tracker.account_forms import ProfileForm
from tracker.api.auth import caller
from tracker.api.bodies import Body
from tracker.api.errors import ErrorOut
from tracker.models import Profile

router = Router(tags=["profile"])

VitaminDUnit = Literal["IU", "ug"]


class ProfileOut(Schema):
    vitamin_d_unit: VitaminDUnit = Field(description="How the pages show vitamin D.")
    guidance_profile: str = Field(description="The slug of the guidance profile days are compared with.")
    timezone: str = Field(description="An IANA time zone: the user's days run from midnight to midnight there.")
    takes_warfarin: bool
    kidney_disease: bool = Field(description="Chronic kidney disease, stage 4–5.")
    pregnant: bool
    is_child: bool = Field(description="The log is a child's: children's K2 targets apply where a profile has one.")


class ProfilePatch(Body):
    """Fields left out keep their values."""

    vitamin_d_unit: VitaminDUnit = None
    guidance_profile: str = Field(None, max_length=50, description="A slug from GET /guidance-profiles.")
    timezone: str = Field(None, max_length=64)
    takes_warfarin: bool = None
    kidney_disease: bool = None
    pregnant: bool = None
    is_child: bool = None


def profile_json(profile):
    return {
        "vitamin_d_unit": profile.vitamin_d_unit,
        "guidance_profile": profile.effective_guidance_profile().slug,
        "timezone": profile.timezone,
        "takes_warfarin": profile.takes_warfarin,
        "kidney_disease": profile.kidney_disease,
        "pregnant": profile.pregnant,
        "is_child": profile.is_child,
    }


@router.get("/profile", response={200: ProfileOut, 401: ErrorOut}, summary="Your settings and health flags")
def get_profile(request):
    return profile_json(Profile.objects.for_user(caller(request)))


@router.patch("/profile", response={200: ProfileOut, 400: ErrorOut, 401: ErrorOut},
              summary="Change some of your settings and health flags")
def update_profile(request, payload: ProfilePatch):
    profile = Profile.objects.for_user(caller(request))
    form = ProfileForm({**profile_json(profile), **payload.model_dump(exclude_unset=True)}, instance=profile)
    # The page's form picks a guidance profile by id; the API names it by slug.
    form.fields["guidance_profile"].to_field_name = "slug"
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return profile_json(form.save())
