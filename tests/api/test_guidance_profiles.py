from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker.models import GuidanceBracket, GuidanceProfile

pytestmark = pytest.mark.django_db


def profiles_of(api):
    response = api.get("/guidance-profiles")
    assert response.status_code == 200
    return {profile["slug"]: profile for profile in response.json()}


def test_it_lists_the_clinical_table_with_its_brackets_in_order(alice_api):
    clinical = profiles_of(alice_api)["clinical-table"]

    assert (clinical["name"], clinical["method"], clinical["is_default"]) == ("Clinical table", "brackets", True)
    assert clinical["source"] == GuidanceProfile.objects.get(slug="clinical-table").source
    assert clinical["mk4_per_mk7_equivalent"] == 10
    assert (clinical["k2_ug_per_1000_iu"], clinical["child_k2_target_ug"]) == (None, None)
    bounds = [(b["from_vitamin_d_iu"], b["includes_from"], b["k2_target_min_ug"], b["k2_target_max_ug"])
              for b in clinical["brackets"]]
    # shared/DOMAIN.md: under 1,000 IU no target; 1,000–2,000 (inclusive) 45–90; over 2,000 100–200; over 5,000 200+.
    assert bounds == [(0, True, None, None), (1000, True, 45, 90), (2000, False, 100, 200), (5000, False, 200, None)]
    assert all(bracket["advice"] for bracket in clinical["brackets"])


def test_it_lists_the_ratio_profile_with_its_ratio_and_childrens_target(alice_api):
    ratio = profiles_of(alice_api)["ratio-per-1000-iu"]

    assert (ratio["method"], ratio["is_default"], ratio["brackets"]) == ("ratio", False, [])
    assert (ratio["k2_ug_per_1000_iu"], ratio["child_k2_target_ug"]) == (100, 120)
    assert "per 1,000 IU" in ratio["ratio_advice"]


def test_it_shows_a_staff_edit(alice_api):
    GuidanceProfile.objects.filter(slug="clinical-table").update(mk4_per_mk7_equivalent=Decimal("7.5"))

    assert profiles_of(alice_api)["clinical-table"]["mk4_per_mk7_equivalent"] == 7.5


def test_it_needs_a_token(anonymous_api):
    assert anonymous_api.get("/guidance-profiles").status_code == 401


def test_it_refuses_other_methods(alice_api):
    assert alice_api.post("/guidance-profiles", {}).status_code == 405


def test_it_takes_two_queries_whatever_the_number_of_profiles(alice_api):
    with CaptureQueriesContext(connection) as two_profiles:
        profiles_of(alice_api)
    for number in range(5):
        profile = GuidanceProfile.objects.create(slug=f"more-{number}", name=f"More {number}", source="A test",
                                                 method="brackets")
        GuidanceBracket.objects.create(profile=profile, from_vitamin_d_iu=0, k2_target_min_ug=10, advice="Some.")

    with CaptureQueriesContext(connection) as seven_profiles:
        assert len(profiles_of(alice_api)) == 7

    # The token with its user (1), the profiles (1), their brackets (1).
    assert len(two_profiles) == len(seven_profiles) == 3
