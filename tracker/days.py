"""Everything the day page shows of one user's day: entries, totals, guidance, warnings, the week."""

from dataclasses import dataclass
from datetime import timedelta

from foods import nutrients
from tracker import guidance, warnings
from tracker.models import Entry, GuidanceProfile, Meal, Profile
from tracker.totals import FOOD, SUPPLEMENT, NutrientTotals, combine, totals_by

WEEK = 7


@dataclass(frozen=True)
class MealLog:
    meal: str
    label: str
    entries: list
    totals: NutrientTotals


@dataclass(frozen=True)
class WeekSummary:
    first_day: object
    last_day: object
    averages: NutrientTotals
    guidance: guidance.Guidance


@dataclass(frozen=True)
class DaySummary:
    day: object
    meals: list
    totals: NutrientTotals
    guidance: guidance.Guidance
    warnings: list
    week: WeekSummary

    @property
    def entries(self):
        return [entry for meal in self.meals for entry in meal.entries]


def guidance_profile_for(profile):
    """The user's guidance profile with its brackets, in two queries."""
    chosen = profile.guidance_profile_id or GuidanceProfile.default().pk
    return GuidanceProfile.objects.prefetch_related("brackets").get(pk=chosen)


def summarize_day(user, day):
    profile = Profile.objects.for_user(user)
    rules = guidance_profile_for(profile)
    day_entries = Entry.objects.for_user(user).on(day)
    groups = totals_by(day_entries, "meal")
    logged = list(day_entries.select_related("item", "portion").prefetch_related("item__nutrient_values"))

    meals = [
        MealLog(
            meal=meal.value,
            label=meal.label,
            entries=[entry for entry in logged if entry.meal == meal.value],
            totals=combine(groups, lambda key, meal=meal: key[0] == meal.value),
        )
        for meal in Meal
    ]
    totals = combine(groups)
    return DaySummary(
        day=day,
        meals=meals,
        totals=totals,
        guidance=guidance_for_totals(rules, totals, profile),
        warnings=warnings.warnings_for_day(profile, day_facts(groups, rules)),
        week=summarize_week(user, profile, day, rules),
    )


def summarize_week(user, profile, last_day, rules):
    """Averages over the 7 days ending on `last_day`, so a weekly 50,000 IU dose reads sensibly."""
    first_day = last_day - timedelta(days=WEEK - 1)
    week_entries = Entry.objects.for_user(user).between(first_day, last_day)
    averages = combine(totals_by(week_entries)).divided_by(WEEK)
    return WeekSummary(first_day, last_day, averages, guidance_for_totals(rules, averages, profile))


def guidance_for_totals(rules, totals, profile):
    """How the vitamin D and K2 (MK-7 equivalent) of `totals` stand against the guidance `rules`."""
    k2_equivalent = totals.k2_mk7_equivalent_ug(rules.mk4_per_mk7_equivalent)
    return guidance.guidance_for(rules, totals.vitamin_d_iu, k2_equivalent, is_child=profile.is_child)


def day_facts(groups, rules):
    """What the warnings need to know of one day, from its totals by (meal, kind) as `totals_by(…, "meal")` gives."""
    totals = combine(groups)
    supplements = combine(groups, lambda key: key[-1] == SUPPLEMENT)
    meals_without_fat = tuple(
        meal.label
        for meal in Meal
        if _has_d_or_k(groups.get((meal.value, SUPPLEMENT), NutrientTotals()))
        and groups.get((meal.value, FOOD), NutrientTotals())[nutrients.FAT.code] < warnings.FAT_WITH_SUPPLEMENT_G
    )
    return warnings.DayFacts(
        vitamin_d_iu=totals.vitamin_d_iu,
        k2_equivalent_ug=totals.k2_mk7_equivalent_ug(rules.mk4_per_mk7_equivalent),
        k2_equivalent_from_supplements_ug=supplements.k2_mk7_equivalent_ug(rules.mk4_per_mk7_equivalent),
        calcium_from_supplements_mg=supplements[nutrients.CALCIUM.code],
        vitamin_k_supplement_logged=supplements.vitamin_k_ug > 0,
        meals_with_d_or_k_supplement_without_fat=meals_without_fat,
    )


def _has_d_or_k(totals):
    return totals[nutrients.VITAMIN_D.code] > 0 or totals.vitamin_k_ug > 0
