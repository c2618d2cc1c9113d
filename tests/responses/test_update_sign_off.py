"""UpdateSignOffView: an approver publishes an update or returns it with a comment."""

from django.urls import reverse

from responses.choices import Status, WorkflowState
from tests.conftest import submitted_update
from tests.responses.helpers import response_url, review_url, sign_off_data

# Who may sign off


def test_an_approver_cannot_sign_off_their_own_update(world, client, response):
    update = submitted_update(world, response, author=world.approver, status=Status.COMPLETED)
    client.force_login(world.approver)

    assert "Approve and publish" not in client.get(response_url(world)).content.decode()
    page = client.post(reverse("workflow:update_sign_off", args=[update.pk]),
                       sign_off_data(update))

    assert page.status_code == 403
    update.refresh_from_db()
    assert update.state == WorkflowState.AWAITING_SIGN_OFF


def test_a_contributor_cannot_sign_off(world, client, response):
    update = submitted_update(world, response, author=world.approver, status=Status.COMPLETED)
    client.force_login(world.contributor)

    page = client.post(reverse("workflow:update_sign_off", args=[update.pk]),
                       sign_off_data(update))

    assert page.status_code == 403


def test_a_refusal_says_why(client, world, response):
    """The 403 page carries the reason the service gave, not only a generic refusal."""
    update = submitted_update(world, response, author=world.approver, status=Status.COMPLETED)
    client.force_login(world.approver)
    page = client.post(reverse("workflow:update_sign_off", args=[update.pk]),
                       sign_off_data(update))
    assert page.status_code == 403
    assert "You cannot sign off an update you wrote yourself." in page.text


# Returning


def test_an_approver_returns_an_update_and_the_contributor_sees_why(world, client, response):
    update = submitted_update(world, response)
    client.force_login(world.approver)

    page = client.post(reverse("workflow:update_sign_off", args=[update.pk]),
                       sign_off_data(update, "return", comment="Add the training dates."))

    assert page.headers["Location"] == response_url(world)
    update.refresh_from_db()
    assert update.state == WorkflowState.RETURNED
    assert "Update returned to Force A" in client.get(response_url(world)).content.decode()

    client.force_login(world.contributor)
    html = client.get(response_url(world)).content.decode()
    assert "<strong>Returned:</strong> Add the training dates." in html
    assert reverse("workflow:update_edit", args=[update.pk]) in html
    edit = client.get(reverse("workflow:update_edit", args=[update.pk])).content.decode()
    assert "Add the training dates." in edit


def test_returning_without_a_comment_shows_an_error_and_keeps_the_update(
    world, client, response
):
    update = submitted_update(world, response, narrative="<p>Awaiting a decision.</p>")
    client.force_login(world.approver)

    page = client.post(reverse("workflow:update_sign_off", args=[update.pk]),
                       sign_off_data(update, "return", comment="   "))

    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html
    anchor = f"#id_return_{update.pk}_comment"
    assert f'<a href="{anchor}">Say why the update is being returned</a>' in html
    assert "Awaiting a decision." in html
    assert "<title>Error: " in html
    update.refresh_from_db()
    assert update.state == WorkflowState.AWAITING_SIGN_OFF


# Only posts


def test_sign_off_and_review_only_take_posts(world, client, response):
    update = submitted_update(world, response)
    client.force_login(world.approver)

    assert client.get(reverse("workflow:update_sign_off", args=[update.pk])).status_code == 405
    assert client.get(review_url(world)).status_code == 405

