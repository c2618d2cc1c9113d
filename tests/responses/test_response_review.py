"""ResponseReviewView: a national reviewer closes a response or returns it."""

import pytest

from responses.choices import ReviewOutcome
from responses.models import ResponseReview
from tests.conftest import published_update
from tests.responses.helpers import response_url, review_url


def test_a_reviewer_closes_a_published_response(world, client, response):
    published_update(world, response)
    client.force_login(world.reviewer)
    assert "Review this response" in client.get(response_url(world)).content.decode()

    page = client.post(review_url(world), {"outcome": ReviewOutcome.CLOSED,
                                           "comment": "Evidence seen."})

    assert page.headers["Location"] == response_url(world)
    response.refresh_from_db()
    assert response.review_outcome == ReviewOutcome.CLOSED
    html = client.get(response_url(world)).content.decode()
    assert "Response closed" in html
    assert "Evidence seen." in html


def test_returning_a_response_needs_a_comment(world, client, response):
    published_update(world, response)
    client.force_login(world.reviewer)

    page = client.post(review_url(world), {"outcome": ReviewOutcome.RETURNED, "comment": ""})

    assert '<a href="#id_review_comment">Say what more evidence is needed</a>' in (
        page.content.decode()
    )
    response.refresh_from_db()
    assert response.review_outcome == ReviewOutcome.OPEN
    assert not ResponseReview.objects.exists()


@pytest.mark.parametrize("persona", ["contributor", "approver", "other_contributor", "outsider"])
def test_only_reviewers_can_review(world, client, response, persona):
    published_update(world, response)
    client.force_login(getattr(world, persona))

    assert "Review this response" not in client.get(response_url(world)).content.decode()
    page = client.post(review_url(world), {"outcome": ReviewOutcome.CLOSED})

    assert page.status_code == 403
    response.refresh_from_db()
    assert response.review_outcome == ReviewOutcome.OPEN

