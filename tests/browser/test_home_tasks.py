"""
Issue 21, items 1 and 5 in a real browser: an approver returns an update from the response
page's summary of what they can do; the contributor's home then opens with it, the comment
quoted, and the response page with the comment in a banner; each role's home, with axe and a
screenshot of each.
"""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from deadlines.selectors import expected_responses
from recommendations.models import Organisation
from responses.choices import WorkflowState
from responses.models import ResponseUpdate
from tests.conftest import submitted_update

from .conftest import DEMO_PASSWORD, sign_in, sign_out

pytestmark = pytest.mark.browser

COMMENT = "Please name the charities and the date the pathway opened."


def unanswered_response_of(organisation):
    """An expected answer of `organisation` with no update in progress: free for a new one."""
    busy = set(
        ResponseUpdate.objects.exclude(state=WorkflowState.PUBLISHED)
        .filter(response__organisation=organisation)
        .values_list("response__recommendation_id", flat=True)
    )
    return next(
        row for row in expected_responses(
            organisation_ids=[organisation.pk], today=timezone.localdate()
        )
        if row.recommendation.pk not in busy
    )


def test_a_returned_update_comes_first_on_the_contributors_home(
    demo_data, new_page, check_accessibility
):
    force = Organisation.objects.get(slug="south-yorkshire")
    row = unanswered_response_of(force)
    User = get_user_model()
    submitted_update(
        recommendation=row.recommendation, organisation=force,
        author=User.objects.get(username="force.contributor"),
        narrative="<p>Pathway agreed with two charities.</p>",
    )

    approver = new_page()
    sign_in(approver, "force.approver")
    check_accessibility(approver, "home-approver-with-sign-off")
    approver.locator("#task-sign_off + ul, #task-sign_off ~ ul").first.get_by_role(
        "link", name=row.recommendation.label.lower(), exact=False
    ).first.click()
    expect(approver.locator("#actions")).to_contain_text("Sign off the update")
    expect(approver.locator(".app-sign-off__publication").first).to_be_visible()
    check_accessibility(approver, "response-sign-off-summary")
    # Returning without a comment: the form is drawn under the error summary.
    form = approver.locator(".app-sign-off").first
    form.get_by_role("button", name="Return with a comment").click()
    expect(approver.get_by_text("There is a problem")).to_be_visible()
    # The page opens at the error summary, with the field a short way below it (it was about
    # 5,000 px down, under the whole history), and the summary's link goes to it.
    expect(approver.locator(".govuk-error-summary")).to_be_in_viewport()
    assert approver.locator(".app-sign-off textarea").bounding_box()["y"] < 1000
    approver.locator(".govuk-error-summary").get_by_role("link").first.click()
    expect(approver.locator(".app-sign-off textarea")).to_be_focused()
    expect(approver.locator(".app-sign-off textarea")).to_be_in_viewport()
    check_accessibility(approver, "response-return-error")
    approver.locator(".app-sign-off textarea").fill(COMMENT)
    approver.locator(".app-sign-off").get_by_role("button", name="Return with a comment").click()
    expect(approver.get_by_text("Update returned to South Yorkshire Police")).to_be_visible()
    sign_out(approver)

    page = new_page()
    sign_in(page, "force.contributor")
    tasks = page.locator("#tasks")
    expect(tasks.locator("h3").first).to_have_text("Updates returned to you 1")
    expect(tasks.locator("blockquote").first).to_have_text(COMMENT)
    # First on the page: nothing but the title above it.
    assert page.locator("#tasks").bounding_box()["y"] < 400
    check_accessibility(page, "home-contributor-returned")
    page.locator("#tasks .govuk-task-list").first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("update")
    expect(page.get_by_text(COMMENT).first).to_be_visible()

    page.go_back()
    page.goto(row.url)
    banner = page.locator(".govuk-notification-banner").first
    expect(banner).to_contain_text(COMMENT)
    expect(banner).to_be_in_viewport()
    check_accessibility(page, "response-returned-banner")


@pytest.mark.parametrize("username, name", [
    ("force.contributor", "contributor"),
    ("force.approver", "approver"),
    ("opcc.contributor", "opcc-contributor"),
    ("hmicfrs.reviewer", "reviewer"),
    ("admin", "staff"),
    ("no.membership", "no-membership"),
])
def test_each_roles_home_opens_with_its_tasks(
    demo_data, new_page, check_accessibility, username, name
):
    if username == "no.membership":
        get_user_model().objects.create_user(username, password=DEMO_PASSWORD)
    page = new_page()
    sign_in(page, username)
    tasks = page.locator("#tasks")
    expect(tasks.get_by_role("heading", name="Your tasks")).to_be_visible()
    assert tasks.bounding_box()["y"] < 400
    if name in ("staff", "no-membership"):
        expect(tasks).to_contain_text("You have nothing to do right now.")
    check_accessibility(page, f"home-{name}")


def test_a_reviewer_reviews_from_the_task_and_the_error_opens_at_the_form(
    demo_data, new_page, check_accessibility
):
    page = new_page()
    sign_in(page, "hmicfrs.reviewer")
    page.locator("#task-review ~ ul").first.get_by_role("link").first.click()
    assert page.url.endswith("#review")
    expect(page.locator("#review")).to_be_in_viewport()
    expect(page.locator("#actions")).to_contain_text("Review this response")
    check_accessibility(page, "response-review-summary")

    # No outcome chosen: the form comes back under the error summary, not under the history.
    page.locator("#review").get_by_role("button", name="Save review decision").click()
    expect(page.get_by_text("There is a problem")).to_be_in_viewport()
    assert page.locator("#review").bounding_box()["y"] < 1000
    check_accessibility(page, "response-review-error")
