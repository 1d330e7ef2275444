"""A user who takes warfarin says so in their settings, then logs a K2 supplement and is warned."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tracker.models import Profile
from tracker.warnings import WARFARIN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_warfarin_user_sees_a_standing_notice_then_a_warning_on_logging_k2(page, log_in, alice):
    call_command("load_catalog", stdout=io.StringIO())
    log_in(alice)

    page.get_by_role("link", name="Settings").click()
    page.get_by_label("I take warfarin (Coumadin)").check()
    page.get_by_role("button", name="Save my settings").click()
    expect(page.get_by_role("alert")).to_have_text("Your settings are saved.")
    expect(page.get_by_label("I take warfarin (Coumadin)")).to_be_checked()
    assert Profile.objects.for_user(alice).takes_warfarin

    page.get_by_role("link", name="Today").click()
    warfarin = page.locator('[data-warning="warfarin"]')
    expect(warfarin).to_have_count(1)
    expect(warfarin).to_have_attribute("data-standing", "true")
    expect(warfarin).to_contain_text(f"Standing notice: {WARFARIN.message}")

    page.get_by_role("region", name="Breakfast", exact=True).get_by_role("link", name="Add supplement").click()
    page.get_by_role("searchbox").press_sequentially("k2 mk-7", delay=30)
    page.get_by_role("button", name="Vitamin K2 MK-7 100 µg capsule", exact=True).click()
    page.get_by_label("Units").fill("1")
    page.get_by_role("button", name="Add").click()

    expect(page.get_by_role("alert").filter(has_text="Logged")).to_contain_text("Vitamin K2 MK-7 100 µg capsule")
    expect(warfarin).to_have_count(1)
    expect(warfarin).not_to_have_attribute("data-standing", re.compile(".*"))
    expect(warfarin).to_have_attribute("role", "alert")
    expect(warfarin).to_contain_text(WARFARIN.message)
    expect(warfarin).to_contain_text(f"Source: {WARFARIN.source}")
    expect(warfarin).not_to_contain_text("Standing notice")
