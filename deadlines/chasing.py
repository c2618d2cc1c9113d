"""
The chasing ladder (issue 14, section 2): the one home of "which step is next, and may it be
sent now", of the words each step's letter and button use, of the order a reviewer works
through non-responders in, and of when the public pages say that an organisation has not
responded. The response page, the service (`services.chaser_send`), the overview and the public
pages all call these.

The ladder, as the Covid Inquiry ran it: a reminder; a second letter; a final letter saying that
non-response will be stated publicly; then the public statement. A national reviewer sends the
next step of an overdue answer (`deadlines.deadline_state` decides overdue, from the extended
due date when an extension was approved), one step after the other: never skipping one, never
going back or sending one twice, nothing after the public statement. The ladder stops for good
once the organisation publishes anything.

The public statement: sending step 4 *is* the public statement, so from the day it is sent,
while the organisation has still published nothing, the public pages show it as "Not responded,
chased N times since DATE" for that recommendation, N counting the three letters that came
before it and DATE the first one's. Step 3's date passing is not enough on its own: the final
letter warns that the statement will be made, and the reviewer decides when to make it (an
answer may be on its way), which is what sending step 4 records.
"""

from django.db.models import Exists, OuterRef, Q

from responses.choices import ChaserStep, format_as_of
from responses.models import Chaser

LAST_STEP = ChaserStep.PUBLIC_STATEMENT

# What the response page's button says for each step.
SEND_LABELS = {
    ChaserStep.REMINDER: "Send the reminder",
    ChaserStep.SECOND_LETTER: "Send the second letter",
    ChaserStep.FINAL_LETTER: "Send the final letter",
    ChaserStep.PUBLIC_STATEMENT: "Make the public statement",
}

# How the pages say a step was sent ("Reminder sent", "Public statement made").
SENT_LABELS = {
    ChaserStep.REMINDER: "Reminder sent",
    ChaserStep.SECOND_LETTER: "Second letter sent",
    ChaserStep.FINAL_LETTER: "Final letter sent",
    ChaserStep.PUBLIC_STATEMENT: "Public statement made",
}
NOT_CHASED = "Not chased yet"

# The final letter's warning: the sentence the issue asks of step 3.
FINAL_WARNING = (
    "If {organisation} does not publish its response, its non-response will be stated "
    "publicly."
)

# Refusals, worded once (the service raises them, the page shows them).
ANSWERED = (
    "{organisation} has published its response, so the chasing has stopped: no further letter "
    "can be sent."
)
FINISHED = "Every step has been sent: the public statement was the last."
NOT_OVERDUE = "The response is not overdue: it is due on {due}. Only an overdue response is chased."
NO_DEADLINE = "The response has no due date yet, so it cannot be overdue or chased."
STALE = (
    "The {sent} has already been sent, perhaps by a colleague or by pressing the button twice. "
    "Read the page again before sending the next step."
)
WRONG_STEP = "The next step is the {next}: steps are sent in order, none skipped or repeated."


def step_label(step):
    """"Reminder", "Second letter", ... of a step number (0: none sent)."""
    return ChaserStep(step).label if step else ""


def next_step(last_step):
    """The step after `last_step` (0 when none was sent), or None after the public statement."""
    last_step = last_step or 0
    if last_step >= LAST_STEP:
        return None
    return ChaserStep(last_step + 1)


def is_answered(response):
    """
    Whether the organisation has published an answer (`response` may be None): what stops the
    ladder and takes the public statement down. Rows loaded without a publication record but
    with a published position count too, as the deadlines count them.
    """
    return bool(response) and answered(response.first_published_on, response.current_status)


def answered(first_published_on, current_status):
    """The rule of `is_answered` from a Response row's two fields (for rows read as values)."""
    return bool(first_published_on or current_status)


def chase_refusal(*, organisation, deadline, answered, last_step, step=None):
    """
    Why the next step cannot be sent now, as (message, code), or None when it can.

    `deadline` is the response's DeadlineState, `last_step` the last step sent (0 for none) and
    `step` the step the reviewer's form was made for (None: whichever is next). A form made for
    a step already sent (a double submit, a colleague sent it meanwhile) is "stale"; one for a
    later step is a skip.
    """
    if answered:
        return ANSWERED.format(organisation=organisation.name), "answered"
    following = next_step(last_step)
    if step is not None and step != following:
        # A step already sent is stale; any other (a later one, or one made up) is a skip.
        if step in ChaserStep.values and step <= (last_step or 0):
            sent = ChaserStep(step).label.lower()
            return STALE.format(sent=sent), "stale"
        if following is None:
            return FINISHED, "finished"
        return WRONG_STEP.format(next=following.label.lower()), "wrong_step"
    if following is None:
        return FINISHED, "finished"
    if deadline.due_on is None:
        return NO_DEADLINE, "not_overdue"
    if not deadline.is_overdue:
        return NOT_OVERDUE.format(due=format_as_of(deadline.due_on)), "not_overdue"
    return None


def due_date_words(*, due_on, original_due_on):
    """"12 February 2021", or "12 February 2021, extended to 30 April 2021"."""
    if original_due_on and due_on and original_due_on != due_on:
        return f"{format_as_of(original_due_on)}, extended to {format_as_of(due_on)}"
    return format_as_of(due_on)


def public_statement_words(*, times, since):
    """What the public pages say: "Not responded, chased 3 times since 1 May 2026"."""
    plural = "" if times == 1 else "s"
    return f"Not responded, chased {times} time{plural} since {format_as_of(since)}"


def chase_order(row):
    """
    The order a reviewer works through overdue answers in: not chased yet first, then those
    sent a reminder, a second letter, a final letter, the public statement last; within a
    step, the longest overdue first (oldest due date), then by organisation and recommendation.
    `row` has `last_step`, `due_on`, `organisation` and `recommendation`.
    """
    return (
        row.last_step, row.due_on, row.organisation.name,
        row.recommendation.super_complaint_id, row.recommendation.order,
    )


# The public statement in SQL, for the public pages' one query.


def public_statement_condition(*, today, prefix=""):
    """
    A Q over a Response row (`prefix` "response__" and the like to reach it through a
    relation): its public statement (step 4) was sent on or before `today` and the
    organisation has published nothing since. The rule of `is_answered` and step 4.
    """
    stated = Chaser.objects.filter(
        response=OuterRef(f"{prefix}pk"), step=ChaserStep.PUBLIC_STATEMENT, sent_on__lte=today
    )
    return Q(Exists(stated)) & ~answered_condition(prefix=prefix)


def answered_condition(*, prefix=""):
    """The rule of `answered` as a Q over a Response row (`prefix` as above)."""
    return Q(**{f"{prefix}first_published_on__isnull": False}) | ~Q(
        **{f"{prefix}current_status": ""}
    )
