"""
Every write about deadlines: asking for more time and deciding on it, marking a recommendation
as priority, and sending the chasing ladder's letters. Each checks the acting user's role first
(`accounts.permissions.require_...`) and the rules of `deadlines.extensions` and
`deadlines.chasing`, with the response row locked, inside one transaction, as the responses'
services do (`responses.services`, whose lock order these follow: the Response row first).

When a response is due is the record's own rule (`responses.deadlines`): every page shows it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from core.events import event_record
from core.models import Event
from recommendations.models import Recommendation
from responses.choices import ExtensionDecision
from responses.deadlines import due_date, response_deadline_state
from responses.models import Chaser, ExtensionRequest, Response
from responses.services import response_get_or_create

from . import chasing, extensions


@transaction.atomic
def extension_request(
    *, user, recommendation, organisation, requested_due_on, reason, today=None
):
    """
    Ask for a later due date for `organisation`'s answer to `recommendation`, with a reason.

    Only a contributor or approver of the organisation may ask, only on or before the current
    due date (the day itself is in time, the day after is not), only while nothing is published
    and no other request awaits a decision. The response row is created if needed; the due
    date does not move until a national reviewer approves (`extension_decide`).
    """
    permissions.require_extension_requester(user, organisation.pk)
    today = today or timezone.localdate()
    response = response_get_or_create(recommendation=recommendation, organisation=organisation)
    response = Response.objects.select_for_update().get(pk=response.pk)
    current_due = due_date(
        recommendation=recommendation, kind=organisation.kind,
        extended_to=response.extended_due_on,
    )
    refusal = extensions.extension_refusal(
        due_on=current_due, answered=chasing.is_answered(response), today=today,
        pending=response.extension_requests.filter(decision=ExtensionDecision.PENDING).exists(),
    )
    if refusal:
        raise ValidationError(*refusal)
    extension = ExtensionRequest(
        response=response,
        original_due_on=current_due,
        requested_due_on=requested_due_on,
        reason=(reason or "").strip(),
        requested_by=user,
        requested_at=timezone.now(),
    )
    extension.full_clean(exclude=["response"])
    extension.save()
    return extension


@transaction.atomic
def extension_decide(*, extension, reviewer, decision, comment=""):
    """
    A national reviewer approves or refuses a pending request for more time.

    Approving moves the response's due date (`Response.extended_due_on`, which every deadline
    and dashboard figure reads, see `responses.deadlines`); refusing, which needs a comment,
    leaves it where it was. The request keeps the date it was made against, so the original due
    date is never lost. A reviewer never decides their own organisation's request.
    """
    response = Response.objects.select_for_update().get(pk=extension.response_id)
    permissions.require_extension_decider(reviewer, response.organisation_id)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.decision != ExtensionDecision.PENDING:
        raise ValidationError(extensions.EXTENSION_DECIDED, code="decided")
    if decision not in (ExtensionDecision.APPROVED, ExtensionDecision.REFUSED):
        raise ValidationError({"decision": "Select whether to approve or refuse the extension"})
    extension.decision = decision
    extension.comment = (comment or "").strip()
    extension.decided_by = reviewer
    extension.decided_at = timezone.now()
    extension.full_clean(exclude=["response"])
    extension.save()
    if decision == ExtensionDecision.APPROVED:
        response.extended_due_on = extension.requested_due_on
        response.save(update_fields=["extended_due_on", "updated_at"])
    extension.response = response
    event_record(kind=Event.Kind.EXTENSION_DECIDED, actor=reviewer, extension_id=extension.pk)
    return extension


PRIORITY_ALREADY = "This recommendation is already marked as priority."


PRIORITY_NOT_MARKED = "This recommendation is not marked as priority."


def _priority_change(*, recommendation, reviewer, priority, reason):
    """
    Set or clear the priority mark of `recommendation`, saying who and when: a national reviewer
    only. Lives here rather than in recommendations/services.py because who may do it is
    decided in `accounts.permissions`, and `recommendations` never imports `responses`.

    The row is locked first, so two reviewers acting at once queue up and the second is told
    what the first did. Saving bumps `updated_at`, which the "data" scope reads: the
    cached home summaries and organisation pages show the change at once. The audit trail
    records each changed field and the acting user (tracker.audit).
    """
    permissions.require_priority_setter(reviewer)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if recommendation.priority == priority:
        raise ValidationError(PRIORITY_ALREADY if priority else PRIORITY_NOT_MARKED,
                              code="unchanged")
    recommendation.priority = priority
    recommendation.priority_reason = (reason or "").strip()
    recommendation.priority_changed_by = reviewer
    recommendation.priority_changed_at = timezone.now()
    recommendation.full_clean(
        exclude=[f.name for f in Recommendation._meta.fields if not f.name.startswith("priority")]
    )
    recommendation.save(update_fields=["priority", "priority_reason", "priority_changed_by",
                                       "priority_changed_at", "updated_at"])
    return recommendation


@transaction.atomic
def recommendation_priority_mark(*, recommendation, reviewer, reason):
    """A national reviewer marks a recommendation as priority, saying why (required)."""
    return _priority_change(
        recommendation=recommendation, reviewer=reviewer, priority=True, reason=reason
    )


@transaction.atomic
def recommendation_priority_remove(*, recommendation, reviewer, reason=""):
    """A national reviewer removes the priority mark, with or without saying why."""
    return _priority_change(
        recommendation=recommendation, reviewer=reviewer, priority=False, reason=reason
    )


@transaction.atomic
def chaser_send(
    *, reviewer, response=None, recommendation=None, organisation=None, step=None, today=None
):
    """
    A national reviewer sends the next step of the chasing ladder of an overdue answer: a
    letter from their national body to the organisation's office holder, dated `today`.

    Give the `response`, or the `recommendation` and `organisation` (the response row is then
    created, in this transaction, for an organisation that has written nothing yet). `step` is
    the step the reviewer's form was made for: a double submit or a stale page is refused
    rather than sending the step after. The rules are `deadlines.chasing.chase_refusal`'s,
    checked with the response row locked so two reviewers cannot send the same step; a refusal
    is a ValidationError whose `code` says which rule ("stale", "answered", ...). A reviewer
    never chases their own organisation.
    """
    permissions.require_chaser(
        reviewer, response.organisation_id if response is not None else organisation.pk
    )
    today = today or timezone.localdate()
    if response is None:
        response = response_get_or_create(
            recommendation=recommendation, organisation=organisation
        )
    response = (
        Response.objects.select_for_update(of=("self",))
        .select_related("recommendation__super_complaint", "organisation")
        .get(pk=response.pk)
    )
    last_step = max(response.chasers.values_list("step", flat=True), default=0)
    deadline = response_deadline_state(
        recommendation=response.recommendation, organisation=response.organisation,
        response=response, today=today,
    )
    refusal = chasing.chase_refusal(
        organisation=response.organisation, deadline=deadline,
        answered=chasing.is_answered(response), last_step=last_step, step=step,
    )
    if refusal is not None:
        message, code = refusal
        raise ValidationError(message, code=code)
    chaser = Chaser(
        response=response,
        step=chasing.next_step(last_step),
        sent_on=today,
        sent_by=reviewer,
        sent_from_id=permissions.reviewing_body_id(reviewer),
        due_on=deadline.due_on,
        original_due_on=due_date(
            recommendation=response.recommendation, kind=response.organisation.kind
        ),
    )
    chaser.full_clean(exclude=["response"])
    chaser.save()
    chaser.response = response
    event_record(kind=Event.Kind.CHASER_SENT, actor=reviewer, chaser_id=chaser.pk)
    return chaser
