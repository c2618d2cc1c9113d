"""
The Django admin cannot move an update through the workflow or record a review: the services do
that, checking roles and keeping the response's current status right.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from evidence import services as evidence_services
from responses import services
from responses.choices import Marking, ReviewOutcome, Status, WorkflowState
from responses.models import Response, ResponseReview, ResponseUpdate


@pytest.fixture
def admin_client(client, world):
    """
    A superuser who is also a contributor of Force A: an administrator reads and changes a draft
    in the admin only when they could on the site (need to know).
    """
    from accounts.models import Membership

    superuser = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    Membership.objects.create(user=superuser, organisation=world.force_a,
                              role=Membership.Role.CONTRIBUTOR)
    client.force_login(superuser)
    return client


@pytest.fixture
def response(world):
    return services.response_get_or_create(recommendation=world.rec_1, organisation=world.force_a)


def change_url(obj):
    return reverse(f"admin:responses_{obj._meta.model_name}_change", args=[obj.pk])


def update_form(update, **overrides):
    """Everything the admin's change form of an update would post, plus `overrides`."""
    data = {
        "as_of": update.as_of.isoformat(),
        "status": update.status,
        "narrative": update.narrative,
        "awaiting": update.awaiting,
        "position_provided_by": update.position_provided_by,
        "marking": update.marking,
        "public": "",
        # Workflow fields a crafted POST might carry; the admin must ignore them.
        "state": WorkflowState.PUBLISHED,
        "submitted_at_0": "2021-05-01", "submitted_at_1": "10:00:00",
        "signed_off_at_0": "2021-05-02", "signed_off_at_1": "10:00:00",
        "return_comment": "Forged",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_an_admin_cannot_publish_a_draft_by_changing_its_state(world, admin_client, response):
    update = services.response_update_create(
        response=response, author=world.contributor, as_of=datetime.date(2021, 5, 1),
        status=Status.COMPLETED, narrative="<p>Draft.</p>",
    )

    page = admin_client.post(change_url(update), update_form(
        update, author=str(world.approver.pk), signed_off_by=str(world.approver.pk),
        narrative="<p>Draft, corrected.</p>",
    ))

    assert page.status_code == 302
    update.refresh_from_db()
    response.refresh_from_db()
    # The content edit went through; nothing of the workflow did.
    assert update.narrative == "<p>Draft, corrected.</p>"
    assert update.state == WorkflowState.DRAFT
    assert update.signed_off_by is None and update.signed_off_at is None
    assert update.submitted_at is None and update.return_comment == ""
    assert update.author == world.contributor
    assert response.current_status == "" and response.current_update is None


def test_the_admin_shows_the_workflow_fields_read_only(world, admin_client, response):
    update = services.response_update_create(
        response=response, author=world.contributor, as_of=datetime.date(2021, 5, 1),
        status=Status.COMPLETED,
    )

    page = admin_client.get(change_url(update))

    assert page.status_code == 200
    for name in ("state", "author", "submitted_at", "signed_off_by", "signed_off_at",
                 "return_comment", "response"):
        assert f'name="{name}"' not in page.text, name
        assert f'name="{name}_0"' not in page.text, name
    assert 'name="narrative"' in page.text


def test_an_update_cannot_be_added_through_the_admin(world, admin_client, response):
    add = reverse("admin:responses_responseupdate_add")

    assert admin_client.get(add).status_code == 403
    page = admin_client.post(add, {
        "response": response.pk, "as_of": "2021-05-01", "status": Status.COMPLETED,
        "state": WorkflowState.PUBLISHED, "marking": Marking.OFFICIAL,
    })
    assert page.status_code == 403
    assert not ResponseUpdate.objects.exists()


def test_an_admin_cannot_close_a_response_or_forge_a_review(world, admin_client, response):
    page = admin_client.post(change_url(response), {
        "recommendation": world.rec_1.pk, "organisation": world.force_a.pk,
        "portal_reference": "#1", "lead": "DCI New",
        "review_outcome": ReviewOutcome.CLOSED, "review_comment": "Forged",
        "reviewed_by": world.reviewer.pk,
        "reviewed_at_0": "2021-05-02", "reviewed_at_1": "10:00:00",
        "current_status": Status.COMPLETED,
        "updates-TOTAL_FORMS": "0", "updates-INITIAL_FORMS": "0",
        "updates-MIN_NUM_FORMS": "0", "updates-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    })

    assert page.status_code == 302, page.content.decode()[:2000]
    response.refresh_from_db()
    assert response.lead == "DCI New"  # the details an admin may correct
    assert response.review_outcome == ReviewOutcome.OPEN
    assert response.review_comment == "" and response.reviewed_by is None
    assert response.reviewed_at is None and response.current_status == ""

    assert admin_client.get(reverse("admin:responses_responsereview_add")).status_code == 403


def test_a_recorded_review_is_read_only_in_the_admin(world, admin_client, response):
    update = services.response_update_create(
        response=response, author=world.contributor, submit=True,
        as_of=datetime.date(2021, 5, 1), status=Status.COMPLETED,
    )
    services.response_update_publish(update=update, approver=world.approver)
    evidence_services.response_review(response=response, reviewer=world.reviewer,
                             outcome=ReviewOutcome.RETURNED, comment="More.")
    review = ResponseReview.objects.get()

    page = admin_client.get(change_url(review))
    assert page.status_code == 200 and 'name="_save"' not in page.text
    assert admin_client.post(change_url(review), {"outcome": "closed"}).status_code == 403
    delete = reverse("admin:responses_responsereview_delete", args=[review.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.RETURNED
    assert Response.objects.get().review_outcome == ReviewOutcome.RETURNED
