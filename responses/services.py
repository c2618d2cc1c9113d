"""
Every write to responses and their updates, one service per user action. Views, the admin,
importers and commands call these; each checks the acting user's membership first
(`accounts.permissions.require_...`) and the rules of a valid row (`full_clean()`, which runs
the models' `clean()`), inside one transaction.

Concurrency: every service that changes an existing update locks its Response row first and the
update second (`_lock_update`), so two actions on one update queue up instead of deadlocking;
writing a new update locks the Response row too. An update deleted meanwhile is a 404, one that
moved on (submitted, published, returned) is a ValidationError the views answer with 409, and an
action taken on a stale copy is refused rather than done to text its user never saw: an edit
(`StaleUpdate`), a sign-off or return (`StaleSignOff`), a deletion (`DELETE_STALE`).
"""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts import permissions
from core.events import event_record
from core.models import Event
from core.people import person_name

from .choices import DatePrecision, WorkflowState
from .models import (
    Response,
    ResponseUpdate,
)

# What a writer may set on an update; everything else is the workflow's.
EDITABLE_FIELDS = (
    "as_of",
    "as_of_precision",
    "status",
    "narrative",
    "awaiting",
    "awaited_recommendation",
    "awaited_organisation",
    "position_provided_by",
    "marking",
    "public",
    "evidence_submitted",
    "lead",
    "portal_reference",
)

NOT_EDITABLE = (
    "This update has been submitted for sign-off or published, so it cannot be changed. "
    "To correct a published update, add a new update."
)
GONE = "This update no longer exists: it was deleted, perhaps by a colleague."
# The codes of a refusal because the update moved on meanwhile (submitted, published, its form
# already used): the views answer 409 Conflict, with the form kept.
CONFLICT_CODES = {"not_editable", "published_immutable", "form_used"}


class PublishedUpdateIsImmutable(ValidationError):
    """Raised on any attempt to change or delete a published update."""

    def __init__(self):
        super().__init__(
            "A published update cannot be changed or deleted. Add a new update to correct it.",
            code="published_immutable",
        )


class StaleUpdate(ValidationError):
    """
    Raised when an edit was made on a copy of the update that someone else has changed since.
    `current` is the update as it is now, so the page can show both versions.
    """

    def __init__(self, current):
        self.current = current
        author = current.author
        editor = person_name(author, "Someone else")
        super().__init__(
            f"{editor} changed this update while you were editing it. Your text has not been "
            "saved: compare it with theirs below, then save again.",
            code="stale",
        )


class StaleSignOff(ValidationError):
    """
    Raised when an approver signs off or returns an update from a page that showed an older
    version of it: returned, rewritten and submitted again meanwhile, its text is not what they
    read. `current` is the update as it is now.
    """

    def __init__(self, current, *, action):
        self.current = current
        outcome = (
            "nothing has been published" if action == "publish" else "it has not been returned"
        )
        super().__init__(
            f"This update has changed since you opened the page, so {outcome}. Read it as it is "
            "now, then sign it off or return it.",
            code="stale",
        )


def _check_sign_off_version(update, expected_version, *, action):
    """Refuse a sign-off or return made from a page that showed another version of `update`."""
    if expected_version is not None and expected_version != update.version:
        raise StaleSignOff(update, action=action)


def _check_editable_fields(fields):
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")


