"""Reads of evidence files: for a response's page, for a download, and for the dashboards."""

import datetime

from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts import permissions
from responses.choices import ReviewOutcome, WorkflowState
from responses.models import Response, ResponseUpdate

from .models import EvidenceFile

# Before any sign-off: what a response never reviewed counts as its last review.
NEVER = Value(datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC), output_field=DateTimeField())


def evidence_for_timeline(*, timeline, user):
    """
    Give each update of a response page's timeline its files (`update.evidence`) and each review
    the files it considered (`review.considered`); return the files of the published updates,
    the ones a reviewer can cite, oldest first.

    Only the updates the user may already see are asked for, so their files follow the same
    rule; each file says whether `user` may open it (`can_open`: OFFICIAL-SENSITIVE files only
    for those who need to know). One query for the files (when there are updates) and one for
    the reviews' choices (when there are reviews), whatever the number of files.
    """
    updates = {update.pk: update for update in timeline.updates}
    for update in updates.values():
        update.evidence = []
    files = []
    if updates:
        files = list(
            EvidenceFile.objects.filter(update_id__in=list(updates))
            .select_related("uploaded_by")
            .order_by("created_at", "pk")
        )
    for evidence in files:
        evidence.update = updates[evidence.update_id]
        evidence.update.evidence.append(evidence)
        evidence.can_open = permissions.can_read_evidence(user, evidence)
    published = [f for f in files if f.update.state == WorkflowState.PUBLISHED]

    by_pk = {evidence.pk: evidence for evidence in published}
    reviews = {review.pk: review for review in timeline.reviews}
    for review in reviews.values():
        review.considered = []
    if reviews:
        pairs = EvidenceFile.reviews.through.objects.filter(
            responsereview_id__in=list(reviews)
        ).values_list("responsereview_id", "evidencefile_id")
        for review_id, file_id in pairs.order_by("evidencefile_id"):
            if file_id in by_pk:
                reviews[review_id].considered.append(by_pk[file_id])
    return published


def published_evidence_files(*, response):
    """The files of a response's published updates, with their updates, oldest first."""
    return list(
        EvidenceFile.objects.filter(
            update__response=response, update__state=WorkflowState.PUBLISHED
        )
        .select_related("update")
        .order_by("created_at", "pk")
    )


def evidence_file_get(*, pk):
    """One file with its update, response and organisation (one query), or 404."""
    return get_object_or_404(
        EvidenceFile.objects.select_related("update__response__organisation"), pk=pk
    )


def evidence_file_list(*, update):
    """The files of one update, oldest first."""
    return list(update.evidence_files.select_related("uploaded_by").order_by("created_at", "pk"))


def evidence_awaiting_review(*, organisation_ids=None):
    """
    Responses with evidence awaiting review: a published update attached files or said
    "evidence submitted to HMICFRS", after the last review decision (or with none yet), and no
    reviewer has closed the response. A queryset, to count (`.count()`) or list; narrowed to
    `organisation_ids` when given (an OPCC's dashboard of its force and office).

    For the reviewers' work list and the dashboards: `evidence_awaiting_review().count()`.
    """
    # Driven from the few updates with evidence (the flagged ones through their partial index,
    # and the files), each compared with its own response's last review: no pass over every
    # response's updates at national scale.
    flagged = (
        ResponseUpdate.objects.published()
        .filter(evidence_submitted=True)
        # An update published without a recorded sign-off (loaded data) counts from when it was
        # written; a response never reviewed takes any evidence (NEVER is the distant past).
        .alias(published_at=Coalesce("signed_off_at", "created_at"))
        .filter(published_at__gt=Coalesce(F("response__reviewed_at"), NEVER))
        .values("response_id")
    )
    with_files = (
        EvidenceFile.objects.filter(update__state=WorkflowState.PUBLISHED)
        .alias(published_at=Coalesce("update__signed_off_at", "update__created_at"))
        .filter(published_at__gt=Coalesce(F("update__response__reviewed_at"), NEVER))
        .values("update__response_id")
    )
    responses = Response.objects.exclude(review_outcome=ReviewOutcome.CLOSED).filter(
        Q(pk__in=flagged) | Q(pk__in=with_files)
    )
    if organisation_ids is not None:
        responses = responses.filter(organisation_id__in=list(organisation_ids))
    return responses
