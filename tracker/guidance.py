"""
The D-to-K2 pairing guidance: which K2 target a day's vitamin D calls for under a guidance profile,
and how the day's K2 (MK-7 equivalent) stands against it. The rules are data (GuidanceProfile and
its brackets, seeded from shared/DOMAIN.md); these functions only read them.
"""

from dataclasses import dataclass
from decimal import Decimal

NO_TARGET = "no_target"
BELOW = "below"
WITHIN = "within"
ABOVE = "above"
STATUSES = (NO_TARGET, BELOW, WITHIN, ABOVE)

STATUS_LABELS = {
    NO_TARGET: "No K2 target",
    BELOW: "Below the K2 target",
    WITHIN: "Within the K2 target",
    ABOVE: "Above the K2 target",
}


@dataclass(frozen=True)
class Target:
    """A K2 target in µg of MK-7 equivalent; `min_ug` None means no target at all."""

    min_ug: Decimal | None
    max_ug: Decimal | None
    advice: str

    @property
    def exists(self):
        return self.min_ug is not None


@dataclass(frozen=True)
class Guidance:
    profile: object
    vitamin_d_iu: Decimal
    k2_equivalent_ug: Decimal
    target: Target
    status: str

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def progress_percent(self):
        """How far the K2 has come towards the target's minimum, capped at 100."""
        if not self.target.exists or not self.target.min_ug:
            return 100
        return min(100, int(self.k2_equivalent_ug * 100 / self.target.min_ug))


def k2_target(profile, vitamin_d_iu, *, is_child=False):
    """The K2 target that `vitamin_d_iu` a day calls for under `profile`."""
    if profile.method == profile.Method.RATIO:
        return _ratio_target(profile, vitamin_d_iu, is_child=is_child)
    return _bracket_target(profile, vitamin_d_iu)


def _bracket_target(profile, vitamin_d_iu):
    bracket = None
    for candidate in sorted(profile.brackets.all(), key=lambda b: (b.from_vitamin_d_iu, b.includes_from)):
        if candidate.admits(vitamin_d_iu):
            bracket = candidate
    if bracket is None:
        return Target(None, None, "")
    return Target(bracket.k2_target_min_ug, bracket.k2_target_max_ug, bracket.advice)


def _ratio_target(profile, vitamin_d_iu, *, is_child):
    """Article A: 100 µg MK-7 per 1,000 IU of vitamin D, no upper bound; children about 120 µg a day."""
    if is_child and profile.child_k2_target_ug is not None:
        return Target(profile.child_k2_target_ug, None, "Children: about 120 µg of K2 a day (article A).")
    if vitamin_d_iu <= 0:
        return Target(None, None, profile.ratio_advice)
    return Target(profile.k2_ug_per_1000_iu * vitamin_d_iu / 1000, None, profile.ratio_advice)


def status_of(k2_equivalent_ug, target):
    if not target.exists:
        return NO_TARGET
    if k2_equivalent_ug < target.min_ug:
        return BELOW
    if target.max_ug is not None and k2_equivalent_ug > target.max_ug:
        return ABOVE
    return WITHIN


def guidance_for(profile, vitamin_d_iu, k2_equivalent_ug, *, is_child=False):
    target = k2_target(profile, vitamin_d_iu, is_child=is_child)
    return Guidance(profile, vitamin_d_iu, k2_equivalent_ug, target, status_of(k2_equivalent_ug, target))
