"""
A user saves a daily vitamin D routine, logs its dose from the day page with one click, and sees it counted:
on the day, in the routine's adherence and in the history.
"""

import pytest
from playwright.sync_api import expect

from tests.tracker.factories import make_d3_softgel
from tracker.models import Entry, Profile, Routine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def routine_row(page):
    return page.locator("tr.routine")


def test_a_user_saves_a_routine_and_logs_its_dose_with_one_click(page, log_in, alice):
    make_d3_softgel()  # "Vitamin D3 5,000 IU", 125 µg of vitamin D a softgel
    log_in(alice)

    page.goto("/routines/new/")
    page.evaluate("window.sameDocument = true")
    page.get_by_role("searchbox").press_sequentially("d3 5", delay=30)
    page.locator("#item-suggestions").get_by_role("button", name="Vitamin D3 5,000 IU", exact=True).click()
    assert page.evaluate("window.sameDocument === true"), "the page reloaded"
    page.get_by_label("Units").fill("1")
    expect(page.get_by_label("Every day")).to_be_checked()  # and it starts today, in breakfast
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("alert")).to_have_text("Saved your routine: Vitamin D3 5,000 IU, 1 unit, in Breakfast.")
    expect(routine_row(page).locator(".routine-next")).to_have_text("Today")
    expect(routine_row(page).locator(".routine-adherence-7")).to_have_text("0% (0 of 1)")

    # A second tab shows the same open dose; it must not log it a second time.
    other_tab = page.context.new_page()
    other_tab.goto("/day/")
    page.goto("/day/")
    scheduled = page.get_by_role("region", name="Scheduled today")
    expect(scheduled.locator(".scheduled-dose")).to_have_count(1)
    scheduled.get_by_role("button", name="Log Vitamin D3 5,000 IU").click()

    logged = page.get_by_role("alert").filter(has_text="Logged")
    expect(logged).to_have_text("Logged Vitamin D3 5,000 IU, 1 unit, in Breakfast.")
    expect(page.get_by_role("region", name="Scheduled today")).to_have_count(0)
    entry = page.get_by_role("region", name="Breakfast", exact=True).locator(".entry")
    expect(entry.locator(".entry-label")).to_have_text("Vitamin D3 5,000 IU")
    expect(entry.locator(".entry-vitamin-d")).to_have_text("5,000 IU")
    expect(entry.get_by_role("link", name="Edit")).to_be_visible()
    expect(page.locator("#day-line")).to_contain_text("Vitamin D 5,000 IU")
    expect(page.locator('#totals tr[data-nutrient="vitamin_d_ug"] td').last).to_have_text("5,000")

    other_tab.get_by_role("button", name="Log Vitamin D3 5,000 IU").click()
    already = other_tab.get_by_role("alert").filter(has_text="already")
    expect(already).to_have_text("Vitamin D3 5,000 IU was already logged on this day.")
    expect(other_tab.get_by_role("region", name="Breakfast", exact=True).locator(".entry")).to_have_count(1)
    other_tab.close()

    routine = Routine.objects.get(user=alice)
    assert [(e.routine, e.quantity_label, e.dose_amount) for e in Entry.objects.filter(user=alice)] == [
        (routine, "1 unit", None)
    ]

    page.goto("/routines/")
    expect(routine_row(page).locator(".routine-adherence-7")).to_have_text("100% (1 of 1)")
    expect(routine_row(page).locator(".routine-next")).not_to_have_text("Today")  # today's dose is logged

    page.goto("/history/")
    today = page.locator(f'#history-table tr[data-day="{Profile.objects.for_user(alice).today()}"]')
    expect(today).to_have_attribute("data-logged", "true")
    expect(today.locator("td").first).to_have_text("5,000 IU")
    expect(page.locator("#stat-logged")).to_have_text("1 of 30")
