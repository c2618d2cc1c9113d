"""
Workflow emails in a real browser: choosing them on one's account (GOV.UK radios, axe-clean),
and an approver's return reaching the contributor by email, whose link opens the update.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from core.models import Event
from recommendations.models import Organisation
from reminders.notifications import notification_preferences_set, preferences_of
from tests.conftest import submitted_update

from .conftest import sign_in, sign_out
from .test_home_tasks import unanswered_response_of

COMMENT = "Say which forces trained their staff."

pytestmark = pytest.mark.browser


def test_choosing_workflow_emails(new_page, demo_data, check_accessibility, django_user_model):
    page = new_page()
    sign_in(page, "force.contributor")
    page.goto("/accounts/")
    page.get_by_role("link", name="Change which workflow emails you get").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workflow emails")
    check_accessibility(page, "notification-preferences")
    returned = page.get_by_role("group", name="When an update is returned")
    expect(returned.get_by_label("At once")).to_be_checked()
    returned.get_by_label("Never").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your email choices have been saved")).to_be_visible()
    check_accessibility(page, "notification-preferences-saved")
    user = django_user_model.objects.get(username="force.contributor")
    assert preferences_of(user)[Event.Kind.RETURNED] == "never"


def link_in(message, pattern):
    url = re.search(pattern, message.body).group(0)
    return "/" + url.split("/", 3)[3]


def test_each_step_reaches_the_next_person_by_email_and_its_link_opens_the_place_to_act(
    new_page, demo_data
):
    User = get_user_model()
    author = User.objects.get(username="force.contributor")
    approver = User.objects.get(username="force.approver")
    for user in (author, approver):
        user.email = f"{user.username}@example.org"
        user.save()
    notification_preferences_set(user=approver, modes={Event.Kind.SUBMITTED: "at_once"})
    force = Organisation.objects.get(slug="south-yorkshire")
    row = unanswered_response_of(force)
    mail.outbox.clear()
    submitted_update(recommendation=row.recommendation, organisation=force, author=author,
                     narrative="<p>Pathway agreed with two charities.</p>")
    [to_approver] = mail.outbox
    assert to_approver.to == ["force.approver@example.org"]

    page = new_page()
    sign_in(page, "force.approver")
    page.goto(link_in(to_approver, r"https?://\S+#sign-off-\d+"))
    form = page.locator(".app-sign-off").first
    form.locator("textarea").fill(COMMENT)
    form.get_by_role("button", name="Return with a comment").click()
    expect(page.get_by_text("Update returned to South Yorkshire Police")).to_be_visible()
    sign_out(page)

    [to_author] = [m for m in mail.outbox if m.subject.startswith("Update returned")]
    assert to_author.to == ["force.contributor@example.org"]
    assert COMMENT in to_author.body
    sign_in(page, "force.contributor")
    page.goto(link_in(to_author, r"https?://\S+/updates/\d+/edit/"))
    expect(page.get_by_text(COMMENT).first).to_be_visible()
    expect(page.get_by_role("button", name="Submit for sign-off")).to_be_visible()
