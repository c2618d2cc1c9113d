import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from evidence import services as evidence_services
from responses import services
from responses.choices import Marking, ReviewOutcome, Status, WorkflowState
from responses.models import Response, ResponseReview, ResponseUpdate
from tests.conftest import draft_update, published_update, submitted_update


def test_publishing_sets_the_current_status_and_date(world, response):
    published_update(world, response, as_of=datetime.date(2021, 5, 1),
                     status=Status.IN_PROGRESS)

    response.refresh_from_db()
    assert response.current_status == Status.IN_PROGRESS
    assert response.current_status_on == datetime.date(2021, 5, 1)


def test_publishing_an_older_update_does_not_roll_the_status_back(world, response):
    published_update(world, response, as_of=datetime.date(2022, 1, 14),
                     status=Status.COMPLETED)
    published_update(world, response, as_of=datetime.date(2021, 5, 1),
                     status=Status.IN_PROGRESS)

    response.refresh_from_db()
    assert response.current_status == Status.COMPLETED
    assert response.current_status_on == datetime.date(2022, 1, 14)


def test_drafts_and_submitted_updates_do_not_change_the_current_status(world, response):
    published_update(world, response, as_of=datetime.date(2021, 5, 1),
                     status=Status.IN_PROGRESS)
    draft_update(world, response, as_of=datetime.date(2022, 1, 1), status=Status.COMPLETED)
    submitted_update(world, response, as_of=datetime.date(2022, 2, 1), status=Status.NOT_STARTED)

    response.refresh_from_db()
    assert response.current_status == Status.IN_PROGRESS


def test_publishing_rolls_back_with_the_transaction(world, response):
    update = submitted_update(world, response, status=Status.COMPLETED)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.response_update_publish(update=update, approver=world.approver)
        raise RuntimeError("the request failed after publishing")

    update.refresh_from_db()
    response.refresh_from_db()
    assert update.state == WorkflowState.AWAITING_SIGN_OFF
    assert response.current_status == ""


def test_a_published_update_cannot_be_edited(world, response):
    update = published_update(world, response, status=Status.IN_PROGRESS)

    with pytest.raises(services.PublishedUpdateIsImmutable):
        services.response_update_edit(
            update=update, editor=world.contributor, status=Status.COMPLETED
        )
    update.refresh_from_db()
    assert update.status == Status.IN_PROGRESS


def test_a_published_update_cannot_be_deleted(world, response):
    update = published_update(world, response, status=Status.IN_PROGRESS)

    with pytest.raises(services.PublishedUpdateIsImmutable):
        services.response_update_delete(update=update, user=world.contributor)
    assert ResponseUpdate.objects.filter(pk=update.pk).exists()


def test_a_published_update_cannot_be_published_again(world, response):
    update = published_update(world, response, status=Status.IN_PROGRESS)

    with pytest.raises(services.PublishedUpdateIsImmutable):
        services.response_update_publish(update=update, approver=world.approver)


def test_a_draft_can_be_edited_and_deleted(world, response):
    draft = draft_update(world, response, status=Status.NOT_STARTED)
    services.response_update_edit(update=draft, editor=world.contributor, status=Status.IN_PROGRESS)
    draft.refresh_from_db()
    assert draft.status == Status.IN_PROGRESS

    services.response_update_delete(update=draft, user=world.contributor)
    assert not ResponseUpdate.objects.filter(pk=draft.pk).exists()


def test_a_contributor_of_another_force_cannot_write(world, response):
    with pytest.raises(PermissionDenied):
        services.response_update_create(
            response=response, author=world.other_contributor,
            as_of=datetime.date(2021, 5, 1), status=Status.COMPLETED,
        )
    assert not response.updates.exists()


def test_a_viewer_cannot_write(world, response):
    with pytest.raises(PermissionDenied):
        services.response_update_create(
            response=response, author=world.viewer,
            as_of=datetime.date(2021, 5, 1), status=Status.COMPLETED,
        )


def test_an_approver_cannot_sign_off_their_own_update(world, response):
    update = submitted_update(world, response, author=world.approver, status=Status.COMPLETED)
    with pytest.raises(PermissionDenied, match="wrote yourself"):
        services.response_update_publish(update=update, approver=world.approver)
    update.refresh_from_db()
    assert update.state == WorkflowState.AWAITING_SIGN_OFF


def test_an_approver_of_another_force_cannot_sign_off(world, response):
    update = submitted_update(world, response, status=Status.COMPLETED)
    with pytest.raises(PermissionDenied):
        services.response_update_publish(update=update, approver=world.other_approver)


