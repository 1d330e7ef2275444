"""Browsing the seed catalog: search, open a food, read its values with their sources."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def nutrient_row(page, label):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=label, exact=True))


def test_it_finds_natto_and_shows_its_mk7_with_its_source(page, log_in, alice):
    call_command("load_catalog", stdout=io.StringIO())
    log_in(alice)

    page.get_by_role("link", name="Foods", exact=True).click()
    page.get_by_label("Name").fill("natto")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#result-count")).to_have_text("1 item")
    page.get_by_role("link", name="Natto", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Natto")
    mk7 = nutrient_row(page, "Vitamin K2 as MK-7")
    expect(mk7.get_by_role("cell")).to_have_text(
        ["939", "µg", "per 100 g", re.compile(r"Kamao M et al\. J Nutr Sci Vitaminol 2007"), re.compile("Kamao 2007")]
    )
    expect(mk7.get_by_role("link", name=re.compile("Kamao M et al"))).to_have_attribute(
        "href", "https://doi.org/10.3177/jnsv.53.464"
    )
    mk4 = nutrient_row(page, "Vitamin K2 as MK-4")
    expect(mk4.get_by_role("cell")).to_have_text(["—", "µg", "per 100 g", "not measured"])
