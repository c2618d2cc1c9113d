"""
A national reviewer never reviews, decides more time for, or chases their own organisation (any
organisation they are a member of): a national body answers recommendations too, and its own
reviewers must not mark its homework. Refused on the server with the reason, and the actions are
not offered on the page; a reviewer of another body still may.
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Membership
from deadlines import services as deadline_services
from evidence import services as evidence_services
from responses.choices import ReviewOutcome
from responses.models import Chaser, ExtensionRequest, Response, ResponseReview
from tests.conftest import make_user, published_update

DUE = datetime.date(2021, 2, 12)
ASKED = datetime.datetime(2021, 2, 3, 10, tzinfo=datetime.UTC)
OVERDUE = datetime.datetime(2021, 3, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture
def home_office(world):
    """
    Recommendation 2 is the Home Office's to answer, due 12 February 2021; the Home Office has
    a contributor, an approver and a reviewer of its own.
    """
    world.rec_2.due_on = DUE
    world.rec_2.save()
    world.ho_contributor = make_user("hana", world.home_office, Membership.Role.CONTRIBUTOR)
    world.ho_approver = make_user("henry", world.home_office, Membership.Role.APPROVER)
    world.ho_reviewer = make_user("hugo", world.home_office, Membership.Role.REVIEWER)
    return world


def url(world, name="workflow:response_detail", *extra):
    return reverse(name, args=[world.super_complaint.slug, world.rec_2.number,
                               world.home_office.slug, *extra])


def home_office_response(world):
    return Response.objects.get(recommendation=world.rec_2, organisation=world.home_office)


def test_a_reviewer_cannot_close_their_own_bodys_response(home_office, client):
    w = home_office
    published_update(w, recommendation=w.rec_2, organisation=w.home_office,
                     author=w.ho_contributor, approver=w.ho_approver)
    client.force_login(w.ho_reviewer)

    assert "Review this response" not in client.get(url(w)).text
    page = client.post(url(w, "workflow:response_review"),
                       {"outcome": ReviewOutcome.CLOSED, "comment": "All done."})

    assert page.status_code == 403
    assert "You cannot review a response of your own organisation" in page.text
    with pytest.raises(PermissionDenied, match="your own organisation"):
        evidence_services.response_review(response=home_office_response(w), reviewer=w.ho_reviewer,
                                 outcome=ReviewOutcome.CLOSED)
    assert home_office_response(w).review_outcome == ReviewOutcome.OPEN
    assert not ResponseReview.objects.exists()

    # A reviewer of another body may.
    client.force_login(w.reviewer)
    assert "Review this response" in client.get(url(w)).text
    assert client.post(url(w, "workflow:response_review"),
                       {"outcome": ReviewOutcome.CLOSED}).status_code == 302
    assert home_office_response(w).review_outcome == ReviewOutcome.CLOSED


def test_a_reviewer_who_is_a_member_of_a_force_cannot_review_it(world, client, response):
    published_update(world, response)
    Membership.objects.create(user=world.reviewer, organisation=world.force_a,
                              role=Membership.Role.VIEWER)

    with pytest.raises(PermissionDenied, match="your own organisation"):
        evidence_services.response_review(response=response, reviewer=world.reviewer,
                                 outcome=ReviewOutcome.CLOSED)
    response.refresh_from_db()
    assert response.review_outcome == ReviewOutcome.OPEN


def test_a_reviewer_cannot_decide_their_own_bodys_request_for_more_time(home_office, client):
    w = home_office
    with time_machine.travel(ASKED):
        extension = deadline_services.extension_request(
            user=w.ho_contributor, recommendation=w.rec_2, organisation=w.home_office,
            requested_due_on=datetime.date(2021, 4, 30), reason="Waiting for the review.",
        )
    decide = url(w, "deadlines:extension_decide", extension.pk)
    client.force_login(w.ho_reviewer)

    assert decide not in client.get(url(w)).text
    assert client.get(decide).status_code == 403
    page = client.post(decide, {"decision": "approved"})

    assert page.status_code == 403
    assert "You cannot decide a request for more time from your own organisation" in page.text
    with pytest.raises(PermissionDenied, match="your own organisation"):
        deadline_services.extension_decide(extension=extension, reviewer=w.ho_reviewer,
                                  decision="approved")
    assert ExtensionRequest.objects.get().decision == "pending"
    assert home_office_response(w).extended_due_on is None

    client.force_login(w.reviewer)
    assert decide in client.get(url(w)).text
    assert client.post(decide, {"decision": "approved"}).status_code == 302
    assert home_office_response(w).extended_due_on == datetime.date(2021, 4, 30)


def test_a_reviewer_cannot_chase_their_own_body(home_office, client):
    w = home_office
    client.force_login(w.ho_reviewer)

    with time_machine.travel(OVERDUE):
        assert "Send the reminder" not in client.get(url(w)).text
        page = client.post(url(w, "workflow:chaser_send"), {"step": 1})
        with pytest.raises(PermissionDenied, match="You cannot chase your own organisation"):
            deadline_services.chaser_send(reviewer=w.ho_reviewer, recommendation=w.rec_2,
                                 organisation=w.home_office, step=1)

    assert page.status_code == 403
    assert "You cannot chase your own organisation" in page.text
    assert not Chaser.objects.exists()

    client.force_login(w.reviewer)
    with time_machine.travel(OVERDUE):
        assert "Send the reminder" in client.get(url(w)).text
        assert client.post(url(w, "workflow:chaser_send"), {"step": 1}).status_code == 302
    assert Chaser.objects.get().sent_by == w.reviewer


def test_a_reviewers_home_page_does_not_list_their_own_bodys_answers_to_review(
    home_office, client
):
    w = home_office
    published_update(w, recommendation=w.rec_2, organisation=w.home_office,
                     author=w.ho_contributor, approver=w.ho_approver, status="completed",
                     evidence_submitted=True)

    client.force_login(w.ho_reviewer)
    own = client.get(reverse("home")).text
    client.force_login(w.reviewer)
    other = client.get(reverse("home")).text

    assert url(w) not in own
    assert url(w) in other