def _clean_details(fields):
    for name in ("lead", "portal_reference"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    return fields


def _submit(update):
    update.state = WorkflowState.AWAITING_SIGN_OFF
    update.submitted_at = timezone.now()


def _lock_update(pk):
    """
    Lock an update's Response row, then the update itself, and return (response, update).

    The one lock order of every workflow write: publishing recomputes the response's status
    while other actions change the update, and locking in opposite orders deadlocks. An update
    that no longer exists is a 404.
    """
    response_id = ResponseUpdate.objects.filter(pk=pk).values_list("response_id", flat=True).first()
    if response_id is None:
        raise Http404(GONE)
    response = Response.objects.select_for_update().get(pk=response_id)
    update = ResponseUpdate.objects.select_for_update().filter(pk=pk).first()
    if update is None:
        raise Http404(GONE)
    update.response = response
    return response, update


def response_update_lock_for_change(*, update_pk, user):
    """
    Lock an update (its response first) to change it or its files, refusing unless `user` may
    still change it: not published, a writer of its organisation, still a draft or returned.
    The one rule of "may still change this update", for editing, deleting and attaching files.
    Returns (response, update).
    """
    response, update = _lock_update(update_pk)
    if update.state == WorkflowState.PUBLISHED:
        raise PublishedUpdateIsImmutable()
    permissions.require_writer(user, response.organisation_id)
    if not update.is_editable:
        raise ValidationError(NOT_EDITABLE, code="not_editable")
    return response, update


def response_get_or_create(*, recommendation, organisation):
    """Return the one Response for this recommendation and organisation, creating it if needed."""
    response, _ = Response.objects.get_or_create(
        recommendation=recommendation, organisation=organisation
    )
    return response


FORM_ALREADY_SAVED = (
    "This form was saved once already, and the update it saved has changed since, so your text "
    "was not saved again. It is in the form below: save it again to add it as another update."
)


def _same_content(update, fields, *, submit):
    """Whether `update` is what a form with `fields` (and `submit`) would write now."""
    if submit != (update.state != WorkflowState.DRAFT):
        return False
    for name, value in fields.items():
        field = ResponseUpdate._meta.get_field(name)
        stored = getattr(update, field.attname)
        if stored != (getattr(value, "pk", value) if field.is_relation else value):
            return False
    return True


@transaction.atomic
def response_update_create(
    *, author, response=None, recommendation=None, organisation=None, submit=False,
    form_token=None, **fields
):
    """
    Write a new draft (or submit it straight away) for the author's organisation.

    Give the `response`, or the `recommendation` and `organisation` whose response it is: the
    response is then created with its first update, in the same transaction, so a refused or
    invalid update leaves no empty response behind. The lead and portal reference stay on the
    update until it is published.

    `form_token` is the one-time token of the form that was posted: the same form posted again
    with the same content (a double or triple click, a resent request) returns the update the
    first post wrote instead of writing another; posted again with other content (sent back
    from the browser's history and changed), it is refused with FORM_ALREADY_SAVED (code
    "form_used") and the view offers a fresh form. The response row is locked first, so
    repeats racing each other queue up, and submitting is refused while another update of the
    response awaits sign-off (the model's constraint, worded for the form).
    """
    organisation_id = response.organisation_id if response else organisation.pk
    permissions.require_writer(author, organisation_id)
    _check_editable_fields(fields)
    if response is None:
        response = response_get_or_create(recommendation=recommendation, organisation=organisation)
    response = Response.objects.select_for_update().get(pk=response.pk)
    fields = _clean_details(fields)
    if form_token is not None:
        earlier = ResponseUpdate.objects.filter(response=response, form_token=form_token).first()
        if earlier is not None:
            if _same_content(earlier, fields, submit=submit):
                return earlier
            raise ValidationError(FORM_ALREADY_SAVED, code="form_used")
    update = ResponseUpdate(
        response=response, author=author, state=WorkflowState.DRAFT, form_token=form_token,
        **fields,
    )
    if submit:
        _submit(update)
    update.full_clean()
    update.save()
    update.editors.add(author)
    if submit:
        event_record(kind=Event.Kind.SUBMITTED, actor=author, update_id=update.pk)
    return update


@transaction.atomic
def response_update_edit(*, update, editor, submit=False, expected_version=None, **fields):
    """
    Change a draft or returned update; submitting sends it for sign-off.

    `expected_version` is the version the editor's form was made from: if someone has saved the
    update since, the edit is refused (StaleUpdate) and nothing is written. Whoever changes the
    content becomes its author for the purposes of sign-off, so they cannot approve it.
    """
    response, update = response_update_lock_for_change(update_pk=update.pk, user=editor)
    if expected_version is not None and expected_version != update.version:
        raise StaleUpdate(ResponseUpdate.objects.select_related("author").get(pk=update.pk))
    _check_editable_fields(fields)
    changed = False
    for name, value in _clean_details(fields).items():
        if getattr(update, name) != value:
            setattr(update, name, value)
            changed = True
    if changed:
        update.author = editor
    if submit:
        _submit(update)
    if changed or submit:
        update.version += 1
    update.full_clean()
    update.save()
    if changed:
        update.editors.add(editor)
    if submit:
        event_record(kind=Event.Kind.SUBMITTED, actor=editor, update_id=update.pk)
    return update


DELETE_STALE = (
    "This draft was changed after you opened this page, so it has not been deleted. It is "
    "shown below as it is now: delete it only if you still mean to."
)


@transaction.atomic
def response_update_delete(*, update, user, expected_version=None):
    """
    Delete a draft or returned update. Published updates are history and stay.

    `expected_version` is the version the user was shown when they chose to delete it: a draft
    saved since (a colleague's text, a file attached) is not deleted (ValidationError, code
    "stale").
    """
    _, update = response_update_lock_for_change(update_pk=update.pk, user=user)
    if expected_version is not None and expected_version != update.version:
        raise ValidationError(DELETE_STALE, code="stale")
    update.delete()


def response_record_publication(*, response, published_on):
    """
    Leave `response` as a publication must, whoever published: an approver signing an update
    off (`response_update_publish`), or an import of positions the organisation published on
    the monitoring portal (`imports.services.portal_import`, which inserts its updates in bulk
    and calls this once per response). Call it with the response row locked, once the updates
    are saved as published.

    - The current status points at its published update with the latest `as_of`: publishing an
      older update (a late sign-off of a March position after a May one) must not roll the
      status back, so it is recomputed from all published updates rather than copied from the
      one just published. Ties on `as_of` go to the one created last.
    - `first_published_on`, the day it first answered (which the deadlines read), becomes
      `published_on` unless it already holds an earlier day: a sign-off's day, or an imported
      position's date, the day it was published on the portal. A later sign-off never moves it.

    One save, which changes `updated_at`, so every kept page of the response shows the
    publication on its next request, and the audit trail records it.
    """
    latest = (
        response.updates.published().order_by("-as_of", "-created_at", "-pk").first()
    )
    response.current_update = latest
    response.current_status = latest.status if latest else ""
    response.current_status_on = latest.as_of if latest else None
    response.current_status_precision = latest.as_of_precision if latest else DatePrecision.DAY
    if response.first_published_on is None or published_on < response.first_published_on:
        response.first_published_on = published_on
    response.save(update_fields=["current_update", "current_status", "current_status_on",
                                 "current_status_precision", "first_published_on",
                                 "updated_at"])


@transaction.atomic
def response_update_publish(*, update, approver, expected_version=None):
    """
    Sign off an update: it becomes published and, if it is the latest, the current status, and
    its lead and portal reference become the response's. The first sign-off of a response also
    records the day it first answered (`first_published_on`; `response_record_publication`).

    The approver must be an approver of the update's organisation who wrote none of its content
    (four eyes). `expected_version` is the version the approver read: if the update has changed
    since (returned, rewritten and submitted again), nothing is published (StaleSignOff).
    """
    response, update = _lock_update(update.pk)
    if update.state == WorkflowState.PUBLISHED:
        raise PublishedUpdateIsImmutable()
    permissions.require_sign_off(approver, update)
    if update.state != WorkflowState.AWAITING_SIGN_OFF:
        raise ValidationError("Only an update awaiting sign-off can be signed off.")
    _check_sign_off_version(update, expected_version, action="publish")
    update.state = WorkflowState.PUBLISHED
    update.signed_off_by = approver
    update.signed_off_at = timezone.now()
    update.version += 1
    update.save(update_fields=["state", "signed_off_by", "signed_off_at", "version",
                               "updated_at"])
    response_record_publication(
        response=response, published_on=timezone.localdate(update.signed_off_at)
    )
    if response.current_update_id == update.pk:
        # Details written before sign-off reach every reader only now, and only from the
        # position that is current: a late sign-off of an older update leaves them alone.
        response.lead = update.lead
        response.portal_reference = update.portal_reference
        response.save(update_fields=["lead", "portal_reference", "updated_at"])
    event_record(kind=Event.Kind.PUBLISHED, actor=approver, update_id=update.pk)
    return update


@transaction.atomic
def response_update_return(*, update, approver, comment, expected_version=None):
    """
    Send an update awaiting sign-off back to its organisation's contributors, saying why.
    `expected_version` is the version the approver read, as for `response_update_publish`.
    """
    _, update = _lock_update(update.pk)
    if update.state == WorkflowState.PUBLISHED:
        raise PublishedUpdateIsImmutable()
    permissions.require_approver(approver, update.response.organisation_id)
    if update.state != WorkflowState.AWAITING_SIGN_OFF:
        raise ValidationError("Only an update awaiting sign-off can be returned.")
    _check_sign_off_version(update, expected_version, action="return")
    update.state = WorkflowState.RETURNED
    update.return_comment = (comment or "").strip()
    update.signed_off_by = approver
    update.signed_off_at = timezone.now()
    update.version += 1
    update.full_clean()
    update.save(update_fields=["state", "return_comment", "signed_off_by", "signed_off_at",
                               "version", "updated_at"])
    event_record(kind=Event.Kind.RETURNED, actor=approver, update_id=update.pk)
    return update


