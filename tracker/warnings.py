"""
The warnings a day can carry, each with a stable code, a plain-language message and its source
(shared/DOMAIN.md, "Warnings"). `warnings_for_day` decides which apply.
"""

from dataclasses import dataclass
from decimal import Decimal

ARTICLE_A = "“The importance of combining vitamin K2 with vitamin D” (wellness article)"
ARTICLE_B = "A clinician's article on D/K2 dosing"
ARTICLES_A_AND_B = f"{ARTICLE_A}; {ARTICLE_B}"

HIGH_VITAMIN_D_IU = Decimal(5000)
CALCIUM_LOAD_MG = Decimal(1500)
K2_STUDIED_UP_TO_UG = Decimal(360)
K2_MEGADOSE_UG = Decimal(1000)
FAT_WITH_SUPPLEMENT_G = Decimal(5)


@dataclass(frozen=True)
class DayWarning:
    code: str
    message: str
    source: str


WARFARIN = DayWarning(
    "warfarin",
    "You take warfarin (Coumadin): vitamin K, K1 or K2, works against it. Do not take vitamin K supplements "
    "without your doctor's agreement. Other blood thinners (apixaban, rivaroxaban, clopidogrel, dabigatran, "
    "prasugrel, aspirin, fish oil) work differently and are not affected this way.",
    ARTICLES_A_AND_B,
)
HIGH_VITAMIN_D = DayWarning(
    "high_vitamin_d",
    "Over 5,000 IU of vitamin D in a day: the source advises this only under medical supervision, "
    "split morning and evening with meals.",
    ARTICLE_B,
)
CALCIUM_LOAD = DayWarning(
    "calcium_load",
    "1,500 mg or more of calcium from supplements today: K2 alone may not offset such a calcium load. "
    "Ask your doctor whether you need that much.",
    ARTICLE_B,
)
KIDNEY_DISEASE = DayWarning(
    "kidney_disease",
    "With chronic kidney disease stage 4–5, mineral metabolism needs a nephrologist's guidance: "
    "do not adjust vitamin D, K2 or calcium on your own.",
    ARTICLE_B,
)
PREGNANCY = DayWarning(
    "pregnancy",
    "During pregnancy, prefer food sources of K2 (hard cheese, natto, egg yolks) to high-dose supplements; "
    "the right dose is not well established.",
    ARTICLE_B,
)
K2_ABOVE_STUDIED = DayWarning(
    "k2_above_studied",
    "Over 360 µg of K2 (MK-7 equivalent) today: studies up to 360 µg a day show good safety; "
    "more has not been studied as well.",
    ARTICLE_B,
)
K2_MEGADOSE = DayWarning(
    "k2_megadose",
    "1,000 µg or more of K2 (MK-7 equivalent) from supplements today: there is no evidence of added benefit.",
    ARTICLE_B,
)
NO_FAT_WITH_SUPPLEMENT = DayWarning(
    "no_fat_with_supplement",
    "Vitamins D and K are fat-soluble: take them with a meal containing fat. {meals} had vitamin D or K "
    "supplements but under 5 g of fat from food.",
    ARTICLE_B,
)

ALL = (WARFARIN, HIGH_VITAMIN_D, CALCIUM_LOAD, KIDNEY_DISEASE, PREGNANCY, K2_ABOVE_STUDIED, K2_MEGADOSE,
       NO_FAT_WITH_SUPPLEMENT)
BY_CODE = {warning.code: warning for warning in ALL}


@dataclass(frozen=True)
class DayFacts:
    """What the warnings need to know of one day."""

    vitamin_d_iu: Decimal
    k2_equivalent_ug: Decimal
    k2_equivalent_from_supplements_ug: Decimal
    calcium_from_supplements_mg: Decimal
    vitamin_k_supplement_logged: bool
    meals_with_d_or_k_supplement_without_fat: tuple[str, ...]  # meal labels


def standing_warnings(profile):
    """Warnings shown on every page of a user with these health flags, whatever they logged."""
    flagged = [
        (profile.takes_warfarin, WARFARIN),
        (profile.kidney_disease, KIDNEY_DISEASE),
        (profile.pregnant, PREGNANCY),
    ]
    return [warning for applies, warning in flagged if applies]


def warnings_for_day(profile, facts):
    """Every warning of DOMAIN.md that applies to a day, in the order of that table."""
    found = []
    if profile.takes_warfarin and facts.vitamin_k_supplement_logged:
        found.append(WARFARIN)
    if facts.vitamin_d_iu > HIGH_VITAMIN_D_IU:
        found.append(HIGH_VITAMIN_D)
    if facts.calcium_from_supplements_mg >= CALCIUM_LOAD_MG:
        found.append(CALCIUM_LOAD)
    if profile.kidney_disease:
        found.append(KIDNEY_DISEASE)
    if profile.pregnant:
        found.append(PREGNANCY)
    if facts.k2_equivalent_ug > K2_STUDIED_UP_TO_UG:
        found.append(K2_ABOVE_STUDIED)
    if facts.k2_equivalent_from_supplements_ug >= K2_MEGADOSE_UG:
        found.append(K2_MEGADOSE)
    if facts.meals_with_d_or_k_supplement_without_fat:
        meals = " and ".join(facts.meals_with_d_or_k_supplement_without_fat)
        found.append(
            DayWarning(NO_FAT_WITH_SUPPLEMENT.code, NO_FAT_WITH_SUPPLEMENT.message.format(meals=meals),
                       NO_FAT_WITH_SUPPLEMENT.source)
        )
    return found
