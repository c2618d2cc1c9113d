"""
The vocabulary of responses and the rules that read it: status words, tag colours and RAG
(deadlines are in `responses/deadlines.py`). Every page, export and selector asks these, so a
rule is written once.
"""

import re

from django.db import models

# Protective markings are the whole site's vocabulary (updates, files, exports), defined once in
# core.marking and offered here with the rest of an update's.
from core.marking import Marking  # noqa: F401


class Status(models.TextChoices):
    """The fixed status vocabulary of DESIGN.md section 3."""

    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    NEARING_COMPLETION = "nearing_completion", "In progress – nearing completion"
    AWAITING_NATIONAL = "awaiting_national", "Awaiting national guidance"
    COMPLETED = "completed", "Completed"
    NOT_ACCEPTED = "not_accepted", "Not accepted – no action to be taken"


# Shown as hint text under each radio in the update form.
STATUS_DEFINITIONS = {
    Status.NOT_STARTED: "Accepted, but no work has begun.",
    Status.IN_PROGRESS: "Work is under way.",
    Status.NEARING_COMPLETION: "Most actions are done and completion is expected soon.",
    Status.AWAITING_NATIONAL: (
        "Blocked on another body, for example College of Policing guidance or a Home Office "
        "review. Say which recommendation or body is awaited."
    ),
    Status.COMPLETED: (
        "The organisation considers it implemented. Describe or attach the evidence."
    ),
    Status.NOT_ACCEPTED: "No action will be taken. Explain why.",
}


class ExtensionDecision(models.TextChoices):
    """Where a request for more time stands: a national reviewer approves or refuses it."""

    PENDING = "pending", "Awaiting a decision"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class ChaserStep(models.IntegerChoices):
    """
    The chasing ladder of a non-responder (issue 14, section 2; the Covid Inquiry's practice),
    in the order the steps are sent: each is a letter to the organisation's office holder.
    """

    REMINDER = 1, "Reminder"
    SECOND_LETTER = 2, "Second letter"
    FINAL_LETTER = 3, "Final letter"
    PUBLIC_STATEMENT = 4, "Public statement"


