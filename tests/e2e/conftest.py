"""
End-to-end tests: Debian's Chromium, driven by Playwright, against a live test server.

Playwright's browsers cannot be downloaded here, so we launch the system's /usr/bin/chromium. Where it
is absent these tests are skipped with a message; CI installs it and checks it is there.
"""

import os
import shutil

import pytest
from django.urls import reverse

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--no-first-run",
    # The machine has no internet: without these Chromium keeps trying to reach Google's services.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the database
# calls that fixtures make from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # With Playwright's event loop running in this thread, Django hands this thread other connection
    # objects than the ones the test databases were set up with. Those carry the database's serialized
    # contents (the data migrations' rows) that serialized_rollback restores after each flush: copy
    # them over, or every test but the first finds no guidance profiles and no "Food editors" group.
    serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Those connections are out of reach once the loop stops; an open one would keep PostgreSQL
        # from dropping the test database.
        connections.close_all()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def log_in(page):
    """Log a user in through the log-in page, as a person would: log_in(user)."""
    from playwright.sync_api import expect

    def log_in(user, password="correct-horse-battery"):
        page.goto(reverse("login"))
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("button", name=f"Log out ({user.get_username()})")).to_be_visible()

    return log_in
