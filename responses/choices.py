"""
The vocabulary of responses and the rules that read it: status words, tag colours and RAG
(deadlines are in `responses/deadlines.py`). Every page, export and selector asks these, so a
rule is written once.
"""

from django.db import models


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


def status_tag_class(code):
    """Return the GOV.UK tag modifier of a status ("" is blue; no response yet is grey)."""
    return STATUS_TAG_CLASSES.get(code, NO_RESPONSE_TAG_CLASS)


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


class Marking(models.TextChoices):
    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"



# From least to most sensitive: an export row takes the most sensitive marking it shows.
MARKING_ORDER = [Marking.OFFICIAL, Marking.OFFICIAL_SENSITIVE]


def most_sensitive_marking(markings):
    """
    Return the most sensitive of `markings` (blanks and None, for a position not yet published,
    are skipped), or "" if there is none: the marking of an export row that shows several
    organisations' positions.
    """
    ranks = [MARKING_ORDER.index(m) for m in markings if m in MARKING_ORDER]
    return MARKING_ORDER[max(ranks)].value if ranks else ""
