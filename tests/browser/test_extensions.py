"""
Issue 14, section 1 in a real browser: a force asks for more time before its due date, a
national reviewer approves it, and the new date shows on the comparison and the dashboard; axe
on every new page.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from deadlines.selectors import expected_responses
from recommendations.models import Organisation, Recommendation

from .conftest import sign_in, sign_out

pytestmark = pytest.mark.browser


def unanswered_recommendation(organisation):
    """A recommendation South Yorkshire Police has not answered, now due in 10 days."""
    today = timezone.localdate()
    row = next(
        row for row in expected_responses(organisation_ids=[organisation.pk], today=today)
        if not (row.response and row.response.current_status)
    )
    Recommendation.objects.filter(pk=row.recommendation.pk).update(
        due_on=today + datetime.timedelta(days=10)
    )
    return row.recommendation, row.url, today + datetime.timedelta(days=10)


def long(day):
    return f"{day.day} {day:%B %Y}"


def test_a_force_asks_for_more_time_and_a_reviewer_approves_it(
    demo_data, new_page, check_accessibility
):
    force = Organisation.objects.get(slug="south-yorkshire")
    recommendation, url, due = unanswered_recommendation(force)
    extended = due + datetime.timedelta(days=60)

    page = new_page()
    sign_in(page, "force.contributor")
    page.goto(url)
    # From the summary of what the contributor can do, at the top of the page (issue 21).
    page.locator("#actions").get_by_role("link", name="Ask for more time").click()
    check_accessibility(page, "extension-request")

    # No reason given: the error summary, and the date kept.
    page.get_by_label("Day").fill(str(extended.day))
    page.get_by_label("Month").fill(str(extended.month))
    page.get_by_label("Year").fill(str(extended.year))
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Day")).to_have_value(str(extended.day))
    check_accessibility(page, "extension-request-error")
    page.get_by_label("Why do you need more time?").fill(
        "The force's lead officer for this recommendation is on long-term sick leave."
    )
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("has been sent to the national reviewers")).to_be_visible()
    expect(page.get_by_text("Awaiting a decision", exact=True)).to_be_visible()
    check_accessibility(page, "response-extension-pending")
    sign_out(page)

    sign_in(page, "hmicfrs.reviewer")
    page.goto("/overview/")
    page.locator("#extensions-table").get_by_role("link").first.click()
    page.locator("#actions").get_by_role("link", name="Approve or refuse").click()
    check_accessibility(page, "extension-decide")
    page.get_by_label("Approve – the due date moves to the date asked for").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator("#due-date")).to_have_text(
        f"First answer due {long(due)}, extended to {long(extended)} "
        f"(requested {timezone.localdate().day} {timezone.localdate():%B}, "
        "approved by Rita Okafor)"
    )
    check_accessibility(page, "response-extension-approved")

    # The comparison and the dashboard read the new date.
    page.goto(recommendation.get_absolute_url())
    expect(page.get_by_text(f"Extended to {extended.day} {extended:%b %Y}").first).to_be_visible()
    check_accessibility(page, "comparison-extended")
    page.goto("/organisations/south-yorkshire/dashboard/")
    summary = page.locator("#summary-table")
    expect(summary.get_by_role("columnheader", name="Needed an extension")).to_be_visible()
    row = summary.get_by_role("row").filter(has_text="South Yorkshire Police")
    expect(row.get_by_role("cell").last).to_have_text("1")
    check_accessibility(page, "dashboard-extended")
