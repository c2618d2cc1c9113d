"""
Issue 8, sections 3 and 4 in a real browser: a force says what national guidance it awaits
(searching for the recommendation), a national body publishes, and the force is told; the
reminder preference page. axe on every new page.
"""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.models import Membership
from recommendations.models import Organisation, Recommendation
from responses import services
from responses.choices import Status
from responses.models import ResponseUpdate
from tests.conftest import make_user, published_update

from .conftest import sign_in

pytestmark = pytest.mark.browser

RESPONSE = "/super-complaints/safe-to-share/recommendations/4/south-yorkshire/"
BANNER = "The guidance you were waiting for was published on"


def test_a_force_user_sees_the_banner_after_a_national_body_publishes(
    demo_data, new_page, check_accessibility
):
    page = new_page()
    page.on("console", lambda message: console.append(message.text))
    console = []
    sign_in(page, "force.contributor")
    page.goto(RESPONSE)
    page.locator("a", has_text="Add an update").click()

    # What is awaited is revealed under "Awaiting national guidance" only (issue 22), empty;
    # its hint names recommendation 3, which recommendation 4 depends on.
    search = page.locator("#id_awaited_recommendation")
    expect(search).to_be_hidden()
    page.get_by_label("Awaiting national guidance", exact=True).check()
    expect(search).to_be_visible()
    expect(search).to_have_value("")
    expect(page.get_by_text("depends on Safe to share? – recommendation 3")).to_be_visible()
    # The search box is in the service's font, not the browser's default serif.
    assert "serif" not in search.evaluate("el => getComputedStyle(el).fontFamily").replace(
        "sans-serif", ""
    )
    check_accessibility(page, "update-form-awaited")

    # Search by number and words, then choose from the suggestions.
    search.fill("")
    search.fill("share? – recommendation 2")
    page.get_by_role("option", name="Safe to share? – Recommendation 2").click()
    expect(search).to_have_value("Safe to share? – Recommendation 2")
    search.fill("")
    search.press_sequentially("Recommendation 3")
    page.get_by_role("option", name="Safe to share? – Recommendation 3").click()

    page.locator("#id_narrative").fill("Waiting for the Home Office review of the law.")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_text("submitted for sign-off").first).to_be_visible()
    expect(page.get_by_text("Waiting for:").first).to_be_visible()
    assert not [text for text in console if "Content Security Policy" in text]

    User = get_user_model()
    update = ResponseUpdate.objects.get(narrative__contains="Home Office review of the law")
    assert update.awaited_recommendation.number == "3"
    services.response_update_publish(
        update=update, approver=User.objects.get(username="force.approver")
    )
    page.reload()
    assert BANNER not in page.content()

    # The Home Office publishes its own update on recommendation 3.
    home_office = Organisation.objects.get(slug="home-office")
    published_update(
        organisation=home_office,
        recommendation=Recommendation.objects.get(super_complaint__slug="safe-to-share",
                                                  number="3"),
        author=make_user("ho.writer", home_office, Membership.Role.CONTRIBUTOR),
        approver=make_user("ho.approver", home_office, Membership.Role.APPROVER),
        status=Status.COMPLETED,
    )

    page.reload()
    expect(page.get_by_text(BANNER)).to_be_visible()
    check_accessibility(page, "response-guidance-landed")
    page.goto("/")
    expect(page.get_by_text("The guidance you were waiting for has been published")).to_be_visible()
    check_accessibility(page, "home-guidance-landed")
    page.goto("/dashboard/")
    expect(page.get_by_text("The guidance you were waiting for has been published")).to_be_visible()
    check_accessibility(page, "dashboard-guidance-landed")
    page.goto("/overview/")
    table = page.locator("#awaited-table")
    expect(table).to_contain_text("Safe to share? – recommendation 3")
    check_accessibility(page, "overview-awaited")


def test_a_writer_chooses_how_often_to_get_reminders(demo_data, new_page, check_accessibility):
    page = new_page()
    sign_in(page, "force.contributor")
    page.get_by_role("link", name="Your account").click()
    check_accessibility(page, "account-with-reminders")
    page.get_by_role("link", name="Change how often you get reminder emails").click()
    check_accessibility(page, "reminder-preference")
    page.get_by_label("Daily", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Reminder emails: daily")).to_be_visible()
    assert get_user_model().objects.get(
        username="force.contributor"
    ).reminder_preference.frequency == "daily"
