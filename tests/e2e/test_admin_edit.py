"""A food editor corrects natto's MK-7 in the admin and finds the change, with their name, in its history."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from foods.models import NutrientValue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in_to_the_admin(page, user, password="correct-horse-battery"):
    page.goto("/admin/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def nutrient_value_row(page, code):
    """The inline row of the item page whose nutrient select shows `code`."""
    return page.locator(f"tr.form-row:has(select[name$='-nutrient'] option[value='{code}'][selected])")


def test_a_food_editor_changes_natto_mk7_and_sees_it_in_the_history(page, editor):
    call_command("load_catalog", stdout=io.StringIO())
    log_in_to_the_admin(page, editor)

    page.get_by_role("link", name="Items").click()
    page.get_by_role("textbox", name="Search").fill("natto")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Natto", exact=True).click()
    amount = nutrient_value_row(page, "k2_mk7_ug").locator("input[name$='-amount']")
    expect(amount).to_have_value("939")
    amount.fill("1000")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    natto_row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Natto", exact=True))
    expect(natto_row.locator("td.field-k2_mk7_equivalent")).to_have_text("1000")
    natto_row.get_by_role("link", name="Natto", exact=True).click()
    expect(amount).to_have_value("1000")

    page.get_by_role("link", name="History").click()
    change = page.locator("#data-changes").get_by_role("row").filter(has_text="Changed")
    expect(change.get_by_role("cell")).to_have_text(
        [re.compile(r"\d"), "erin", "Changed", "Vitamin K2 as MK-7", "amount: 939 µg → 1000 µg"]
    )
    saved = NutrientValue.objects.get(item__seed_key="natto", nutrient="k2_mk7_ug")
    assert saved.amount == Decimal(1000)
    assert saved.history.latest().history_user == editor
