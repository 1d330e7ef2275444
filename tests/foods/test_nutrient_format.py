from decimal import Decimal

import pytest

from foods.templatetags.nutrient_format import amount, format_amount, iu, quantity


@pytest.mark.parametrize(
    "value, shown",
    [
        ("939", "939"),
        ("1100", "1,100"),
        ("939.5000", "940"),
        ("76.4200", "76.4"),
        ("76.0000", "76"),
        ("4.834", "4.83"),
        ("0.5", "0.5"),
        ("0.02104", "0.021"),
        ("0.0001", "0.0001"),
        ("99.96", "100"),
        ("0", "0"),
        ("0.0000", "0"),
    ],
)
def test_it_shows_a_few_significant_digits(value, shown):
    assert format_amount(Decimal(value)) == shown


def test_unknown_is_a_dash_and_zero_is_zero():
    assert "—" in amount(None) and "not measured" in amount(None)
    assert amount(Decimal("0")) == "0"
    assert "—" in iu(None)


def test_it_shows_vitamin_d_in_iu():
    assert iu(Decimal("2.5")) == "100"
    assert iu(Decimal("1250")) == "50,000"


def test_it_shows_portion_quantities_as_stored():
    assert quantity(Decimal("28.350")) == "28.35"
    assert quantity(Decimal("100.000")) == "100"
    assert quantity(Decimal("2.000")) == "2"
    assert quantity(None) == ""
