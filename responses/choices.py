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


class WorkflowState(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    PUBLISHED = "published", "Published"
    RETURNED = "returned", "Returned"


class Marking(models.TextChoices):
    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"


class ReviewOutcome(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed – evidence accepted"
    RETURNED = "returned", "Returned – more evidence needed"
