"""
Issue 14, section 3 in a real browser: a national reviewer marks a recommendation as priority
with a reason (a missing reason is refused with the GOV.UK error summary), everyone sees the
tag, and the matrix's "priority only" filter shows it alone; axe on every new page state.
"""

import pytest
from playwright.sync_api import expect

from recommendations.models import Recommendation

from .conftest import sign_in, sign_out

pytestmark = pytest.mark.browser

MATRIX = "/super-complaints/safe-to-share/matrix/"
REASON = "Forces still pass victims' details to immigration enforcement."


def test_a_reviewer_marks_a_priority_and_the_matrix_filters_to_it(
    demo_data, new_page, check_accessibility
):
    recommendation = Recommendation.objects.filter(
        super_complaint__slug="safe-to-share"
    ).in_order().last()
    page = new_page()
    sign_in(page, "hmicfrs.reviewer")
    page.goto(recommendation.get_absolute_url())
    page.get_by_role("button", name="Mark as priority").click()
    check_accessibility(page, "priority-form")

    page.get_by_role("button", name="Mark as priority").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(
        page.get_by_role("link", name="Say why this recommendation is a priority")
    ).to_be_visible()
    check_accessibility(page, "priority-form-error")

    page.get_by_label("Why is this recommendation a priority?").fill(REASON)
    page.get_by_role("button", name="Mark as priority").click()
    expect(page.get_by_text(f"{recommendation.label} is marked as priority.")).to_be_visible()
    expect(page.locator("#priority")).to_contain_text("Priority")
    expect(page.locator("#priority")).to_contain_text(REASON)
    expect(page.get_by_role("button", name="Remove priority")).to_be_visible()
    check_accessibility(page, "recommendation-priority")
    sign_out(page)

    # Anyone signed in sees it, and can narrow the matrix to the priority recommendations.
    sign_in(page, "opcc.contributor")
    page.goto(MATRIX + "?view=table")
    page.get_by_label("Recommendations").select_option(label="Priority only")
    page.get_by_role("button", name="Apply filters").click()
    rows = page.locator(".app-matrix tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("th")).to_contain_text(recommendation.short_label)
    expect(rows.first.locator("th")).to_contain_text("Priority")
    check_accessibility(page, "matrix-priority-only")
    page.goto(MATRIX + "?priority=yes")  # the heat map: the one column, tagged
    columns = page.locator(".app-heat-map thead th")
    expect(columns).to_have_count(2)
    expect(columns.last).to_contain_text("Priority")
    check_accessibility(page, "matrix-heat-map-priority-only")
    page.goto("/dashboard/")
    expect(page.locator("#priority")).to_be_visible()
    check_accessibility(page, "dashboard-priority")
