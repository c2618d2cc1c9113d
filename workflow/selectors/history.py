"""
The history of one response, in words, read from the audit log (django-auditlog, registered in
`tracker.audit`): who created, edited, submitted, signed off, returned, deleted and reviewed its
updates, and who changed its lead and portal reference. One query, whatever its length.

Entries are phrased from what changed (`state` moving from draft to awaiting sign-off reads
"submitted ... for sign-off"), never by dumping fields, and never quote an update's text. Fields
this module does not know (added later) make an edit read "edited", and changes only to
bookkeeping fields are left out.
"""

import datetime
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils.dateparse import parse_date

from accounts import permissions
from accounts.models import Membership
from core.people import person_name
from responses.choices import (
    ChaserStep,
    DatePrecision,
    ExtensionDecision,
    ReviewOutcome,
    WorkflowState,
    format_as_of,
)
from responses.models import ResponseUpdate

# Fields of an update that the workflow sets; a change to them alone is not an "edit".
UPDATE_WORKFLOW_FIELDS = {
    "state", "submitted_at", "signed_off_by", "signed_off_at", "return_comment", "author",
    "created_at", "updated_at", "id", "response", "version",
}
# Details of a response that its page shows, in the words the page uses.
RESPONSE_DETAILS = {"lead": "lead", "portal_reference": "portal reference"}

SYSTEM_ACTOR = "An import or system task"


@dataclass
class HistoryEntry:
    """One line of the history: who (and their organisation) did what, when."""

    when: datetime.datetime
    who: str
    organisation: str
    what: str


def _entries_visible_to(*, response, user):
    """The log entries of `response`, its updates and its reviews that `user` may see."""
    of_response = Q(
        content_type__app_label="responses", content_type__model="response",
        object_id=response.pk,
    )
    of_updates = Q(
        content_type__app_label="responses", content_type__model="responseupdate",
        serialized_data__fields__response=response.pk,
    )
    of_reviews = Q(
        content_type__app_label="responses", content_type__model="responsereview",
        serialized_data__fields__response=response.pk,
    )
    # Requests for more time and their decisions are on the record for everyone who reads
    # the response (the page shows them too).
    of_reviews |= Q(
        content_type__app_label="responses", content_type__model="extensionrequest",
        serialized_data__fields__response=response.pk,
    )
    # So are the steps of the chasing ladder (their letters are need-to-know, their sending not).
    of_reviews |= Q(
        content_type__app_label="responses", content_type__model="chaser",
        serialized_data__fields__response=response.pk,
    )
    if response.organisation_id not in permissions.member_organisation_ids(user):
        # The same rule as the updates themselves (ResponseUpdate.objects.visible_to): outside
        # the organisation only published updates exist, so only their sign-off is shown, and
        # the response's own details without the row's creation alongside a first draft.
        of_updates &= Q(serialized_data__fields__state=WorkflowState.PUBLISHED.value)
        of_response &= Q(action=LogEntry.Action.UPDATE)
    return LogEntry.objects.filter(of_response | of_updates | of_reviews)


