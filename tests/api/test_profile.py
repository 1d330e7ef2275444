import pytest

from tests.api.conftest import error_fields
from tests.tracker.factories import DAY, log_dose
from tracker.models import GuidanceProfile, Profile

pytestmark = pytest.mark.django_db

EVERY_FIELD = {"vitamin_d_unit": "ug", "guidance_profile": "ratio-per-1000-iu", "timezone": "Asia/Tokyo",
               "takes_warfarin": True, "kidney_disease": True, "pregnant": True, "is_child": True}


def profile_of(user):
    return Profile.objects.get(user=user)


def settings_of(profile):
    return {
        "vitamin_d_unit": profile.vitamin_d_unit,
        "guidance_profile": profile.effective_guidance_profile().slug,
        "timezone": profile.timezone,
        "takes_warfarin": profile.takes_warfarin,
        "kidney_disease": profile.kidney_disease,
        "pregnant": profile.pregnant,
        "is_child": profile.is_child,
    }


# Reading


def test_a_new_user_reads_the_defaults(alice_api):
    response = alice_api.get("/profile")

    assert response.status_code == 200
    assert response.json() == {"vitamin_d_unit": "IU", "guidance_profile": "clinical-table", "timezone": "UTC",
                               "takes_warfarin": False, "kidney_disease": False, "pregnant": False,
                               "is_child": False}


def test_it_reads_what_the_user_chose(alice_api, alice):
    Profile.objects.filter(pk=Profile.objects.for_user(alice).pk).update(
        vitamin_d_unit="ug", guidance_profile=GuidanceProfile.objects.get(slug="ratio-per-1000-iu"),
        timezone="Asia/Tokyo", takes_warfarin=True, kidney_disease=True, pregnant=True, is_child=True,
    )

    assert alice_api.get("/profile").json() == EVERY_FIELD


# Changing


def test_it_changes_every_field(alice_api, alice):
    response = alice_api.patch("/profile", EVERY_FIELD)

    assert response.status_code == 200
    assert response.json() == EVERY_FIELD
    assert settings_of(profile_of(alice)) == EVERY_FIELD


def test_fields_left_out_keep_their_values(alice_api, alice):
    alice_api.patch("/profile", EVERY_FIELD)

    response = alice_api.patch("/profile", {"timezone": "Europe/Paris", "pregnant": False})

    assert response.json() == {**EVERY_FIELD, "timezone": "Europe/Paris", "pregnant": False}
    assert settings_of(profile_of(alice)) == response.json()


def test_an_empty_change_changes_nothing(alice_api, alice):
    alice_api.patch("/profile", EVERY_FIELD)

    assert alice_api.patch("/profile", {}).json() == EVERY_FIELD


def test_the_chosen_guidance_profile_is_the_one_days_are_compared_with(alice_api, alice):
    log_dose(alice, "vitamin_d_ug", 2000, "IU")

    alice_api.patch("/profile", {"guidance_profile": "ratio-per-1000-iu"})

    guidance = alice_api.get(f"/days/{DAY}").json()["guidance"]
    assert (guidance["profile"], guidance["k2_target_min_ug"]) == ("ratio-per-1000-iu", 200)


def test_a_health_flag_set_here_shows_its_warning(alice_api, alice):
    alice_api.patch("/profile", {"kidney_disease": True})

    assert [w["code"] for w in alice_api.get(f"/days/{DAY}").json()["warnings"]] == ["kidney_disease"]


# Errors: the profile page's rules


@pytest.mark.parametrize("change, field", [
    ({"guidance_profile": "no-such-profile"}, "guidance_profile"),
    ({"guidance_profile": ""}, "guidance_profile"),
    ({"guidance_profile": "clinical-table\x00"}, "guidance_profile"),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ({"timezone": ""}, "timezone"),
    ({"vitamin_d_unit": "mg"}, "vitamin_d_unit"),
    ({"vitamin_d_unit": None}, "vitamin_d_unit"),
    ({"pregnant": None}, "pregnant"),
    ({"pregnant": "perhaps"}, "pregnant"),
    ({"timezone": "x" * 65}, "timezone"),
])
def test_a_value_the_profile_page_would_refuse_is_a_400_naming_it(alice_api, alice, change, field):
    alice_api.patch("/profile", EVERY_FIELD)

    response = alice_api.patch("/profile", {"is_child": False, **change})

    assert response.status_code == 400
    assert error_fields(response) == [field]
    assert settings_of(profile_of(alice)) == EVERY_FIELD


def test_it_names_every_wrong_field_at_once(alice_api):
    response = alice_api.patch("/profile", {"guidance_profile": "nope", "timezone": "Nowhere/Town"})

    assert sorted(error_fields(response)) == ["guidance_profile", "timezone"]


@pytest.mark.parametrize("body", ["{nope", "[null, null]", "[]", "5", "null", ""])
def test_a_body_that_is_not_a_json_object_is_a_400(alice_api, alice, body):
    alice_api.patch("/profile", EVERY_FIELD)

    response = alice_api.client.patch("/api/v1/profile", body, content_type="application/json",
                                      headers=alice_api.headers)

    assert response.status_code == 400
    assert settings_of(profile_of(alice)) == EVERY_FIELD


def test_it_needs_a_token(anonymous_api, alice):
    assert anonymous_api.get("/profile").status_code == 401
    assert anonymous_api.patch("/profile", {"pregnant": True}).status_code == 401
    assert not Profile.objects.filter(pregnant=True).exists()


def test_it_refuses_other_methods(alice_api):
    assert alice_api.post("/profile", {}).status_code == 405
    assert alice_api.delete("/profile").status_code == 405


# Isolation


def test_each_user_reads_and_changes_only_their_own(alice_api, bob_api, alice, bob):
    bob_api.patch("/profile", EVERY_FIELD)

    assert alice_api.get("/profile").json()["guidance_profile"] == "clinical-table"
    assert settings_of(Profile.objects.for_user(alice))["pregnant"] is False
    assert settings_of(profile_of(bob)) == EVERY_FIELD
