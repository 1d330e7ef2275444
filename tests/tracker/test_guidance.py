"""The guidance rules against the seeded profiles of DOMAIN.md."""

from decimal import Decimal

import pytest

from tracker import guidance
from tracker.models import GuidanceProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinical():
    return GuidanceProfile.objects.get(slug="clinical-table")


@pytest.fixture
def ratio():
    return GuidanceProfile.objects.get(slug="ratio-per-1000-iu")


@pytest.mark.parametrize(
    ("vitamin_d_iu", "k2_min", "k2_max"),
    [
        (0, None, None),
        (999, None, None),
        (1000, 45, 90),
        (2000, 45, 90),
        (2001, 100, 200),
        (5000, 100, 200),
        (5001, 200, None),
        (50000, 200, None),
    ],
)
def test_the_clinical_table_brackets_the_day_vitamin_d(clinical, vitamin_d_iu, k2_min, k2_max):
    target = guidance.k2_target(clinical, Decimal(vitamin_d_iu))
    assert (target.min_ug, target.max_ug) == (
        None if k2_min is None else Decimal(k2_min),
        None if k2_max is None else Decimal(k2_max),
    )


def test_a_fraction_of_an_iu_over_2000_moves_to_the_next_bracket(clinical):
    assert guidance.k2_target(clinical, Decimal("2000.01")).min_ug == 100


def test_the_clinical_table_is_the_default():
    assert GuidanceProfile.default().slug == "clinical-table"


def test_each_bracket_brings_its_advice(clinical):
    assert "food sources" in guidance.k2_target(clinical, Decimal(500)).advice
    assert "medical supervision" in guidance.k2_target(clinical, Decimal(6000)).advice


@pytest.mark.parametrize(
    ("k2", "status"),
    [(0, "below"), (Decimal("99.9"), "below"), (100, "within"), (200, "within"), (Decimal("200.1"), "above")],
)
def test_the_status_compares_k2_with_the_target(clinical, k2, status):
    assert guidance.guidance_for(clinical, Decimal(5000), Decimal(k2)).status == status


def test_there_is_no_status_without_a_target(clinical):
    assert guidance.guidance_for(clinical, Decimal(999), Decimal(500)).status == "no_target"


def test_the_ratio_profile_asks_100_ug_per_1000_iu(ratio):
    target = guidance.k2_target(ratio, Decimal(5000))
    assert (target.min_ug, target.max_ug) == (Decimal(500), None)
    assert guidance.guidance_for(ratio, Decimal(5000), Decimal(10000)).status == "within"


def test_the_ratio_profile_has_no_target_without_vitamin_d(ratio):
    assert guidance.guidance_for(ratio, Decimal(0), Decimal(0)).status == "no_target"


def test_the_ratio_profile_gives_children_about_120_ug(ratio):
    target = guidance.k2_target(ratio, Decimal(400), is_child=True)
    assert target.min_ug == 120


def test_mk4_counts_a_tenth_under_each_profile(clinical, ratio):
    assert clinical.mk4_per_mk7_equivalent == ratio.mk4_per_mk7_equivalent == 10


def test_progress_is_capped_at_the_target():
    target = guidance.Target(Decimal(100), Decimal(200), "")
    half = guidance.Guidance(None, Decimal(5000), Decimal(50), target, "below")
    over = guidance.Guidance(None, Decimal(5000), Decimal(150), target, "within")
    assert (half.progress_percent, over.progress_percent) == (50, 100)