def _actor_organisation(response):
    """The name of one organisation of the actor: the response's own if they belong to it."""
    return Subquery(
        Membership.objects.filter(user=OuterRef("actor"))
        .annotate(
            own=Case(
                When(organisation_id=response.organisation_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("own", "organisation__name")
        .values("organisation__name")[:1]
    )


def response_history(*, response, user, quote_details=True):
    """
    Return the history of `response` that `user` may see, newest first, as HistoryEntry rows.

    Members of the response's organisation see every entry; everyone else sees the sign-off of
    published updates, reviews and changes to the lead and reference. One query; none for an
    organisation that has not responded yet (`response` is None).

    Not `quote_details`: a change of the lead or reference says so without their words, for a
    reader withheld an OFFICIAL-SENSITIVE update (whose lead and reference they were).
    """
    if response is None:
        return []
    entries = (
        _entries_visible_to(response=response, user=user)
        .select_related("actor", "content_type")
        .annotate(actor_organisation=_actor_organisation(response))
        .order_by("-timestamp", "-pk")
    )
    history = []
    for entry in entries:
        what = _describe(entry, quote_details)
        if what:
            history.append(HistoryEntry(
                when=entry.timestamp,
                who=_person(entry.actor),
                organisation="" if entry.actor is None else (entry.actor_organisation or ""),
                what=what,
            ))
    return history


def _person(user):
    if user is None:
        return SYSTEM_ACTOR
    return person_name(user)


def _changes(entry):
    """{field: (old, new)} of an entry; values are the strings django-auditlog stores."""
    changes = entry.changes or {}
    return {
        name: tuple(value) for name, value in changes.items()
        if isinstance(value, (list, tuple)) and len(value) == 2
    }


def _describe(entry, quote_details=True):
    model = entry.content_type.model
    if model == "responseupdate":
        return _describe_update(entry)
    if model == "responsereview":
        return _describe_review(entry)
    if model == "extensionrequest":
        return _describe_extension(entry)
    if model == "chaser":
        return _describe_chaser(entry)
    return _describe_response(entry, quote_details)


def _dated(entry):
    """' as of 1 May 2021' for an update entry, or '' if the snapshot has no date."""
    fields = (entry.serialized_data or {}).get("fields") or {}
    as_of = parse_date(fields.get("as_of") or "")
    precision = fields.get("as_of_precision") or DatePrecision.DAY
    return f" as of {format_as_of(as_of, precision)}" if as_of else ""


def _the(state, dated):
    """'the draft update as of 1 May 2021', 'the update' ..."""
    return " ".join(filter(None, ["the", _STATE_WORDS.get(state, ""), "update"])) + dated


_STATE_WORDS = {
    WorkflowState.DRAFT: "draft",
    WorkflowState.AWAITING_SIGN_OFF: "submitted",
    WorkflowState.RETURNED: "returned",
    WorkflowState.PUBLISHED: "published",
}


def _describe_update(entry):
    Action = LogEntry.Action
    dated = _dated(entry)
    state = ((entry.serialized_data or {}).get("fields") or {}).get("state")
    changes = _changes(entry)
    if entry.action == Action.CREATE:
        if state == WorkflowState.AWAITING_SIGN_OFF:
            return f"wrote an update{dated} and submitted it for sign-off"
        if state == WorkflowState.PUBLISHED and "imported_sha256" in changes:
            return f"imported a published update{dated} from the monitoring portal"
        if state == WorkflowState.PUBLISHED:
            return f"added a published update{dated}"
        return f"created a draft update{dated}"
    if entry.action == Action.DELETE:
        return f"deleted {_the(state, dated)}"
    if entry.action != Action.UPDATE:
        return ""
    edited = set(changes) - UPDATE_WORKFLOW_FIELDS
    if "state" in changes:
        new = changes["state"][1]
        prefix = "edited and " if edited else ""
        if new == WorkflowState.AWAITING_SIGN_OFF:
            return f"{prefix}submitted the update{dated} for sign-off"
        if new == WorkflowState.PUBLISHED:
            return f"signed off the update{dated} (published)"
        if new == WorkflowState.RETURNED:
            return f"returned the update{dated} for changes"
        if new == WorkflowState.DRAFT:
            return f"{prefix}moved the update{dated} back to draft"
        return f"{prefix}changed the state of the update{dated}"
    if edited:
        names = ", ".join(sorted(_field_label(name) for name in edited))
        return f"edited {_the(state, dated)} ({names})"
    return ""


def _field_label(name):
    try:
        return str(ResponseUpdate._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field removed since the entry was written
        return name.replace("_", " ")


def _describe_review(entry):
    if entry.action != LogEntry.Action.CREATE:
        return ""
    outcome = ((entry.serialized_data or {}).get("fields") or {}).get("outcome")
    if outcome == ReviewOutcome.CLOSED:
        return "closed the response (evidence accepted)"
    if outcome == ReviewOutcome.RETURNED:
        return "returned the response for more evidence"
    return "reviewed the response"


def _describe_extension(entry):
    fields = (entry.serialized_data or {}).get("fields") or {}
    requested = parse_date(fields.get("requested_due_on") or "")
    to = f" to {format_as_of(requested)}" if requested else ""
    if entry.action == LogEntry.Action.CREATE:
        return f"asked for more time, with a new due date{to}"
    if entry.action == LogEntry.Action.UPDATE and "decision" in _changes(entry):
        if fields.get("decision") == ExtensionDecision.APPROVED:
            return f"approved the extension{to}"
        if fields.get("decision") == ExtensionDecision.REFUSED:
            return f"refused the extension{to}"
    return ""


# What a reviewer did, step by step of the chasing ladder.
_CHASER_WORDS = {
    ChaserStep.REMINDER: "sent a reminder: the response is overdue",
    ChaserStep.SECOND_LETTER: "sent a second letter chasing the overdue response",
    ChaserStep.FINAL_LETTER: (
        "sent the final letter: non-response will be stated publicly"
    ),
    ChaserStep.PUBLIC_STATEMENT: "made the public statement that there is no response",
}


def _describe_chaser(entry):
    if entry.action != LogEntry.Action.CREATE:
        return ""
    step = ((entry.serialized_data or {}).get("fields") or {}).get("step")
    return _CHASER_WORDS.get(step, "chased the response")


def _describe_response(entry, quote_details=True):
    changes = _changes(entry)
    parts = []
    for name, words in RESPONSE_DETAILS.items():
        if name not in changes:
            continue
        old, new = ("" if value in (None, "None") else value for value in changes[name])
        if old == new:
            continue
        if not quote_details:
            parts.append(f"{'removed' if not new else 'set' if not old else 'changed'} the {words}")
        elif old and new:
            parts.append(f"changed the {words} from “{old}” to “{new}”")
        elif new:
            parts.append(f"set the {words} to “{new}”")
        else:
            parts.append(f"removed the {words} “{old}”")
    if entry.action == LogEntry.Action.CREATE:
        return " and ".join(["started this response", *parts])
    return " and ".join(parts)