class ReviewOutcome(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed – evidence accepted"
    RETURNED = "returned", "Returned – more evidence needed"


# A recommendation an expected organisation has published nothing on yet. Not a status a user
# can choose: the filters, counts and exports use this code and label for the gap.
NO_RESPONSE = "none"
NO_RESPONSE_LABEL = "No response yet"

STATUS_LABELS = dict(Status.choices)


def status_label(code):
    """Return a status's label; a blank or unknown status reads "No response yet"."""
    return STATUS_LABELS.get(code, NO_RESPONSE_LABEL)


# GOV.UK Frontend 6 tag modifiers: a plain `govuk-tag` is blue (there is no --blue modifier)
# and teal replaces the deprecated turquoise. No response yet is grey.
STATUS_TAG_CLASSES = {
    Status.COMPLETED: "govuk-tag--green",
    Status.NEARING_COMPLETION: "govuk-tag--teal",
    Status.IN_PROGRESS: "",
    Status.AWAITING_NATIONAL: "govuk-tag--yellow",
    Status.NOT_STARTED: "govuk-tag--red",
    Status.NOT_ACCEPTED: "govuk-tag--grey",
}
NO_RESPONSE_TAG_CLASS = "govuk-tag--grey"

# The text colour of each status's tag (GOV.UK Frontend 6), dark enough for 3:1 against white:
# the charts draw each status in it, so they read like the tags.
STATUS_TEXT_COLOURS = {
    NO_RESPONSE: "#505a5f",
    Status.NOT_STARTED: "#942514",
    Status.AWAITING_NATIONAL: "#594d00",
    Status.IN_PROGRESS: "#0c2d4a",
    Status.NEARING_COMPLETION: "#10403c",
    Status.COMPLETED: "#005a30",
    Status.NOT_ACCEPTED: "#383f43",
}

# Statuses from the most worrying to done, then "not accepted": the order of a sort by status
# and of the dashboards' distribution.
STATUS_SEVERITY_ORDER = [
    Status.NOT_STARTED,
    Status.AWAITING_NATIONAL,
    Status.IN_PROGRESS,
    Status.NEARING_COMPLETION,
    Status.COMPLETED,
    Status.NOT_ACCEPTED,
]


def status_tag_class(code):
    """Return the GOV.UK tag modifier of a status ("" is blue; no response yet is grey)."""
    return STATUS_TAG_CLASSES.get(code, NO_RESPONSE_TAG_CLASS)


# Tags in tables stay on one line: the long labels get a short form on screen, with the full
# label for assistive technology (see partials/_status_tag.html, `short`).
STATUS_SHORT_LABELS = {
    Status.NEARING_COMPLETION: "Nearing completion",
    Status.AWAITING_NATIONAL: "Awaiting guidance",
    Status.NOT_ACCEPTED: "Not accepted",
}


def status_short_label(code):
    """Return the short form of a status's label (the label itself when it is short)."""
    return STATUS_SHORT_LABELS.get(code) or status_label(code)


# Two letters per status for the matrix's heat map, where a tag must fit a narrow cell. Always
# shown with a legend, and with the full label for assistive technology and on hover or focus.
STATUS_SHORT_CODES = {
    Status.NOT_STARTED: "NS",
    Status.IN_PROGRESS: "IP",
    Status.NEARING_COMPLETION: "NC",
    Status.AWAITING_NATIONAL: "AN",
    Status.COMPLETED: "C",
    Status.NOT_ACCEPTED: "NA",
}
NO_RESPONSE_SHORT_CODE = "NR"
CLOSED_SHORT_CODE = "CL"
CLOSED_LABEL = "Closed – evidence accepted"
CLOSED_SHORT_LABEL = "Closed"  # beside the status, where a reviewer closed the response


def status_short_code(code):
    """Return a status's two-letter code; a blank or unknown status is "NR" (no response)."""
    return STATUS_SHORT_CODES.get(code, NO_RESPONSE_SHORT_CODE)


def matrix_cell_class(status, closed=False):
    """
    The class of a matrix cell's link ("s-an"): its heat-map code, lowercased. The styles
    (static/scss/_matrix.scss) give each the colour of the status's tag and, in the heat map,
    show the code; a class instead of the tag's markup keeps 1,000 cells light.
    """
    return "s-" + heat_map_entry(status, closed)[0].lower()


def heat_map_entry(status, closed=False):
    """(short code, label, tag class) of one response in the heat map; closed outranks status."""
    if closed:
        return CLOSED_SHORT_CODE, CLOSED_LABEL, STATUS_TAG_CLASSES[Status.COMPLETED]
    return status_short_code(status), status_label(status), status_tag_class(status)


def heat_map_legend():
    """
    [(short code, label, matrix cell class)] in the order the statuses are offered, then the
    gaps.
    """
    return [
        *((STATUS_SHORT_CODES[s], s.label, matrix_cell_class(s)) for s in Status),
        (CLOSED_SHORT_CODE, CLOSED_LABEL, matrix_cell_class(Status.COMPLETED, closed=True)),
        (NO_RESPONSE_SHORT_CODE, NO_RESPONSE_LABEL, matrix_cell_class("")),
    ]


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    GREY = "grey", "Grey"


STATUS_RAG = {
    Status.NOT_STARTED: Rag.RED,
    Status.IN_PROGRESS: Rag.AMBER,
    Status.NEARING_COMPLETION: Rag.AMBER,
    Status.AWAITING_NATIONAL: Rag.AMBER,
    Status.COMPLETED: Rag.GREEN,
    Status.NOT_ACCEPTED: Rag.GREY,
}
RAG_TAG_CLASSES = {
    Rag.GREEN: "govuk-tag--green",
    Rag.AMBER: "govuk-tag--orange",
    Rag.RED: "govuk-tag--red",
    Rag.GREY: "govuk-tag--grey",
}


def counts_as_done(status, review_outcome):
    """
    Done, as progress counts it: the organisation says completed, or a reviewer closed it. Its
    SQL twin is `responses.querysets.done_condition` (the two are tested to agree).
    """
    return status == Status.COMPLETED or review_outcome == ReviewOutcome.CLOSED


def rag(status, review_outcome):
    """
    Return the RAG rating of a response (DESIGN.md section 3): green once completed or closed by a
    reviewer, amber while in progress or awaiting national guidance, grey when not accepted, and
    red when not started or when nothing has been published (a blank status).
    """
    if review_outcome == ReviewOutcome.CLOSED:
        return Rag.GREEN
    return STATUS_RAG.get(status, Rag.RED)


class WorkflowState(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    PUBLISHED = "published", "Published"
    RETURNED = "returned", "Returned"


# The states whose updates their organisation may still change: drafts, and those returned.
EDITABLE_STATES = frozenset({WorkflowState.DRAFT, WorkflowState.RETURNED})


# Shown in place of OFFICIAL-SENSITIVE text to readers without a need to know.
WITHHELD_TEXT = (
    "OFFICIAL-SENSITIVE: the text is shown only to the organisation that wrote it, its paired "
    "force or local policing body, and the national reviewers."
)
# Instead of a response's lead or portal reference when they come from an OFFICIAL-SENSITIVE
# update the reader has no need to know: they are part of what it says.
WITHHELD_DETAIL = "Withheld (OFFICIAL-SENSITIVE)"


class DatePrecision(models.TextChoices):
    """How much of an update's date is known: the day, or only the month ("May 2021")."""

    DAY = "day", "Day"
    MONTH = "month", "Month"


def format_as_of(value, precision=DatePrecision.DAY, *, short=False):
    """
    Return an update's date as people read it: "27 May 2021", or "May 2021" when only the month
    is known (the monitoring portal gives months). `short` abbreviates the month ("27 May 2021"
    becomes "27 May 2021", "September" "Sep"). Every page and export formats update dates here.
    """
    if not value:
        return ""
    month = f"{value:%b}" if short else f"{value:%B}"
    if precision == DatePrecision.MONTH:
        return f"{month} {value.year}"
    return f"{value.day} {month} {value.year}"


def iso_as_of(value, precision=DatePrecision.DAY):
    """An update's date for machines: "2021-05-27", or "2021-05" when only the month is known."""
    if not value:
        return ""
    if precision == DatePrecision.MONTH:
        return f"{value:%Y-%m}"
    return value.isoformat()


MARKING_RANK = {marking: rank for rank, marking in enumerate(Marking.values)}

# Typed into a redacted update's narrative where words were withheld; pages and documents show
# it as "[text withheld]".
REDACTION_MARK = "[redacted]"
REDACTION_SHOWN_AS = "[text withheld]"
_REDACTION_MARKS = re.compile(re.escape(REDACTION_MARK), re.IGNORECASE)


def show_redaction_marks(text, shown_as=REDACTION_SHOWN_AS):
    """
    Text with each redaction mark read as "[text withheld]" (or `shown_as`): how every page,
    export, document, feed and the API print an OFFICIAL - REDACTED text (issue 22), so no
    reader ever sees the raw mark the writer typed.
    """
    return _REDACTION_MARKS.sub(shown_as, text or "")


def most_sensitive_marking(markings, default=Marking.OFFICIAL):
    """
    The most sensitive of `markings` (blanks and None, for a position not yet published, are
    skipped), or `default` when there is none: the marking a document carries, or an export row
    that shows several organisations' positions (which passes default="").
    """
    ranked = [m for m in markings if m in MARKING_RANK]
    return max(ranked, key=MARKING_RANK.__getitem__) if ranked else default


def marking_label(code):
    return dict(Marking.choices).get(code, code)


