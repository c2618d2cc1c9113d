"""
Every write to responses and their updates. Views, the admin, importers and commands call these;
each checks the acting user's membership first (responses/permissions.py).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import permissions
from .choices import Marking, ReviewOutcome, Status, WorkflowState
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


class PublishedUpdateIsImmutable(ValidationError):
    """Raised on any attempt to change or delete a published update."""

    def __init__(self):
        super().__init__(
            "A published update cannot be changed or deleted. Add a new update to correct it.",
            code="published_immutable",
        )


def _validate_update_content(update):
    errors = {}
    if update.status == Status.AWAITING_NATIONAL and not update.awaiting.strip():
        errors["awaiting"] = "Say which recommendation or body you are waiting for"
    if update.status == Status.NOT_ACCEPTED and not (update.narrative or "").strip():
        errors["narrative"] = "Explain why no action will be taken"
    if update.marking == Marking.OFFICIAL_SENSITIVE and update.public:
        errors["public"] = "An OFFICIAL-SENSITIVE update cannot be made public"
    if errors:
        raise ValidationError(errors)


def response_get_or_create(*, recommendation, organisation):
    """Return the one Response for this recommendation and organisation, creating it if needed."""
    response, _ = Response.objects.get_or_create(
        recommendation=recommendation, organisation=organisation
    )
    return response


@transaction.atomic
def response_details_update(*, response, editor, lead, portal_reference):
    """Change who leads a response and its monitoring-portal reference."""
    if not permissions.can_write_for(editor, response.organisation_id):
        raise PermissionDenied("You cannot change responses of this organisation.")
    lead, portal_reference = (lead or "").strip(), (portal_reference or "").strip()
    if (response.lead, response.portal_reference) == (lead, portal_reference):
        return response
    response.lead = lead
    response.portal_reference = portal_reference
    response.full_clean(exclude=["recommendation", "organisation"], validate_unique=False)
    response.save(update_fields=["lead", "portal_reference", "updated_at"])
    return response


@transaction.atomic
def response_update_create(*, response, author, submit=False, **fields):
    """Write a new draft (or submit it straight away) for the author's organisation."""
    if not permissions.can_write_for(author, response.organisation_id):
        raise PermissionDenied("You cannot write updates for this organisation.")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    update = ResponseUpdate(response=response, author=author, state=WorkflowState.DRAFT, **fields)
    if submit:
        update.state = WorkflowState.AWAITING_SIGN_OFF
        update.submitted_at = timezone.now()
    update.full_clean()
    _validate_update_content(update)
    update.save()
    return update


@transaction.atomic
def response_update_edit(*, update, editor, submit=False, **fields):
    """Change a draft or returned update; submitting sends it for sign-off."""
    update = ResponseUpdate.objects.select_for_update().get(pk=update.pk)
    if update.state == WorkflowState.PUBLISHED:
        raise PublishedUpdateIsImmutable()
    if not permissions.can_write_for(editor, update.response.organisation_id):
        raise PermissionDenied("You cannot write updates for this organisation.")
    if not update.is_editable:
        raise ValidationError("Only a draft or a returned update can be changed.")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(update, name, value)
    if submit:
        update.state = WorkflowState.AWAITING_SIGN_OFF
        update.submitted_at = timezone.now()
    update.full_clean()
    _validate_update_content(update)
    update.save()
    return update


@transaction.atomic
def response_update_delete(*, update, user):
    """Delete a draft or returned update. Published updates are history and stay."""
    update = ResponseUpdate.objects.select_for_update().get(pk=update.pk)
    if update.state == WorkflowState.PUBLISHED:
        raise PublishedUpdateIsImmutable()
    if not permissions.can_write_for(user, update.response.organisation_id):
        raise PermissionDenied("You cannot delete updates of this organisation.")
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
    if not permissions.can_sign_off_for(approver, response.organisation_id):
        raise PermissionDenied("Only an approver of this organisation can sign off its updates.")
    if update.author_id is not None and update.author_id == approver.pk:
        raise PermissionDenied("You cannot sign off an update you wrote yourself.")
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
    if not permissions.can_sign_off_for(approver, update.response.organisation_id):
        raise PermissionDenied("Only an approver of this organisation can return its updates.")
    if update.state != WorkflowState.AWAITING_SIGN_OFF:
        raise ValidationError("Only an update awaiting sign-off can be returned.")
    if not (comment or "").strip():
        raise ValidationError({"comment": "Say why the update is being returned"})
    update.state = WorkflowState.RETURNED
    update.return_comment = comment.strip()
    update.signed_off_by = approver
    update.signed_off_at = timezone.now()
    update.save(update_fields=["state", "return_comment", "signed_off_by", "signed_off_at",
                               "updated_at"])
    return update


@transaction.atomic
def response_review(*, response, reviewer, outcome, comment=""):
    """A national reviewer closes a response (evidence accepted) or returns it for more."""
    if not permissions.is_reviewer(reviewer):
        raise PermissionDenied("Only a national reviewer can close or return a response.")
    if outcome not in {ReviewOutcome.CLOSED, ReviewOutcome.RETURNED}:
        raise ValidationError({"outcome": "Choose whether to close or return the response"})
    if outcome == ReviewOutcome.RETURNED and not (comment or "").strip():
        raise ValidationError({"comment": "Say what more evidence is needed"})
    response = Response.objects.select_for_update().get(pk=response.pk)
    if not response.current_update_id:
        raise ValidationError("There is no published update to review yet.")
    response.review_outcome = outcome
    response.review_comment = (comment or "").strip()
    response.reviewed_by = reviewer
    response.reviewed_at = timezone.now()
    response.save(update_fields=["review_outcome", "review_comment", "reviewed_by", "reviewed_at",
                                 "updated_at"])
    ResponseReview.objects.create(
        response=response, outcome=outcome, comment=response.review_comment, reviewer=reviewer
    )
    return response
