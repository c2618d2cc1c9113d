"""The response page's history, open, in a real browser, with axe."""

import datetime

import pytest
from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from recommendations.models import Organisation, Recommendation
from responses import services
from responses.choices import Status

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_history_reads_as_sentences_and_passes_axe(demo_data, new_page, check_accessibility):
    users = get_user_model().objects
    contributor = users.get(username="force.contributor")
    approver = users.get(username="force.approver")
    recommendation = Recommendation.objects.get(super_complaint__slug="safe-to-share", number="4")
    organisation = Organisation.objects.get(slug="south-yorkshire")
    response = services.response_get_or_create(recommendation=recommendation,
                                               organisation=organisation)
    with set_actor(contributor):
        update = services.response_update_create(
            response=response, author=contributor, submit=True,
            as_of=datetime.date(2025, 3, 27), status=Status.IN_PROGRESS,
            lead="DCI Audit", portal_reference="#42",
        )
    with set_actor(approver):
        services.response_update_publish(update=update, approver=approver)

    page = new_page()
    sign_in(page, "other.contributor")
    page.goto(response.get_absolute_url())
    page.get_by_text("Who changed this response").click()

    history = page.locator("#history + details")
    signed_off = "signed off the update as of 27 March 2025 (published)"
    expect(history.get_by_text(signed_off)).to_be_visible()
    # The demo response may already have a lead: "set" or "changed ... to".
    expect(history.get_by_text("lead", exact=False).filter(has_text="“DCI Audit”")).to_be_visible()
    assert "submitted it for sign-off" not in history.inner_text()
    check_accessibility(page, "response-history")
