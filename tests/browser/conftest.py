"""
Browser tests: Playwright for Python driving the system Chromium (never a downloaded browser),
against pytest-django's live server, with axe checking every page visited.

Skipped with a reason when Chromium is missing, unless REQUIRE_BROWSER_TESTS is set (CI sets it),
in which case a missing browser fails the run.
"""

import os
import re
import shutil
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "demo-password-2026"



def chromium_path():
    configured = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if Path(configured).exists():
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config, items):
    if chromium_path():
        return
    reason = "Chromium not found (set CHROMIUM_PATH or apt-get install chromium)"
    if os.environ.get("REQUIRE_BROWSER_TESTS"):
        return  # the `browser` fixture fails loudly instead
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        pytest.fail("REQUIRE_BROWSER_TESTS is set but Chromium was not found")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while the browser is
    # open; the ORM calls the tests make between browser steps are ordinary synchronous code,
    # so Django's async-safety guard does not apply. Lifted again when the browser closes.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo_data(transactional_db):
    call_command(
        "loaddata", "organisations", "recipient_groups", "super_complaints", "office_holders",
        "demo_responses", "demo_accounts", verbosity=0,
    )
    # As `make run` does: gives the demo approver, reviewer and admin their authenticator keys.
    call_command("demo_accounts", stdout=StringIO())


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (its own cookies) per user; closed at the end of the test."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, username, password=DEMO_PASSWORD):
    """Sign in with the password, then with a code from the account's app when asked for one."""
    page.goto("/accounts/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/two-factor/" in page.url and "set-up" not in page.url:
        enter_code(page, username)


def totp_code(username):
    """The code the user's authenticator app shows now, never one already used."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    step = max(totp.t(), device.last_t + 1)  # the app's next code if this one was just used
    totp.time = device.t0 + step * device.step
    return f"{totp.token():06d}"


def enter_code(page, username):
    page.get_by_label("Security code", exact=True).fill(totp_code(username))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


class AccessibilityChecker:
    """Runs axe on a page and saves a screenshot of it under BROWSER_ARTIFACTS_DIR."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.directory = Path(os.environ.get("BROWSER_ARTIFACTS_DIR", "artifacts/screenshots"))
        self.directory.mkdir(parents=True, exist_ok=True)
        self.checked = []

    def __call__(self, page, name):
        page.screenshot(path=str(self.directory / f"{re.sub(r'[^a-z0-9-]+', '-', name)}.png"),
                        full_page=True)
        results = self.axe.run(page)
        self.checked.append(name)
        assert results.violations_count == 0, (
            f"axe found violations on {name} ({page.url}):\n{results.generate_report()}"
        )


@pytest.fixture
def check_accessibility():
    return AccessibilityChecker()
