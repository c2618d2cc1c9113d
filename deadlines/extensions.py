"""
Asking for more time: who may, and when. One rule for the response page (whether to offer the
form) and the service (whether to accept it), as `chasing.chase_refusal` is for the letters.
"""

from responses.choices import format_as_of

EXTENSION_NO_DUE_DATE = "There is no due date to extend yet: the report has no publication date."
EXTENSION_ALREADY_ANSWERED = (
    "This organisation has already published its response, so there is no deadline to extend."
)
EXTENSION_PENDING = (
    "A request for more time is already awaiting a national reviewer's decision. Wait for it "
    "before asking again."
)
EXTENSION_DECIDED = "This request has already been decided."


def extension_too_late(due_on):
    """The refusal of a request made after the due date, with the rule it follows."""
    return (
        f"The due date, {format_as_of(due_on)}, has passed. More time must be asked for on or "
        "before the due date; publish your response as soon as you can."
    )


def extension_refusal(*, due_on, answered, today, pending):
    """
    Why a request for more time cannot be made now, as (message, code), or None when it can:
    there must be a due date, nothing published yet (`chasing.is_answered`), the due day not
    passed (the day itself is in time), and no other request awaiting a decision.
    """
    if due_on is None:
        return EXTENSION_NO_DUE_DATE, "no_due_date"
    if answered:
        return EXTENSION_ALREADY_ANSWERED, "answered"
    if today > due_on:
        return extension_too_late(due_on), "too_late"
    if pending:
        return EXTENSION_PENDING, "pending"
    return None
