"""The journeys of the staff workflow issue, in a real browser, with axe on every page."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from recommendations.models import Organisation, Recommendation
from responses import services
from responses.choices import Status
from responses.models import Response, ResponseUpdate
from tests.conftest import draft_update

from .conftest import sign_in, sign_out

pytestmark = pytest.mark.browser

NARRATIVE = (
    "Safe reporting pathways agreed with two specialist charities.\n\n"
    "- Third-party reporting form live on the force website\n"
    "- Officers briefed through force orders"
)


def test_contributor_writes_approver_publishes_other_force_sees_it(
    demo_data, new_page, check_accessibility
):
    page = new_page()
    page.goto("/accounts/sign-in/")
    check_accessibility(page, "sign-in")
    sign_in(page, "force.contributor")
    check_accessibility(page, "home")
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Change your password").click()
    check_accessibility(page, "change-password")

    page.get_by_role("link", name="Super-complaints", exact=True).first.click()
    check_accessibility(page, "super-complaint-list")
    page.get_by_role("link", name="Safe to share?").first.click()
    check_accessibility(page, "super-complaint-detail")
    page.get_by_role("link", name="Recommendation 4", exact=False).first.click()
    check_accessibility(page, "recommendation-comparison")

    page.get_by_role("link", name="South Yorkshire Police").first.click()
    check_accessibility(page, "response")
    page.locator("a", has_text="Add an update").click()
    check_accessibility(page, "update-form")

    # First attempt: an impossible date. The error summary appears and the text survives.
    page.locator("#id_as_of_day").fill("31")
    page.locator("#id_as_of_month").fill("2")
    page.locator("#id_as_of_year").fill("2026")
    page.get_by_label("In progress", exact=True).check()
    page.locator("#id_narrative").fill(NARRATIVE)
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert page.locator("#id_narrative").input_value() == NARRATIVE
    check_accessibility(page, "update-form-error")

    page.locator("#id_as_of_day").fill("20")
    page.locator("#id_as_of_month").fill("11")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("Draft saved")).to_be_visible()

    page.get_by_role("link", name="Edit").first.click()
    assert page.locator("#id_narrative").input_value() == NARRATIVE
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_text("submitted for sign-off").first).to_be_visible()
    response_url = page.url
    sign_out(page)

    approver = new_page()
    sign_in(approver, "force.approver")
    approver.goto(response_url)
    check_accessibility(approver, "response-awaiting-sign-off")
    approver.get_by_role("button", name="Approve and publish").click()
    expect(approver.get_by_text("Update published")).to_be_visible()

    other = new_page()
    sign_in(other, "other.contributor")
    other.goto("/super-complaints/safe-to-share/recommendations/4/")
    row = other.locator(".app-comparison__item").filter(has_text="South Yorkshire Police")
    assert "In progress" in row.inner_text()
    assert "Safe reporting pathways agreed" in row.inner_text()

    other.get_by_label("Compare South Yorkshire Police").check()
    other.get_by_label("Compare West Mercia Police").check()
    other.get_by_role("button", name="Compare selected organisations side by side").click()
    expect(other.get_by_role("heading", name="Side by side")).to_be_visible()
    assert "Safe reporting pathways agreed" in other.content()
    check_accessibility(other, "side-by-side")

    other.goto("/super-complaints/safe-to-share/matrix/?view=table")
    check_accessibility(other, "matrix")
    # The cell in rec 4's row and South Yorkshire's column links to the response by its status.
    cell = other.locator('.app-matrix a[href$="/recommendations/4/south-yorkshire/"]')
    assert "In progress" in cell.inner_text()

    other.goto("/organisations/")
    check_accessibility(other, "organisation-list")
    other.goto("/organisations/south-yorkshire/")
    check_accessibility(other, "organisation")


def test_another_forces_contributor_cannot_reach_a_draft(demo_data, new_page):
    User = get_user_model()
    force = Organisation.objects.get(slug="south-yorkshire")
    recommendation = Recommendation.objects.get(super_complaint__slug="safe-to-share", number="4")
    response = services.response_get_or_create(recommendation=recommendation, organisation=force)
    draft = draft_update(
        response=response, author=User.objects.get(username="force.contributor"),
        as_of=datetime.date(2026, 11, 1), status=Status.IN_PROGRESS,
        narrative="<p>Unsigned draft wording.</p>",
    )

    page = new_page()
    sign_in(page, "other.contributor")
    page.goto("/super-complaints/safe-to-share/recommendations/4/south-yorkshire/")
    assert "Unsigned draft wording" not in page.content()
    page.goto(f"/updates/{draft.pk}/edit/")
    assert "Unsigned draft wording" not in page.content()

    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    result = page.request.post(
        f"/updates/{draft.pk}/edit/",
        form={"csrfmiddlewaretoken": csrf, "as_of_day": "1", "as_of_month": "11",
              "as_of_year": "2026", "status": "completed", "narrative": "Hijacked",
              "marking": "OFFICIAL", "action": "submit"},
        headers={"Referer": page.url},
    )
    assert result.status == 403
    draft.refresh_from_db()
    assert draft.state == "draft"
    assert "Hijacked" not in draft.narrative
    assert not ResponseUpdate.objects.filter(narrative__contains="Hijacked").exists()
    assert Response.objects.get(pk=response.pk).current_status != Status.COMPLETED


def test_a_draft_is_submitted_for_sign_off_from_the_response_page(
    demo_data, new_page, check_accessibility
):
    force = Organisation.objects.get(slug="south-yorkshire")
    recommendation = Recommendation.objects.get(super_complaint__slug="safe-to-share", number="4")
    response = services.response_get_or_create(recommendation=recommendation, organisation=force)
    draft = draft_update(
        response=response, author=get_user_model().objects.get(username="force.contributor"),
        as_of=datetime.date(2026, 11, 1), status=Status.IN_PROGRESS,
        narrative="<p>Ready for the approver.</p>",
    )

    page = new_page()
    sign_in(page, "force.contributor")
    page.goto("/super-complaints/safe-to-share/recommendations/4/south-yorkshire/")
    check_accessibility(page, "response-with-draft")
    page.get_by_role("button", name="Submit for sign-off").click()

    expect(page.get_by_text("Update submitted for sign-off")).to_be_visible()
    expect(page.get_by_role("button", name="Submit for sign-off")).to_have_count(0)
    expect(page.get_by_role("button", name="Add an update")).to_have_count(0)
    expect(page.get_by_text("Add a new update once an approver has signed it off")).to_be_visible()
    check_accessibility(page, "response-awaiting-sign-off")
    draft.refresh_from_db()
    assert draft.state == "awaiting_sign_off"
