"""A reviewer sees every published file when deciding, and the review records the ones cited."""

import pytest
from django.core.exceptions import ValidationError

from evidence import services
from evidence.selectors import evidence_awaiting_review
from responses import services as response_services
from responses.choices import ReviewOutcome
from responses.models import ResponseReview
from tests.conftest import draft_update, published_update
from tests.responses.helpers import response_url, review_url

from .helpers import CSV, attach


def publish(world, update):
    response_services.response_update_edit(update=update, editor=world.contributor, submit=True)
    return response_services.response_update_publish(update=update, approver=world.approver)


@pytest.fixture
def evidenced(world, response):
    """Two published updates with a file each, and a draft with a file of its own."""
    first = draft_update(world, response)
    policy = attach(world, first, title="Domestic abuse policy")
    publish(world, first)
    second = draft_update(world, response)
    figures = attach(world, second, name="figures.csv", content=CSV, title="Training figures")
    publish(world, second)
    unpublished = attach(world, draft_update(world, response), title="Half-written plan")
    return policy, figures, unpublished


def test_the_review_form_lists_the_files_of_every_published_update(world, client, evidenced):
    policy, figures, unpublished = evidenced
    client.force_login(world.reviewer)

    html = client.get(response_url(world)).content.decode()

    form = html[html.index("Review this response"):]
    assert "Evidence you considered" in form
    assert f'value="{policy.pk}"' in form and f'value="{figures.pk}"' in form
    assert "Domestic abuse policy (policy.pdf" in form and "Training figures (figures.csv" in form
    assert "Half-written plan" not in html


def test_closing_records_the_files_considered_and_shows_them(world, client, response, evidenced):
    policy, figures, _ = evidenced
    client.force_login(world.reviewer)

    page = client.post(review_url(world), {"outcome": ReviewOutcome.CLOSED,
                                           "comment": "Policy accepted.",
                                           "evidence": [str(policy.pk)]})

    assert page.status_code == 302
    review = ResponseReview.objects.get()
    assert list(review.considered_evidence.all()) == [policy]
    response.refresh_from_db()
    assert response.review_outcome == ReviewOutcome.CLOSED
    client.force_login(world.other_contributor)
    html = client.get(response_url(world)).content.decode()
    reviews = html[html.index('id="reviews"'):]
    assert "Evidence considered:" in reviews and "Domestic abuse policy" in reviews
    assert "Training figures" not in reviews


def test_a_file_of_another_response_or_a_draft_cannot_be_cited(world, client, response,
                                                               evidenced):
    _, _, unpublished = evidenced
    other = response_services.response_get_or_create(recommendation=world.rec_1,
                                                      organisation=world.force_b)
    elsewhere = attach(world, draft_update(world, other, author=world.other_contributor),
                       user=world.other_contributor)
    client.force_login(world.reviewer)

    for wrong in (unpublished, elsewhere):
        page = client.post(review_url(world), {"outcome": ReviewOutcome.CLOSED,
                                               "evidence": [str(wrong.pk)]})
        assert "Select only files of this response" in page.content.decode()
    assert not ResponseReview.objects.exists()

    with pytest.raises(ValidationError):
        services.response_review_with_evidence(response=response, reviewer=world.reviewer,
                                               outcome=ReviewOutcome.CLOSED,
                                               considered=[unpublished.pk])
    assert not ResponseReview.objects.exists()


def test_a_response_without_files_is_reviewed_as_before(world, client, response):
    published_update(world, response)
    client.force_login(world.reviewer)

    html = client.get(response_url(world)).content.decode()
    page = client.post(review_url(world), {"outcome": ReviewOutcome.CLOSED})

    assert "Evidence you considered" not in html
    assert page.status_code == 302
    assert ResponseReview.objects.get().considered_evidence.count() == 0


def test_evidence_awaiting_review_counts_files_and_the_submitted_flag(world, response):
    assert evidence_awaiting_review().count() == 0
    published_update(world, response)
    assert evidence_awaiting_review().count() == 0, "no evidence yet"

    other = response_services.response_get_or_create(recommendation=world.rec_5,
                                                      organisation=world.force_a)
    published_update(world, other, evidence_submitted=True)  # sent another way
    with_file = draft_update(world, response)
    attach(world, with_file)
    assert list(evidence_awaiting_review()) == [other], "a draft's file is not yet evidence"

    publish(world, with_file)
    assert set(evidence_awaiting_review()) == {response, other}
    assert list(evidence_awaiting_review(organisation_ids=[world.force_b.pk])) == []

    services.response_review_with_evidence(response=response, reviewer=world.reviewer,
                                           outcome=ReviewOutcome.RETURNED, comment="More.")
    assert list(evidence_awaiting_review()) == [other], "reviewed since"

    more = draft_update(world, response, evidence_submitted=True)
    publish(world, more)
    assert set(evidence_awaiting_review()) == {response, other}, "new evidence after a return"

    services.response_review_with_evidence(response=other, reviewer=world.reviewer,
                                           outcome=ReviewOutcome.CLOSED)
    assert list(evidence_awaiting_review()) == [response], "closed"


def test_a_reviewers_home_lists_the_evidence_awaiting_review(world, client, response):
    published_update(world, response, evidence_submitted=True)

    client.force_login(world.reviewer)
    html = client.get("/").content.decode()
    assert "Evidence waiting for review" in html
    # A task of the reviewer's, linking to the review form on the response page.
    assert 'id="task-evidence">Evidence waiting for review <span class="govuk-tag' in html
    assert f'{response.get_absolute_url()}#review"' in html

    client.force_login(world.contributor)
    assert "Evidence waiting for review" not in client.get("/").content.decode()
