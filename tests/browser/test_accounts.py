"""
Account pages in a real browser, with axe on each: two-factor set-up and sign-in, recovery codes,
your account, password reset, invitations; GOV.UK Frontend still starts under the
Content-Security-Policy, and the Django admin works under it.
"""

import base64
import re
import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts import services
from accounts.models import Membership
from recommendations.models import Organisation

from .conftest import DEMO_PASSWORD, enter_code, sign_in, sign_out

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-new-long-passphrase-2026"


def watch_csp(page):
    """Collect the browser's Content-Security-Policy complaints about the page."""
    complaints = []
    page.on("console", lambda message: complaints.append(message.text)
            if "Content Security Policy" in message.text else None)
    return complaints


def code_from_secret(secret):
    key = base64.b32decode(secret.replace(" ", ""))
    totp = TOTP(key)
    totp.time = time.time()
    return f"{totp.token():06d}"


def frontend_started(page):
    classes = page.evaluate("document.body.className")
    return "js-enabled" in classes and "govuk-frontend-supported" in classes


def path_of_link(message):
    return urlsplit(re.search(r"https?://\S+", message.body).group(0)).path


def test_an_approver_sets_up_two_factor_then_signs_in_with_a_code(
    demo_data, new_page, check_accessibility
):
    user = get_user_model().objects.create_user(
        "new.approver", password=DEMO_PASSWORD, email="new.approver@example.com")
    Membership.objects.create(user=user, organisation=Organisation.objects.get(
        slug="south-yorkshire"), role=Membership.Role.APPROVER)

    page = new_page()
    complaints = watch_csp(page)
    sign_in(page, "new.approver")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    assert frontend_started(page)
    check_accessibility(page, "two-factor-set-up")

    # Home is out of reach until the app is set up.
    page.goto("/")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()

    page.get_by_label("Security code", exact=True).fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    # GOV.UK Frontend's error summary takes the focus: its script ran under the CSP.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_accessibility(page, "two-factor-set-up-error")

    time.sleep(1.1)  # django-otp makes the next try wait a second after a wrong code
    secret = page.locator("#secret-key").inner_text()
    page.get_by_label("Security code", exact=True).fill(code_from_secret(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    assert page.locator("#recovery-codes li").count() == 10
    check_accessibility(page, "recovery-codes")
    page.get_by_role("link", name="I have saved my recovery codes").click()

    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    assert "South Yorkshire Police" in page.content()
    check_accessibility(page, "your-account")
    sign_out(page)

    page.goto("/accounts/sign-in/")
    page.get_by_label("Username").fill("new.approver")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    check_accessibility(page, "two-factor-verify")
    enter_code(page, "new.approver")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_have_count(0)
    assert urlsplit(page.url).path == "/"
    assert complaints == []


def test_a_forgotten_password_is_reset_by_email(demo_data, new_page, check_accessibility):
    page = new_page()
    complaints = watch_csp(page)
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    check_accessibility(page, "password-reset-request")
    page.get_by_label("Email address").fill("force.contributor@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    check_accessibility(page, "password-reset-sent")

    page.goto(path_of_link(mail.outbox[-1]))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    check_accessibility(page, "password-reset-choose")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", name="Password saved")).to_be_visible()
    check_accessibility(page, "password-reset-done")

    sign_in(page, "force.contributor", password=NEW_PASSWORD)
    expect(page.get_by_role("link", name="Your account")).to_be_visible()
    assert complaints == []


def test_an_invited_user_creates_a_password(demo_data, new_page, check_accessibility):
    services.user_invite(email="invited@example.com", first_name="Ina", last_name="Vited",
                         organisation=Organisation.objects.get(slug="west-mercia"),
                         role=Membership.Role.CONTRIBUTOR)
    page = new_page()
    page.goto(path_of_link(mail.outbox[-1]))
    expect(page.get_by_role("heading", name="Create your password")).to_be_visible()
    check_accessibility(page, "invitation-create-password")
    page.get_by_label("New password", exact=True).fill("1")
    page.get_by_label("New password confirmation").fill("2")
    page.get_by_role("button", name="Create password").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_accessibility(page, "invitation-create-password-error")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create password").click()
    expect(page.get_by_role("heading", name="Password created")).to_be_visible()
    check_accessibility(page, "invitation-done")

    sign_in(page, "invited@example.com", password=NEW_PASSWORD)
    expect(page.get_by_role("link", name="Your account")).to_be_visible()


def test_the_admin_works_under_the_content_security_policy(demo_data, new_page):
    page = new_page()
    complaints = watch_csp(page)
    sign_in(page, "admin")
    for path in ("/admin/", "/admin/auth/user/", "/admin/auth/user/invite/",
                 "/admin/tracker/membership/add/"):
        page.goto(path)
        assert page.locator("#content").count() == 1, path
    # The admin's own scripts ran: the changelist's "select all" checkbox ticks every row.
    page.goto("/admin/auth/user/")
    page.locator("#action-toggle").check()
    assert page.locator("input.action-select:checked").count() == 6
    assert complaints == []


def test_a_visitor_starts_at_the_start_page_and_signs_in_from_it(
    demo_data, new_page, check_accessibility
):
    page = new_page()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Track police super-complaint recommendations")
    check_accessibility(page, "start")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    sign_in(page, "force.contributor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
