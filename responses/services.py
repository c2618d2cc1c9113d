"""
Every write to responses and their updates, one service per user action. Views, the admin,
importers and commands call these; each checks the acting user's membership first
(`responses.permissions.require_...`) and the rules of a valid row (`full_clean()`, which runs
the models' `clean()` and constraints), inside one transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import permissions
from .choices import WorkflowState
from .models import Response, ResponseReview, ResponseUpdate

EDITABLE_FIELDS = (
    "as_of",
    "status",
    "narrative",
    "awaiting",
    "position_provided_by",
    "marking",
    "public",
)


NOT_EDITABLE = (
    "This update has been submitted for sign-off or published, so it cannot be changed. "
    "To correct a published update, add a new update."
)
NOTHING_TO_REVIEW = "There is no published update to review yet."


class PublishedUpdateIsImmutable(ValidationError):
    """Raised on any attempt to change or delete a published update."""

    def __init__(self):
        super().__init__(
            "A published update cannot be changed or deleted. Add a new update to correct it.",
            code="published_immutable",
        )


def _check_editable_fields(fields):
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")


def _submit(update):
    update.state = WorkflowState.AWAITING_SIGN_OFF
    update.submitted_at = timezone.now()


def response_get_or_create(*, recommendation, organisation):
    """Return the one Response for this recommendation and organisation, creating it if needed."""
    response, _ = Response.objects.get_or_create(
        recommendation=recommendation, organisation=organisation
    )
    return response


@transaction.atomic
def response_details_update(*, response, editor, lead, portal_reference):
    """Change who leads a response and its monitoring-portal reference."""
    permissions.require_writer(editor, response.organisation_id)
    lead, portal_reference = (lead or "").strip(), (portal_reference or "").strip()
    if (response.lead, response.portal_reference) == (lead, portal_reference):
        return response
    response.lead = lead
    response.portal_reference = portal_reference
    response.full_clean(exclude=["recommendation", "organisation"], validate_unique=False)
    response.save(update_fields=["lead", "portal_reference", "updated_at"])
    return response


@transaction.atomic
def response_update_create(
    *, author, response=None, recommendation=None, organisation=None, submit=False,
    lead=None, portal_reference=None, **fields,
):
    """
    Write a new draft (or submit it straight away) for the author's organisation.

    Give the `response`, or the `recommendation` and `organisation` whose response it is: the
    response is then created with its first update, in the same transaction, so a refused or
    invalid update leaves no empty response behind. `lead` and `portal_reference`, when given,
    change the response's details in the same transaction.
    """
    organisation_id = response.organisation_id if response else organisation.pk
    permissions.require_writer(author, organisation_id)
    _check_editable_fields(fields)
    if response is None:
        response = response_get_or_create(recommendation=recommendation, organisation=organisation)
    if lead is not None or portal_reference is not None:
        response_details_update(
            response=response, editor=author, lead=lead, portal_reference=portal_reference
        )
    update = ResponseUpdate(response=response, author=author, state=WorkflowState.DRAFT, **fields)
    if submit:
        _submit(update)
    update.full_clean()
    update.save()
    return update


@transaction.atomic
def response_update_edit(
    *, update, editor, submit=False, lead=None, portal_reference=None, **fields
):
    """
    Change a draft or returned update (and, when given, its response's lead and reference);
    submitting sends it for sign-off.
    """
    update = ResponseUpdate.objects.select_for_update().get(pk=update.pk)
    if update.state == WorkflowState.PUBLISHED:
        raise PublishedUpdateIsImmutable()
    permissions.require_writer(editor, update.response.organisation_id)
    if not update.is_editable:
        raise ValidationError(NOT_EDITABLE, code="not_editable")
    _check_editable_fields(fields)
    if lead is not None or portal_reference is not None:
        response_details_update(
            response=update.response, editor=editor, lead=lead, portal_reference=portal_reference
        )
    for name, value in fields.items():
        setattr(update, name, value)
    if submit:
        _submit(update)
    update.full_clean()
    update.save()
    return update


@transaction.atomic
def response_update_delete(*, update, user):
    """Delete a draft or returned update. Published updates are history and stay."""
    update = ResponseUpdate.objects.select_for_update().get(pk=update.pk)
    if update.state == WorkflowState.PUBLISHED:
        raise PublishedUpdateIsImmutable()
    permissions.require_writer(user, update.response.organisation_id)
    if not update.is_editable:
        raise ValidationError(NOT_EDITABLE, code="not_editable")
    update.delete()


def _refresh_current_status(response):
    """
    Point the response at its published update with the latest `as_of`.

    Publishing an older update (a late sign-off of a March position after a May one) must not roll
    the status back, so the current status is recomputed from all published updates rather than
    copied from the one just published. Ties on `as_of` go to the one created last.
    """
    latest = (
        response.updates.published().order_by("-as_of", "-created_at", "-pk").first()
    )
    response.current_update = latest
    response.current_status = latest.status if latest else ""
    response.current_status_on = latest.as_of if latest else None
    response.save(update_fields=["current_update", "current_status", "current_status_on",
                                 "updated_at"])


@transaction.atomic
def response_update_publish(*, update, approver):
    """
    Sign off an update: it becomes published and, if it is the latest, the current status.

    The approver must be an approver of the update's organisation and not its author.
    """
    # Lock the response first: two sign-offs at once must not interleave their status refresh.
    response = Response.objects.select_for_update().get(pk=update.response_id)
    update = ResponseUpdate.objects.select_for_update().get(pk=update.pk)
    if update.state == WorkflowState.PUBLISHED:
        raise PublishedUpdateIsImmutable()
    update.response = response
    permissions.require_sign_off(approver, update)
    if update.state != WorkflowState.AWAITING_SIGN_OFF:
        raise ValidationError("Only an update awaiting sign-off can be signed off.")
    update.state = WorkflowState.PUBLISHED
    update.signed_off_by = approver
    update.signed_off_at = timezone.now()
    update.save(update_fields=["state", "signed_off_by", "signed_off_at", "updated_at"])
    _refresh_current_status(response)
    return update


@transaction.atomic
def response_update_return(*, update, approver, comment):
    """Send an update awaiting sign-off back to its organisation's contributors, saying why."""
    update = ResponseUpdate.objects.select_for_update().select_related("response").get(pk=update.pk)
    if update.state == WorkflowState.PUBLISHED:
        raise PublishedUpdateIsImmutable()
    permissions.require_approver(approver, update.response.organisation_id)
    if update.state != WorkflowState.AWAITING_SIGN_OFF:
        raise ValidationError("Only an update awaiting sign-off can be returned.")
    update.state = WorkflowState.RETURNED
    update.return_comment = (comment or "").strip()
    update.signed_off_by = approver
    update.signed_off_at = timezone.now()
    update.full_clean()
    update.save(update_fields=["state", "return_comment", "signed_off_by", "signed_off_at",
                               "updated_at"])
    return update


@transaction.atomic
def response_review(*, response, reviewer, outcome, comment=""):
    """A national reviewer closes a response (evidence accepted) or returns it for more."""
    permissions.require_reviewer(reviewer)
    review = ResponseReview(
        response=response, outcome=outcome, comment=(comment or "").strip(), reviewer=reviewer
    )
    review.full_clean(exclude=["response"])
    response = Response.objects.select_for_update().get(pk=response.pk)
    if not response.current_update_id:
        raise ValidationError(NOTHING_TO_REVIEW)
    response.review_outcome = review.outcome
    response.review_comment = review.comment
    response.reviewed_by = reviewer
    response.reviewed_at = timezone.now()
    response.save(update_fields=["review_outcome", "review_comment", "reviewed_by", "reviewed_at",
                                 "updated_at"])
    review.response = response
    review.save()
    return response
