"""The current overview's one-line STATUS per super-complaint, derived from the data (seed 002)."""

import datetime

import pytest
from django.urls import reverse

from evidence import services as evidence_services
from responses import services
from responses.choices import ReviewOutcome, Status
from tests.conftest import published_update, submitted_update


@pytest.fixture
def answers(world):
    """Force A's responses to recommendations 1 and 5 (both addressed to it)."""
    return [
        services.response_get_or_create(recommendation=rec, organisation=world.force_a)
        for rec in (world.rec_1, world.rec_5)
    ]


def _status_line(client, slug="force-a", signed_in=False):
    name = "documents:overview" if signed_in else "public:overview"
    html = client.get(reverse(name, args=[slug])).content.decode()
    return html.split("STATUS – ", 1)[1].split("</p>", 1)[0]


def test_all_completed_is_evidence_with_hmicfrs(world, client, answers):
    for response in answers:
        published_update(world, response, status=Status.COMPLETED, public=True)

    assert _status_line(client) == (
        "Evidence submitted to HMICFRS for review. Awaiting feedback."
    )


def test_all_closed_by_a_reviewer_is_closed(world, client, answers):
    for response in answers:
        published_update(world, response, status=Status.COMPLETED, public=True)
        evidence_services.response_review(response=response, reviewer=world.reviewer,
                                 outcome=ReviewOutcome.CLOSED)

    assert _status_line(client) == "Closed: HMICFRS accepted the evidence."


def test_otherwise_it_says_the_work_is_in_progress_not_a_count(world, client, answers):
    """Issue 22: the seed's STATUS is the workflow state, not "1 of 2 completed"."""
    published_update(world, answers[0], status=Status.COMPLETED, public=True)

    assert _status_line(client) == "In progress: not yet submitted to HMICFRS for review."


def test_a_response_returned_by_hmicfrs_says_more_evidence_is_needed(world, client, answers):
    for response in answers:
        published_update(world, response, status=Status.COMPLETED, public=True)
    evidence_services.response_review(response=answers[0], reviewer=world.reviewer,
                                      outcome=ReviewOutcome.RETURNED, comment="More, please.")

    assert _status_line(client) == "Returned by HMICFRS: more evidence needed."


def test_nothing_left_but_national_guidance_says_so(world, client, answers):
    published_update(world, answers[0], status=Status.COMPLETED, public=True)
    published_update(world, answers[1], status=Status.AWAITING_NATIONAL, public=True,
                     awaiting="College of Policing guidance")

    assert _status_line(client) == (
        "Awaiting national guidance before the work can be completed.")


def test_an_update_awaiting_sign_off_shows_only_to_its_organisation(world, client, answers):
    published_update(world, answers[0], status=Status.IN_PROGRESS, public=True,
                     as_of=datetime.date(2021, 5, 1))
    submitted_update(world, answers[1], status=Status.COMPLETED, as_of=datetime.date(2021, 6, 1))

    client.force_login(world.contributor)
    assert _status_line(client, signed_in=True) == (
        "Update awaiting sign-off before it is published."
    )
    client.force_login(world.other_contributor)
    assert _status_line(client, signed_in=True) == (
        "In progress: not yet submitted to HMICFRS for review.")
    client.logout()
    assert _status_line(client) == "In progress: not yet submitted to HMICFRS for review."


def test_an_answer_both_completed_and_closed_counts_once(world, client, answers):
    """One answer completed and closed beside one in progress is not "evidence submitted"."""
    published_update(world, answers[0], status=Status.COMPLETED, public=True)
    evidence_services.response_review(response=answers[0], reviewer=world.reviewer,
                             outcome=ReviewOutcome.CLOSED)
    published_update(world, answers[1], status=Status.IN_PROGRESS, public=True)

    assert _status_line(client) == "In progress: not yet submitted to HMICFRS for review."
