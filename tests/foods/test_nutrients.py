from decimal import Decimal

import pytest

from foods import nutrients, units


def test_every_code_carries_its_unit():
    for nutrient in nutrients.NUTRIENTS:
        assert nutrient.code.endswith(("_ug", "_mg", "_g", "_kcal", "_ug_rae"))


def test_the_contracted_codes_are_all_there():
    contracted = {
        "vitamin_d_ug", "k2_mk4_ug", "k2_mk7_ug", "k2_other_ug", "k1_ug",
        "vitamin_a_ug_rae", "calcium_mg", "fat_g", "energy_kcal",
    }
    assert contracted <= set(nutrients.BY_CODE)


def test_mk4_counts_a_tenth_of_mk7():
    assert nutrients.k2_mk7_equivalent_ug(Decimal(1000), None, None) == Decimal(100)
    assert nutrients.k2_mk7_equivalent_ug(Decimal(10), Decimal(100), Decimal(5)) == Decimal(106)


def test_k2_equivalent_is_unknown_only_when_every_form_is():
    assert nutrients.k2_mk7_equivalent_ug(None, None, None) is None
    assert nutrients.k2_mk7_equivalent_ug(None, Decimal(0), None) == 0


@pytest.mark.parametrize("mk4_per_mk7", [4, Decimal(4), 4.0])
@pytest.mark.parametrize(
    "forms, expected",
    [
        ((Decimal(8), None, None), Decimal(2)),
        ((None, Decimal("1.5"), None), Decimal("1.5")),
        ((None, None, Decimal(0)), Decimal(0)),
        ((Decimal(2), Decimal(1), Decimal(3)), Decimal("4.5")),
    ],
)
def test_k2_equivalent_is_a_decimal_whatever_the_factor_is_given_as(mk4_per_mk7, forms, expected):
    equivalent = nutrients.k2_mk7_equivalent_ug(*forms, mk4_per_mk7=mk4_per_mk7)

    assert type(equivalent) is Decimal
    assert equivalent == expected


def test_one_microgram_of_vitamin_d_is_40_iu():
    assert units.vitamin_d_iu_to_ug(5000) == Decimal(125)
    assert units.vitamin_d_ug_to_iu(Decimal("2.5")) == Decimal(100)


def test_retinol_iu_converts_to_rae():
    assert units.retinol_iu_to_ug_rae(1000) == Decimal(300)


def test_a_stored_decimal_reads_plainly():
    assert [units.plain(Decimal(text)) for text in ("939.0000", "0.0250", "1E+2", "28.350")] == [
        "939", "0.025", "100", "28.35"
    ]
