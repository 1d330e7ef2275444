import re

import pytest

from tracker.models import Profile

pytestmark = pytest.mark.django_db


def flag(user, **flags):
    Profile.objects.filter(pk=Profile.objects.for_user(user).pk).update(**flags)


def standing_codes(html):
    return re.findall(r'data-warning="(\w+)" data-standing="true"', html)


def test_a_warfarin_user_sees_the_notice_on_every_page(client, alice):
    flag(alice, takes_warfarin=True)
    client.force_login(alice)

    for url in ("/foods/", "/my-foods/", "/accounts/profile/", "/day/2026-11-20/add/supplement/"):
        assert standing_codes(client.get(url).content.decode()) == ["warfarin"], url


def test_the_day_page_shows_each_notice_once(client, alice):
    flag(alice, takes_warfarin=True, pregnant=True)
    client.force_login(alice)

    html = client.get("/day/2026-11-20/").content.decode()

    # Pregnancy is one of the day's own warnings; warfarin stands as a notice until K is logged.
    assert standing_codes(html) == ["warfarin"]
    assert sorted(re.findall(r'data-warning="(\w+)"', html)) == ["pregnancy", "warfarin"]


def test_users_without_flags_see_no_notice(client, alice):
    client.force_login(alice)
    assert standing_codes(client.get("/foods/").content.decode()) == []


def test_visitors_see_no_notice(client):
    assert standing_codes(client.get("/").content.decode()) == []
