"""GET /guidance-profiles: the D-to-K2 pairing rules a user may choose from, with their brackets."""

from typing import Literal

from ninja import Field, Router, Schema

from tracker.api.errors import ErrorOut
from tracker.models import GuidanceProfile

router = Router(tags=["guidance-profiles"])


class BracketOut(Schema):
    from_vitamin_d_iu: float = Field(description="The daily vitamin D this bracket starts at.")
    includes_from: bool = Field(description="Whether exactly from_vitamin_d_iu belongs here; false: only above it.")
    k2_target_min_ug: float | None = Field(description="K2 as MK-7 equivalent; null: no target.")
    k2_target_max_ug: float | None = Field(description="null: no upper bound, or no target.")
    advice: str


class GuidanceProfileOut(Schema):
    slug: str = Field(description="What GET and PATCH /profile call it.")
    name: str
    source: str = Field(description="Where the rule comes from.")
    method: Literal["brackets", "ratio"] = Field(
        description="brackets: a K2 target per bracket of daily vitamin D; ratio: K2 in proportion to vitamin D."
    )
    is_default: bool = Field(description="The profile of users who chose none.")
    mk4_per_mk7_equivalent: float = Field(description="How many µg of MK-4 count as 1 µg of MK-7.")
    k2_ug_per_1000_iu: float | None = Field(description="Ratio profiles: the K2 target per 1,000 IU of vitamin D.")
    child_k2_target_ug: float | None = Field(description="A daily K2 minimum for children, where the source gives one.")
    ratio_advice: str = Field(description="Ratio profiles: the advice shown with the target.")
    brackets: list[BracketOut] = Field(description="Brackets profiles: in order of daily vitamin D.")


def bracket_json(bracket):
    return {
        "from_vitamin_d_iu": float(bracket.from_vitamin_d_iu),
        "includes_from": bracket.includes_from,
        "k2_target_min_ug": _number(bracket.k2_target_min_ug),
        "k2_target_max_ug": _number(bracket.k2_target_max_ug),
        "advice": bracket.advice,
    }


def guidance_profile_json(profile):
    return {
        "slug": profile.slug,
        "name": profile.name,
        "source": profile.source,
        "method": profile.method,
        "is_default": profile.is_default,
        "mk4_per_mk7_equivalent": float(profile.mk4_per_mk7_equivalent),
        "k2_ug_per_1000_iu": _number(profile.k2_ug_per_1000_iu),
        "child_k2_target_ug": _number(profile.child_k2_target_ug),
        "ratio_advice": profile.ratio_advice,
        "brackets": [bracket_json(bracket) for bracket in profile.brackets.all()],
    }


def _number(value):
    return None if value is None else float(value)


@router.get("/guidance-profiles", response={200: list[GuidanceProfileOut], 401: ErrorOut},
            summary="The pairing guidance profiles you may choose from")
def list_guidance_profiles(request):
    return [guidance_profile_json(profile) for profile in GuidanceProfile.objects.prefetch_related("brackets")]
