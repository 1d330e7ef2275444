"""Unit conversions, each in one place. Source: shared/DOMAIN.md, "Units a user may type"."""

from decimal import Decimal

IU_PER_UG_VITAMIN_D = Decimal(40)
UG_RAE_PER_IU_RETINOL = Decimal("0.3")
GRAMS_PER_OUNCE = Decimal("28.35")


def plain(number):
    """A stored decimal as a person reads it: 939.0000 → "939", 0.0250 → "0.025", 1E+2 → "100"."""
    return f"{Decimal(number).normalize():f}"


def vitamin_d_iu_to_ug(iu):
    return Decimal(iu) / IU_PER_UG_VITAMIN_D


def vitamin_d_ug_to_iu(ug):
    return Decimal(ug) * IU_PER_UG_VITAMIN_D


def retinol_iu_to_ug_rae(iu):
    """Only for retinol (preformed vitamin A); carotenoids convert differently, so ask the form."""
    return Decimal(iu) * UG_RAE_PER_IU_RETINOL
