from decimal import Decimal

import pytest

from tracker import warnings
from tracker.models import Profile


def facts(**kw):
    fields = {
        "vitamin_d_iu": Decimal(0),
        "k2_equivalent_ug": Decimal(0),
        "k2_equivalent_from_supplements_ug": Decimal(0),
        "calcium_from_supplements_mg": Decimal(0),
        "vitamin_k_supplement_logged": False,
        "meals_with_d_or_k_supplement_without_fat": (),
    }
    fields.update(kw)
    return warnings.DayFacts(**fields)


def codes(profile=None, **kw):
    return [w.code for w in warnings.warnings_for_day(profile or Profile(), facts(**kw))]


def test_a_quiet_day_has_no_warnings():
    assert codes() == []


def test_warfarin_users_are_warned_when_they_log_vitamin_k():
    assert codes(Profile(takes_warfarin=True), vitamin_k_supplement_logged=True) == ["warfarin"]


def test_warfarin_users_get_no_day_warning_without_vitamin_k_but_a_standing_notice():
    profile = Profile(takes_warfarin=True)
    assert codes(profile) == []
    assert [w.code for w in warnings.standing_warnings(profile)] == ["warfarin"]


def test_no_one_else_is_warned_about_warfarin():
    assert codes(vitamin_k_supplement_logged=True) == []


def test_the_warfarin_message_spares_other_blood_thinners():
    assert "apixaban" in warnings.WARFARIN.message


@pytest.mark.parametrize(("iu", "warned"), [(5000, False), (Decimal("5000.01"), True), (50000, True)])
def test_high_vitamin_d_is_over_5000_iu(iu, warned):
    assert ("high_vitamin_d" in codes(vitamin_d_iu=Decimal(iu))) is warned


@pytest.mark.parametrize(("mg", "warned"), [(1499, False), (1500, True)])
def test_calcium_load_is_1500_mg_from_supplements(mg, warned):
    assert ("calcium_load" in codes(calcium_from_supplements_mg=Decimal(mg))) is warned


def test_kidney_disease_and_pregnancy_follow_the_flags():
    assert codes(Profile(kidney_disease=True, pregnant=True)) == ["kidney_disease", "pregnancy"]


@pytest.mark.parametrize(("ug", "warned"), [(360, False), (Decimal("360.5"), True)])
def test_k2_above_studied_is_over_360_ug(ug, warned):
    assert ("k2_above_studied" in codes(k2_equivalent_ug=Decimal(ug))) is warned


@pytest.mark.parametrize(("ug", "warned"), [(999, False), (1000, True)])
def test_k2_megadose_is_1000_ug_from_supplements(ug, warned):
    assert ("k2_megadose" in codes(k2_equivalent_from_supplements_ug=Decimal(ug))) is warned


def test_a_supplement_without_fat_names_the_meal():
    [warning] = warnings.warnings_for_day(Profile(), facts(meals_with_d_or_k_supplement_without_fat=("Breakfast",)))
    assert warning.code == "no_fat_with_supplement"
    assert "Breakfast had vitamin D or K supplements" in warning.message


def test_every_warning_has_a_source_and_a_message():
    for warning in warnings.ALL:
        assert warning.message and warning.source
