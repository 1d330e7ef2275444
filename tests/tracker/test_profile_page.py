import re

import pytest
from django.utils.html import escape

from tracker.models import GuidanceProfile, Profile

pytestmark = pytest.mark.django_db

URL = "/accounts/profile/"


def settings_data(**changes):
    data = {
        "vitamin_d_unit": "ug",
        "guidance_profile": GuidanceProfile.objects.get(slug="ratio-per-1000-iu").pk,
        "timezone": "Europe/Berlin",
        "takes_warfarin": "on",
        "pregnant": "on",
    }
    return data | changes


def selected_option(html, select_name):
    select = re.search(rf'<select[^>]* name="{select_name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select)


def checked_inputs(html, name):
    """The values of the ticked radio buttons or checkboxes called `name`."""
    tags = re.findall(rf'<input[^>]* name="{name}"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', tag).group(1) if "value=" in tag else "on"
            for tag in tags if re.search(r"\schecked\b", tag)]


def test_it_needs_a_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={URL}"


def test_it_shows_the_defaults_with_clinical_table_selected(client, alice, django_assert_num_queries):
    Profile.objects.for_user(alice)
    client.force_login(alice)

    # user (the session is read from the cache), profile, the default guidance profile, the options, crispy's
    # check that there are some, the API tokens, and the standing notices of base.html
    with django_assert_num_queries(7):
        response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    clinical_table = GuidanceProfile.objects.get(slug="clinical-table")
    assert selected_option(html, "guidance_profile") == [str(clinical_table.pk)]
    assert escape(f"Clinical table — {clinical_table.source}") in html
    assert selected_option(html, "timezone") == ["UTC"]
    assert checked_inputs(html, "vitamin_d_unit") == ["IU"]
    assert checked_inputs(html, "takes_warfarin") == []


def test_it_offers_every_time_zone_sorted(client, alice):
    client.force_login(alice)

    html = client.get(URL).content.decode()

    select = re.search(r'<select[^>]* name="timezone".*?</select>', html, re.S).group(0)
    zones = re.findall(r'<option value="([^"]*)"', select)
    assert "Europe/Berlin" in zones and "America/New_York" in zones
    assert zones == sorted(zones)


def test_it_explains_each_health_flag_and_says_it_is_not_medical_advice(client, alice):
    client.force_login(alice)

    html = client.get(URL).content.decode()

    health = re.search(r'<fieldset class="mb-4" id="health-flags">.*?</fieldset>', html, re.S).group(0)
    assert "not medical advice" in health
    for flag, explanation in [
        ("takes_warfarin", "warfarin notice"),
        ("kidney_disease", "nephrologist"),
        ("pregnant", "food sources of K2"),
        ("is_child", "K2 target where the chosen guidance gives one"),
    ]:
        assert f'name="{flag}"' in health
        assert explanation in health


def test_it_saves_the_settings_and_says_so(client, alice):
    client.force_login(alice)

    response = client.post(URL, settings_data())

    assert response.status_code == 302
    assert response.url == URL
    profile = Profile.objects.get(user=alice)
    assert profile.vitamin_d_unit == "ug"
    assert profile.guidance_profile.slug == "ratio-per-1000-iu"
    assert profile.timezone == "Europe/Berlin"
    assert (profile.takes_warfarin, profile.kidney_disease, profile.pregnant, profile.is_child) == (
        True, False, True, False
    )
    assert "Your settings are saved." in client.get(URL).content.decode()


def test_unticking_a_health_flag_clears_it(client, alice):
    Profile.objects.filter(pk=Profile.objects.for_user(alice).pk).update(takes_warfarin=True, is_child=True)
    client.force_login(alice)

    client.post(URL, settings_data(takes_warfarin="", pregnant=""))

    profile = Profile.objects.get(user=alice)
    assert (profile.takes_warfarin, profile.pregnant, profile.is_child) == (False, False, False)


def test_an_unknown_time_zone_is_a_form_error_and_keeps_the_rest(client, alice):
    client.force_login(alice)

    response = client.post(URL, settings_data(timezone="Mars/Olympus_Mons"))

    assert response.status_code == 200
    assert "Select a valid choice." in str(response.context["form"].errors["timezone"])
    html = response.content.decode()
    assert checked_inputs(html, "vitamin_d_unit") == ["ug"]
    assert checked_inputs(html, "takes_warfarin") == ["on"]
    assert checked_inputs(html, "kidney_disease") == []
    assert selected_option(html, "guidance_profile") == [str(settings_data()["guidance_profile"])]
    profile = Profile.objects.get(user=alice)
    assert (profile.timezone, profile.vitamin_d_unit, profile.takes_warfarin) == ("UTC", "IU", False)


@pytest.mark.parametrize("guidance_profile", ["999999", "clinical-table", ""])
def test_an_unknown_guidance_profile_is_a_form_error(client, alice, guidance_profile):
    client.force_login(alice)

    response = client.post(URL, settings_data(guidance_profile=guidance_profile))

    assert response.status_code == 200
    assert response.context["form"].errors["guidance_profile"]
    assert Profile.objects.get(user=alice).guidance_profile is None


def test_an_unknown_vitamin_d_unit_is_a_form_error(client, alice):
    client.force_login(alice)

    response = client.post(URL, settings_data(vitamin_d_unit="mg"))

    assert response.status_code == 200
    assert response.context["form"].errors["vitamin_d_unit"]
    assert Profile.objects.get(user=alice).vitamin_d_unit == "IU"


def test_it_shows_and_saves_only_the_users_own_profile(client, alice, bob):
    Profile.objects.filter(pk=Profile.objects.for_user(bob).pk).update(timezone="Asia/Tokyo")
    client.force_login(alice)

    assert selected_option(client.get(URL).content.decode(), "timezone") == ["UTC"]
    client.post(URL, settings_data(timezone="Europe/Berlin"))

    assert Profile.objects.get(user=bob).timezone == "Asia/Tokyo"
    assert Profile.objects.get(user=alice).timezone == "Europe/Berlin"


def test_it_refuses_other_methods(client, alice):
    client.force_login(alice)

    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405
