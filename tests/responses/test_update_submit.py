"""UpdateSubmitView: "Submit for sign-off" on the response page, without opening the form."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from responses.choices import WorkflowState
from tests.conftest import draft_update, make_user, submitted_update
from tests.responses.helpers import response_url

ADD_AN_UPDATE = ">Add an update</a>"


def submit_url(update):
    return reverse("workflow:update_submit", args=[update.pk])


def test_a_contributor_submits_a_draft_from_the_response_page(world, client, response):
    update = draft_update(world, response)
    client.force_login(world.contributor)
    page = client.get(response_url(world)).text
    assert submit_url(update) in page
    assert "Submit for sign-off" in page

    answer = client.post(submit_url(update), {"version": update.version})

    assert answer.headers["Location"] == response_url(world)
    update.refresh_from_db()
    assert update.state == WorkflowState.AWAITING_SIGN_OFF
    assert update.author == world.contributor
    page = client.get(response_url(world)).text
    assert "Update submitted for sign-off" in page
    assert submit_url(update) not in page


def test_submitting_does_not_make_the_submitter_the_author(world, client, response):
    """An approver who only submits a colleague's draft may sign it off: they wrote none of it."""
    update = draft_update(world, response)
    client.force_login(world.approver)
    client.post(submit_url(update), {"version": update.version})
    update.refresh_from_db()
    assert update.author == world.contributor
    assert update.state == WorkflowState.AWAITING_SIGN_OFF


def test_a_stale_page_is_refused_and_the_draft_stays_a_draft(world, client, response):
    update = draft_update(world, response)
    client.force_login(world.contributor)
    answer = client.post(submit_url(update), {"version": update.version - 1})
    assert answer.status_code == 409
    assert "changed since you opened the page" in answer.text
    update.refresh_from_db()
    assert update.state == WorkflowState.DRAFT


def test_an_update_already_submitted_is_refused_with_a_message(world, client, response):
    update = submitted_update(world, response)
    client.force_login(world.contributor)
    answer = client.post(submit_url(update), {"version": update.version})
    assert answer.status_code == 409
    assert "cannot be changed" in answer.text


def test_a_missing_version_is_a_bad_request(world, client, response):
    update = draft_update(world, response)
    client.force_login(world.contributor)
    assert client.post(submit_url(update), {"version": "x"}).status_code == 400
    update.refresh_from_db()
    assert update.state == WorkflowState.DRAFT


@pytest.mark.parametrize("persona", ["viewer", "other_force", "reviewer"])
def test_people_who_cannot_write_for_the_organisation_are_refused(world, client, response,
                                                                  persona):
    update = draft_update(world, response)
    user = {
        "viewer": world.viewer,
        "other_force": make_user("zed", world.force_b, Membership.Role.CONTRIBUTOR),
        "reviewer": world.reviewer,
    }[persona]
    client.force_login(user)
    assert client.post(submit_url(update), {"version": update.version}).status_code in (403, 404)
    update.refresh_from_db()
    assert update.state == WorkflowState.DRAFT


def test_a_signed_out_visitor_is_sent_to_sign_in(world, client, response):
    update = draft_update(world, response)
    answer = client.post(submit_url(update), {"version": update.version})
    assert answer.status_code == 302
    assert answer.url.startswith(reverse("login"))


def test_add_an_update_is_not_offered_while_one_awaits_sign_off(world, client, response):
    client.force_login(world.contributor)
    assert ADD_AN_UPDATE in client.get(response_url(world)).text
    submitted_update(world, response)
    page = client.get(response_url(world)).text
    assert ADD_AN_UPDATE not in page
    assert "awaiting sign-off</a>. Add a new update once an approver has signed it off" in page
