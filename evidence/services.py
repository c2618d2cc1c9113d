"""
Every write of evidence: attaching a file to a draft or returned update, removing one, and the
review: a national reviewer's decision on a response, recording which files were considered.

The same rules as the update services (responses.services), checked in the same order under the
same locks: the response row, then the update. A published update's files never change: adding
or removing one raises PublishedUpdateIsImmutable. Whoever adds or removes a file has changed
the update's content, so becomes its author and cannot sign it off (four eyes), and moves its
version on.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts import permissions
from core.events import event_record
from core.models import Event
from responses import services as response_services
from responses.choices import ReviewOutcome, WorkflowState
from responses.models import Response, ResponseReview

from .filetypes import check_file_type, safe_file_name
from .models import EvidenceFile


def max_file_size():
    """The largest file accepted, in bytes (EVIDENCE_MAX_FILE_MB)."""
    return settings.EVIDENCE_MAX_FILE_MB * 1024 * 1024


def too_large_message():
    return f"The selected file must be smaller than {settings.EVIDENCE_MAX_FILE_MB} MB"


def check_upload(uploaded):
    """
    Return the FileType of an acceptable upload, or raise ValidationError with the GOV.UK
    message: empty, too large, or a type (from its name and its content) not allowed.
    """
    if not uploaded.size:
        raise ValidationError("The selected file is empty", code="file_empty")
    if uploaded.size > max_file_size():
        raise ValidationError(too_large_message(), code="file_size")
    return check_file_type(uploaded)


def _sha256(uploaded):
    digest = hashlib.sha256()
    size = 0
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
        size += len(chunk)
    uploaded.seek(0)
    return digest.hexdigest(), size


def _editable_update(update_pk, user):
    """Lock the update (response first) and refuse unless `user` may still change it."""
    _, update = response_services.response_update_lock_for_change(update_pk=update_pk, user=user)
    return update


def _changed_by(update, user):
    # A new version too: a deletion confirmed, or a submission made, from a page that did not
    # list this file is refused rather than taking it along unseen.
    update.author = user
    update.version += 1
    update.save(update_fields=["author", "version", "updated_at"])
    update.editors.add(user)


@transaction.atomic
def evidence_file_add(*, update, user, uploaded_file, title, marking):
    """
    Attach a file to a draft or returned update of the user's organisation, recording its
    original name, size, checked type, uploader and SHA-256. The file is stored under a random
    name; if the row cannot be written, the stored file is deleted again.
    """
    update = _editable_update(update.pk, user)
    file_type = check_upload(uploaded_file)
    sha256, size = _sha256(uploaded_file)
    original_name = safe_file_name(uploaded_file.name, file_type)
    evidence = EvidenceFile(
        update=update,
        title=(title or "").strip(),
        marking=marking,
        original_name=original_name,
        extension=file_type.extension,
        content_type=file_type.content_type,
        size=size,
        sha256=sha256,
        uploaded_by=user,
    )
    evidence.full_clean(exclude=["file"])
    evidence.file.save(original_name, uploaded_file, save=False)
    try:
        evidence.save()
        _changed_by(update, user)
    except Exception:
        # No row will point at the stored file: do not leave it behind.
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


@transaction.atomic
def evidence_file_remove(*, evidence_file, user):
    """
    Remove a file from a draft or returned update; the stored file is deleted once this commits
    (evidence.signals). A published update's files stay for ever.
    """
    update = _editable_update(evidence_file.update_id, user)
    deleted, _ = EvidenceFile.objects.filter(pk=evidence_file.pk, update=update).delete()
    if not deleted:
        raise Http404("This file has already been removed.")
    _changed_by(update, user)


def published_evidence(response):
    """The files of a response's published updates: the ones a reviewer can consider."""
    return EvidenceFile.objects.filter(
        update__response=response, update__state=WorkflowState.PUBLISHED
    )


@transaction.atomic
def response_review_with_evidence(*, response, reviewer, outcome, comment="", considered=()):
    """
    A national reviewer closes or returns a response (`response_review`) and
    records which of its published evidence files they considered. Returns the review.
    """
    permissions.require_reviewer(reviewer, response.organisation_id)
    considered_ids = {getattr(f, "pk", f) for f in considered}
    allowed = set(published_evidence(response).values_list("pk", flat=True))
    if considered_ids - allowed:
        raise ValidationError(
            {"evidence": "Select only files of this response's published updates"}
        )
    response_review(response=response, reviewer=reviewer, outcome=outcome, comment=comment)
    # The response row stays locked until this transaction ends, so its newest review is the
    # one just written.
    review = ResponseReview.objects.filter(response=response).order_by("-created_at", "-pk")[0]
    review.considered_evidence.set(sorted(considered_ids))
    return review


NOTHING_TO_REVIEW = "There is no published update to review yet."


@transaction.atomic
def response_review(*, response, reviewer, outcome, comment=""):
    """
    A national reviewer closes a response (evidence accepted) or returns it for more; never one
    of their own organisation's.
    """
    permissions.require_reviewer(reviewer, response.organisation_id)
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
    if review.outcome == ReviewOutcome.RETURNED:
        event_record(kind=Event.Kind.RETURNED, actor=reviewer, review_id=review.pk)
    return response
