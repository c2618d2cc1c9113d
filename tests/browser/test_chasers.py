"""
Issue 14, section 2 in a real browser: a national reviewer chases an overdue force step by step
from the response page to the public statement, opens the letters, and the public pages then
say the force has not responded; axe on every page visited.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from deadlines.selectors import expected_responses
from recommendations.models import Organisation, Recommendation

from .conftest import sign_in, sign_out

pytestmark = pytest.mark.browser


def overdue_recommendation(organisation):
    """A recommendation South Yorkshire Police has not answered, made due 20 days ago."""
    today = timezone.localdate()
    row = next(
        row for row in expected_responses(organisation_ids=[organisation.pk], today=today)
        if not (row.response and row.response.current_status)
    )
    Recommendation.objects.filter(pk=row.recommendation.pk).update(
        due_on=today - datetime.timedelta(days=20)
    )
    return row.recommendation, row.url


def test_a_reviewer_chases_an_overdue_force_to_the_public_statement(
    demo_data, new_page, check_accessibility
):
    force = Organisation.objects.get(slug="south-yorkshire")
    recommendation, url = overdue_recommendation(force)
    today = timezone.localdate()

    page = new_page()
    sign_in(page, "hmicfrs.reviewer")
    page.goto("/overview/")
    ladder = page.locator("#ladder-table")
    expect(ladder).to_be_visible()
    check_accessibility(page, "overview-chasing-ladder")
    page.goto(url)

    steps = [
        ("Send the reminder", "Reminder sent", "1. Reminder"),
        ("Send the second letter", "Second letter sent", "2. Second letter"),
        ("Send the final letter", "Final letter sent", "3. Final letter"),
        ("Make the public statement", "Public statement made", "4. Public statement"),
    ]
    for number, (button, banner, row) in enumerate(steps, start=1):
        # The button opens the letter as it will be sent; "Send" on that page sends it.
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("before sending it")
        expect(page.locator("article")).to_contain_text("Dear ")
        if number == 1:
            check_accessibility(page, "chaser-letter-before-sending")
        page.get_by_role("main").get_by_role("button", name=re.compile(r"^Send")).click()
        expect(page.get_by_text(banner).first).to_be_visible()
        expect(page.locator(f"#chaser-{number}")).to_contain_text(row)
        expect(page.locator(f"#chaser-{number}")).to_contain_text(
            "by Rita Okafor, His Majesty's Inspectorate"
        )
        check_accessibility(page, f"response-chaser-{number}")
    expect(page.get_by_role("button", name="Send the reminder")).to_have_count(0)
    expect(page.locator("#chasers form")).to_have_count(0)
    expect(page.get_by_role("button", name="Make the public statement")).to_have_count(0)

    # The final letter, as printed: to the chief constable, saying what comes next.
    page.locator("#chaser-3").get_by_role("link", name="Letter").first.click()
    expect(page.get_by_text("Dear Chief Constable")).to_be_visible()
    expect(page.get_by_text(
        "If South Yorkshire Police does not publish its response, its non-response will be "
        "stated publicly."
    )).to_be_visible()
    expect(page.locator(".app-marking--top")).to_have_text("OFFICIAL")
    check_accessibility(page, "chaser-final-letter")
    sign_out(page)

    # The public pages say so.
    statement = f"Not responded, chased 3 times since {today.day} {today:%B %Y}"
    visitor = new_page()
    visitor.goto(reverse("public:recommendation_detail",
                         args=[recommendation.super_complaint.slug, recommendation.number]))
    row = visitor.get_by_role("row").filter(has_text="South Yorkshire Police")
    expect(row).to_contain_text(statement)
    expect(row).to_contain_text("Not responded")
    check_accessibility(visitor, "public-recommendation-not-responded")
    row.get_by_role("link", name="South Yorkshire Police").click()
    expect(visitor.locator("#not-responded")).to_contain_text(statement)
    check_accessibility(visitor, "public-response-not-responded")
    visitor.goto(reverse("public:organisation_detail", args=["south-yorkshire"]))
    expect(visitor.get_by_text(statement).first).to_be_visible()
    check_accessibility(visitor, "public-organisation-not-responded")
