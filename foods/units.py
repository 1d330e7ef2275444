"""Unit conversions, each in one place. Source: shared/DOMAIN.md, "Units a user may type"."""

from decimal import Decimal

IU_PER_UG_VITAMIN_D = Decimal(40)
UG_RAE_PER_IU_RETINOL = Decimal("0.3")
GRAMS_PER_OUNCE = Decimal("28.35")


def vitamin_d_iu_to_ug(iu):
    return Decimal(iu) / IU_PER_UG_VITAMIN_D


def vitamin_d_ug_to_iu(ug):
    return Decimal(ug) * IU_PER_UG_VITAMIN_D


def retinol_iu_to_ug_rae(iu):
    """Only for retinol (preformed vitamin A); carotenoids convert differently, so ask the form."""
    return Decimal(iu) * UG_RAE_PER_IU_RETINOL
