"""A new user signs up and logs a day: a food found by typing, a vitamin D softgel, then natto."""

import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from tracker.models import Entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def field(page, label):
    """A form field by its label, which ends in "*" when the field is required."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def sign_up(page, username, password="a-long-unusual-passphrase"):
    page.goto("/")
    page.get_by_role("link", name="Sign up, it's free").click()  # the landing page's call to action
    field(page, "Username").fill(username)
    field(page, "Email").fill(f"{username}@example.com")
    field(page, "Password").fill(password)
    field(page, "Password confirmation").fill(password)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("button", name=f"Log out ({username})")).to_be_visible()


def open_entry_form(page, meal, link):
    page.get_by_role("region", name=meal, exact=True).get_by_role("link", name=link).click()


def pick_by_typing(page, letters, name):
    """Type into the search box and click a suggestion; the page must not reload meanwhile."""
    page.evaluate("window.sameDocument = true")
    page.get_by_role("searchbox").press_sequentially(letters, delay=30)
    page.locator("#item-suggestions").get_by_role("button", name=name, exact=True).click()
    assert page.evaluate("window.sameDocument === true"), "the page reloaded"


def guidance(page):
    return page.get_by_role("region", name="Vitamin D and K2 today")


def test_a_new_user_logs_a_day_and_sees_it_paired(page):
    call_command("load_catalog", stdout=io.StringIO())
    sign_up(page, "carol")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")

    # A food without vitamin D: with the softgel's 5,000 IU, any more (an egg yolk's 37 IU) would reach the
    # over-5,000 IU bracket, whose target is "at least 200 µg".
    open_entry_form(page, "Breakfast", "Add food")
    pick_by_typing(page, "sauer", "Sauerkraut")
    page.get_by_label("How many").fill("1")
    page.get_by_label("Portion").select_option(label="1 cup (142 g)")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("alert").filter(has_text="Logged")).to_have_text(
        "Logged Sauerkraut, 1 × 1 cup, in Breakfast."
    )

    open_entry_form(page, "Breakfast", "Add supplement")
    pick_by_typing(page, "d3 5,0", "Vitamin D3 5,000 IU softgel")
    page.get_by_label("Units").fill("1")
    page.get_by_role("button", name="Add").click()

    panel = guidance(page)
    expect(panel.locator("#guidance-status")).to_have_attribute("data-status", "below")
    expect(panel.locator("#guidance-status")).to_have_text("Below the K2 target")
    expect(panel.locator("#guidance-vitamin-d")).to_have_text("5,000 IU")
    expect(panel.locator("#guidance-target")).to_have_text("100–200 µg")
    expect(panel.locator("#guidance-k2")).to_have_text("6.82 µg")

    open_entry_form(page, "Dinner", "Add food")
    pick_by_typing(page, "nat", "Natto")
    page.get_by_label("Grams").fill("20")
    page.get_by_role("button", name="Add").click()

    expect(panel.locator("#guidance-status")).to_have_attribute("data-status", "within")
    expect(panel.locator("#guidance-status")).to_have_text("Within the K2 target")
    expect(panel.locator("#guidance-target")).to_have_text("100–200 µg")
    expect(panel.locator("#guidance-k2")).to_have_text("194.6 µg")
    natto = page.get_by_role("region", name="Dinner", exact=True).locator(".entry")
    expect(natto.locator(".entry-k2")).to_have_text("187.8 µg MK-7")

    carol = get_user_model().objects.get(username="carol")
    saved = Entry.objects.for_user(carol).order_by("pk")
    assert [(e.label, e.meal, e.quantity, e.quantity_unit) for e in saved] == [
        ("Sauerkraut", "breakfast", Decimal(1), Entry.Unit.PORTION),
        ("Vitamin D3 5,000 IU softgel", "breakfast", Decimal(1), Entry.Unit.UNITS),
        ("Natto", "dinner", Decimal(20), Entry.Unit.GRAMS),
    ]
