"""
The nutrients Tandem tracks: the one list that forms, admin, totals, import and export read.

Codes carry their storage unit (`vitamin_d_ug`), so a number never travels without it. The USDA
numbers map each nutrient to SR28's `Nutr_No` and FoodData Central's `nutrient.id` (see
shared/data/usda_sr28/README.md); the `iu_` numbers are where USDA gives the same nutrient in IU
instead (vitamin D, for foods it has no µg figure for). Sources: shared/DOMAIN.md, "Nutrients tracked".
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Nutrient:
    code: str
    label: str
    unit: str
    sr28_number: str | None = None
    fdc_id: int | None = None
    help_text: str = ""
    iu_sr28_number: str | None = None
    iu_fdc_id: int | None = None


VITAMIN_D = Nutrient(
    "vitamin_d_ug", "Vitamin D (D2 + D3)", "µg", "328", 1114,
    "Stored in µg; 1 µg = 40 IU.",
    iu_sr28_number="324", iu_fdc_id=1110,
)
K2_MK4 = Nutrient(
    "k2_mk4_ug", "Vitamin K2 as MK-4", "µg", "428", 1183,
    "Menaquinone-4: eggs, butter, chicken, goose liver; synthetic MK-4 supplements.",
)
K2_MK7 = Nutrient(
    "k2_mk7_ug", "Vitamin K2 as MK-7", "µg",
    help_text="Menaquinone-7: natto; most K2 supplements. USDA does not report it.",
)
K2_OTHER = Nutrient(
    "k2_other_ug", "Vitamin K2, other long-chain (MK-5 to MK-10)", "µg",
    help_text="Cheeses (MK-8, MK-9), sauerkraut.",
)
K1 = Nutrient(
    "k1_ug", "Vitamin K1 (phylloquinone)", "µg", "430", 1185,
    "Leafy greens. Shown, but never counted as K2.",
)
VITAMIN_A = Nutrient("vitamin_a_ug_rae", "Vitamin A", "µg RAE", "320", 1106)
CALCIUM = Nutrient("calcium_mg", "Calcium", "mg", "301", 1087)
FAT = Nutrient("fat_g", "Total fat", "g", "204", 1004)
PROTEIN = Nutrient(
    "protein_g", "Protein", "g", "203", 1003, "Kept to check energy against 4/4/9 of the macros."
)
CARBOHYDRATE = Nutrient(
    "carbohydrate_g", "Carbohydrate", "g", "205", 1005,
    "By difference. Kept to check energy against 4/4/9 of the macros.",
)
ENERGY = Nutrient("energy_kcal", "Energy", "kcal", "208", 1008)

NUTRIENTS = (VITAMIN_D, K2_MK4, K2_MK7, K2_OTHER, K1, VITAMIN_A, CALCIUM, FAT, PROTEIN, CARBOHYDRATE, ENERGY)
BY_CODE = {nutrient.code: nutrient for nutrient in NUTRIENTS}
BY_SR28_NUMBER = {n.sr28_number: n for n in NUTRIENTS if n.sr28_number}
BY_FDC_ID = {n.fdc_id: n for n in NUTRIENTS if n.fdc_id}
CHOICES = [(n.code, f"{n.label} ({n.unit})") for n in NUTRIENTS]

K2_FORMS = (K2_MK4, K2_MK7, K2_OTHER)

# What a supplement label states in full: a D3 softgel's label that names no K2 means none, not unknown.
LABEL_VITAMINS_AND_MINERALS = (VITAMIN_D, K2_MK4, K2_MK7, K2_OTHER, K1, VITAMIN_A, CALCIUM)

# Article A: "100 mcg K2 (as MK-7), or 1,000 mcg (as MK-4)": MK-4 counts a tenth of MK-7. Guidance
# profiles carry their own factor; this is the default they start from and the one the catalog
# uses to rank foods.
DEFAULT_MK4_PER_MK7_EQUIVALENT = Decimal(10)


def k2_mk7_equivalent_ug(mk4_ug, mk7_ug, other_ug, mk4_per_mk7=DEFAULT_MK4_PER_MK7_EQUIVALENT):
    """K2 counted against guidance: MK-7 + other long-chain MKs + MK-4 / 10 (DOMAIN.md).

    Unknown forms (None) count as nothing; None only when every form is unknown. Always a Decimal,
    whatever number type the factor comes as (an int factor would give an int or a float).
    """
    if mk4_ug is None and mk7_ug is None and other_ug is None:
        return None
    return (mk7_ug or 0) + (other_ug or 0) + (mk4_ug or 0) / Decimal(mk4_per_mk7)