def test_a_draft_cannot_be_signed_off_before_it_is_submitted(world, response):
    draft = draft_update(world, response, status=Status.COMPLETED)
    with pytest.raises(ValidationError):
        services.response_update_publish(update=draft, approver=world.approver)


def test_returning_needs_a_comment_and_lets_the_contributor_edit_again(world, response):
    update = submitted_update(world, response, status=Status.COMPLETED)
    with pytest.raises(ValidationError):
        services.response_update_return(update=update, approver=world.approver, comment="  ")

    services.response_update_return(
        update=update, approver=world.approver, comment="Attach the policy."
    )
    update.refresh_from_db()
    assert update.state == WorkflowState.RETURNED
    assert update.return_comment == "Attach the policy."
    services.response_update_edit(update=update, editor=world.contributor, submit=True,
                                  narrative="<p>Policy attached.</p>")
    update.refresh_from_db()
    assert update.state == WorkflowState.AWAITING_SIGN_OFF


def test_awaiting_national_guidance_needs_what_is_awaited(world, response):
    with pytest.raises(ValidationError) as error:
        services.response_update_create(
            response=response, author=world.contributor,
            as_of=datetime.date(2021, 5, 1), status=Status.AWAITING_NATIONAL,
        )
    assert "awaiting" in error.value.message_dict


def test_not_accepted_needs_an_explanation(world, response):
    with pytest.raises(ValidationError) as error:
        services.response_update_create(
            response=response, author=world.contributor,
            as_of=datetime.date(2021, 5, 1), status=Status.NOT_ACCEPTED, narrative="",
        )
    assert "narrative" in error.value.message_dict


def test_a_sensitive_update_cannot_be_public(world, response):
    with pytest.raises(ValidationError):
        services.response_update_create(
            response=response, author=world.contributor, as_of=datetime.date(2021, 5, 1),
            status=Status.IN_PROGRESS, marking=Marking.OFFICIAL_SENSITIVE, public=True,
        )


def test_a_reviewer_closes_a_response_and_the_review_is_kept(world, response):
    published_update(world, response, status=Status.COMPLETED)

    evidence_services.response_review(
        response=response, reviewer=world.reviewer, outcome=ReviewOutcome.CLOSED,
        comment="Evidence accepted.",
    )
    response.refresh_from_db()
    assert response.review_outcome == ReviewOutcome.CLOSED
    assert ResponseReview.objects.get(response=response).comment == "Evidence accepted."


def test_only_a_national_reviewer_can_review(world, response):
    published_update(world, response, status=Status.COMPLETED)

    for user in (world.approver, world.other_contributor, world.outsider):
        with pytest.raises(PermissionDenied):
            evidence_services.response_review(
                response=response, reviewer=user, outcome=ReviewOutcome.CLOSED
            )
    response.refresh_from_db()
    assert response.review_outcome == ReviewOutcome.OPEN


def test_narrative_is_sanitised_when_saved(world, response):
    update = services.response_update_create(
        response=response, author=world.contributor, as_of=datetime.date(2021, 5, 1),
        status=Status.IN_PROGRESS,
        narrative='<p onclick="steal()">Done <script>alert(1)</script>'
                  '<a href="javascript:alert(1)">x</a></p>',
    )
    stored = ResponseUpdate.objects.get(pk=update.pk).narrative
    assert "<script" not in stored
    assert "onclick" not in stored
    assert "javascript:" not in stored
    assert "Done" in stored


def test_one_response_per_recommendation_and_organisation(world, response):
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(recommendation=world.rec_1, organisation=world.force_a)


def test_writers_of_the_organisation_set_the_lead_and_portal_reference(world, response):
    published_update(world, response, as_of=datetime.date(2021, 5, 1), status=Status.IN_PROGRESS,
                     lead=" DCI Smith ", portal_reference="#17527")

    response.refresh_from_db()
    assert (response.lead, response.portal_reference) == ("DCI Smith", "#17527")


def test_others_cannot_set_the_lead_or_portal_reference(world, response):
    for user in (world.other_contributor, world.viewer, world.reviewer, world.outsider):
        with pytest.raises(PermissionDenied):
            services.response_update_create(
                response=response, author=user, as_of=datetime.date(2021, 5, 1),
                status=Status.IN_PROGRESS, lead="Someone", portal_reference="#1",
            )
    response.refresh_from_db()
    assert (response.lead, response.portal_reference) == ("", "")
    assert not response.updates.exists()


def test_a_too_long_portal_reference_is_refused(world, response):
    with pytest.raises(ValidationError):
        services.response_update_create(
            response=response, author=world.contributor, as_of=datetime.date(2021, 5, 1),
            status=Status.IN_PROGRESS, lead="", portal_reference="#" * 51,
        )
