"""
The rules that used to be written in several places and now have one home each, with the choice
made where the copies disagreed: overdue means nothing published by the due date (the rules
themselves are tested in test_deadlines.py), the marking
rule reads the same everywhere, a submitted update cannot be deleted by any way in.
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import reverse

from accounts import permissions
from evidence import services as evidence_services
from recommendations.models import Recommendation, SuperComplaint
from responses import services
from responses.choices import (
    Marking,
    Rag,
    ReviewOutcome,
    Status,
    rag,
    status_label,
    status_tag_class,
)
from responses.deadlines import due_date
from responses.models import ResponseUpdate, response_url, response_urls
from responses.selectors import comparison
from tests.conftest import published_update, submitted_update

DUE = datetime.date(2021, 6, 17)  # Safe to share?: published 17 December 2020, six months on


@pytest.mark.parametrize(
    ("status", "review", "expected"),
    [
        (Status.COMPLETED, ReviewOutcome.OPEN, Rag.GREEN),
        (Status.IN_PROGRESS, ReviewOutcome.CLOSED, Rag.GREEN),
        (Status.NEARING_COMPLETION, ReviewOutcome.OPEN, Rag.AMBER),
        (Status.AWAITING_NATIONAL, ReviewOutcome.RETURNED, Rag.AMBER),
        (Status.NOT_STARTED, ReviewOutcome.OPEN, Rag.RED),
        ("", None, Rag.RED),
        (Status.NOT_ACCEPTED, ReviewOutcome.OPEN, Rag.GREY),
    ],
)
def test_rag_follows_the_design(status, review, expected):
    assert rag(status, review) == expected


def test_a_blank_status_reads_no_response_yet_in_grey():
    assert status_label("") == "No response yet"
    assert status_tag_class("") == "govuk-tag--grey"
    html = render_to_string("partials/_status_tag.html", {"status": ""}).strip()
    assert html == '<strong class="govuk-tag govuk-tag--grey">No response yet</strong>'


def test_the_comparison_marks_only_missing_answers_overdue(world, client):
    """Force A published "not started" (red, but answered); Force B said nothing (overdue)."""
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     status=Status.NOT_STARTED)
    client.force_login(world.outsider)

    with time_machine.travel(datetime.datetime(2021, 7, 1, 12, tzinfo=datetime.UTC)):
        page = client.get(world.rec_1.get_absolute_url())

    rows = {row.slug: row for row in page.context["comparison"].rows}
    assert rows["force-a"].overdue is False
    assert rows["force-a"].rag == Rag.RED
    assert rows["force-b"].overdue is True
    assert page.text.count(">Overdue by 14 days</strong>") == 1


def test_the_sensitive_marking_rule_says_the_same_in_the_service_and_the_form(world):
    response = services.response_get_or_create(
        recommendation=world.rec_1, organisation=world.force_a
    )
    with pytest.raises(ValidationError) as refused:
        services.response_update_create(
            response=response, author=world.contributor, as_of=datetime.date(2021, 5, 1),
            status=Status.IN_PROGRESS, marking=Marking.OFFICIAL_SENSITIVE, public=True,
        )
    assert refused.value.message_dict["public"] == [
        "An OFFICIAL-SENSITIVE update cannot be shown on public pages"
    ]
    assert not ResponseUpdate.objects.exists()


def test_the_service_refuses_to_delete_an_update_awaiting_sign_off(world, response):
    """The delete page refused it; now the service does too, whatever calls it."""
    update = submitted_update(world, response, status=Status.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services.response_update_delete(update=update, user=world.contributor)
    assert ResponseUpdate.objects.filter(pk=update.pk).exists()


def test_a_review_without_a_decision_is_refused(world):
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     status=Status.COMPLETED)
    response = world.rec_1.responses.get()
    with pytest.raises(ValidationError) as refused:
        evidence_services.response_review(
            response=response, reviewer=world.reviewer, outcome=ReviewOutcome.OPEN
        )
    assert "outcome" in refused.value.message_dict


def test_each_refusal_is_worded_once(world):
    with pytest.raises(PermissionDenied, match="You cannot write updates for this organisation"):
        permissions.require_writer(world.other_contributor, world.force_a.pk)
    with pytest.raises(PermissionDenied, match="Only an approver of this organisation"):
        permissions.require_approver(world.contributor, world.force_a.pk)
    with pytest.raises(PermissionDenied, match="Only a national reviewer"):
        permissions.require_reviewer(world.approver, world.force_a.pk)


def test_only_another_approver_may_sign_off_and_the_queryset_agrees(world, response):
    own = submitted_update(world, author=world.approver, recommendation=world.rec_5,
                           organisation=world.force_a, as_of=datetime.date(2021, 5, 1),
                           status=Status.IN_PROGRESS)
    theirs = submitted_update(world, response, author=world.contributor,
                              as_of=datetime.date(2021, 5, 2), status=Status.IN_PROGRESS)
    assert permissions.can_sign_off(world.approver, theirs)
    assert not permissions.can_sign_off(world.approver, own)
    assert not permissions.can_sign_off(world.other_approver, theirs)
    assert list(ResponseUpdate.objects.signable_by(world.approver)) == [theirs]
    assert not ResponseUpdate.objects.signable_by(world.other_approver).exists()


def test_response_urls_are_the_reversed_urls(world):
    expected = reverse("workflow:response_detail", args=["safe-to-share", "1", "force-a"])
    assert response_urls(world.rec_1)(world.force_a) == expected
    assert response_url(world.rec_1, world.force_a) == expected


def test_a_recommendations_own_deadline_wins_over_the_reports(world):
    assert due_date(recommendation=world.rec_1, kind=world.force_a.kind) == DUE
    world.rec_1.due_on = datetime.date(2025, 3, 27)
    assert due_date(recommendation=world.rec_1, kind=world.force_a.kind) == datetime.date(
        2025, 3, 27
    )


def test_the_organisation_page_pages_through_super_complaints(world, client):
    """At national scale a force answers ~100 super-complaints: ten to a page."""
    for number in range(12):
        super_complaint = SuperComplaint.objects.create(
            slug=f"report-{number:02}", title=f"Report {number:02}",
            short_title=f"Report {number:02}", complainants="A designated body",
            report_published_on=datetime.date(2022, 1, 1) + datetime.timedelta(days=number),
        )
        recommendation = Recommendation.objects.create(
            super_complaint=super_complaint, number="1", text="<p>Act.</p>"
        )
        recommendation.recipient_groups.add(world.chief_constables)
    client.force_login(world.outsider)

    first = client.get(world.force_a.get_absolute_url())
    second = client.get(world.force_a.get_absolute_url(), {"page": "2"})

    per_page = comparison.SUPER_COMPLAINTS_PER_PAGE
    assert len(first.context["groups"]) == per_page
    assert len(second.context["groups"]) == 13 - per_page  # 12 new reports and Safe to share?
    assert 'aria-label="Pagination"' in first.text
    assert "Super-complaints 1 to 10 of 13." in first.text
    shown = [sc.slug for sc, _ in first.context["groups"] + second.context["groups"]]
    assert len(set(shown)) == 13
    assert isinstance(first.context["page_obj"].paginator, Paginator)
