"""
Reads for one response's page and the workflow forms: the response, its visible updates and its
reviews, and what the current user may do with each. A fixed number of queries per page.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from accounts import permissions
from deadlines import chasing
from deadlines.extensions import extension_refusal
from recommendations.models import Organisation, Recommendation
from responses.choices import ExtensionDecision, WorkflowState
from responses.deadlines import DeadlineState, due_date, response_deadline_state
from responses.models import (
    Chaser,
    ExtensionRequest,
    Response,
    ResponseReview,
    ResponseUpdate,
)


@dataclass
class Timeline:
    """Everything the response page shows, filtered to what `user` may see."""

    recommendation: Recommendation
    organisation: Organisation
    response: Response | None
    updates: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    can_write: bool = False
    can_sign_off: bool = False
    is_member: bool = False
    can_review: bool = False
    deadline: DeadlineState | None = None
    # Requests for more time, newest first; the due date before any extension.
    extensions: list = field(default_factory=list)
    original_due_on: object = None
    can_request_extension: bool = False
    can_decide_extension: bool = False
    # The chasing ladder: the steps sent, oldest first; the next step a reviewer may send now
    # (None when none may be sent, or the user is not a reviewer from another organisation);
    # whether the user may open the letters.
    chasers: list = field(default_factory=list)
    next_chaser_step: object = None
    can_read_chaser_letters: bool = False

    @property
    def next_chaser_label(self):
        """The send button's words: "Send the reminder", "Send the second letter", ..."""
        return chasing.SEND_LABELS.get(self.next_chaser_step, "")

    @property
    def details_withheld(self):
        """
        Whether the response's lead and portal reference are withheld from the reader: they
        are its current update's, which is OFFICIAL-SENSITIVE and not theirs to know.
        """
        current = self.response.current_update_id if self.response else None
        return any(update.withheld for update in self.updates if update.pk == current)

    @property
    def withholds_any_update(self):
        """Whether any update shown is withheld: the history then quotes no lead or reference."""
        return any(update.withheld for update in self.updates)

    @property
    def approved_extension(self):
        """The approved request whose date is the due date now (the latest approved)."""
        return next(
            (e for e in self.extensions if e.decision == ExtensionDecision.APPROVED), None
        )

    @property
    def pending_extension(self):
        return next(
            (e for e in self.extensions if e.decision == ExtensionDecision.PENDING), None
        )

    @property
    def can_act_on_an_update(self):
        """Whether the user may sign off, or change and submit, one of the updates shown."""
        return any(
            getattr(u, "can_sign_off", False) or getattr(u, "can_edit", False)
            for u in self.updates
        )

    @property
    def awaiting_sign_off(self):
        """The update of this response waiting for an approver, if the user can see one."""
        return next(
            (u for u in self.updates if u.state == WorkflowState.AWAITING_SIGN_OFF), None
        )


def response_page_reader(*, target, user):
    """
    Who the response page is rendered for, as far as what it shows differs: the members of the
    organisation and the national reviewers see drafts, letters and the actions of their role,
    each their own (an approver may not sign off their own update); anyone else sees what
    every other reader sees, with or without the OFFICIAL-SENSITIVE text (their need to know).
    """
    if (
        target.organisation.pk in permissions.member_organisation_ids(user)
        or permissions.is_reviewer(user)
    ):
        return ("member or reviewer", user.pk)
    return ("reader", permissions.can_read_sensitive_for(user, target.organisation))


def response_timeline(*, target, user):
    """
    Return the page of one response for `user`.

    Drafts, updates awaiting sign-off and returned updates appear only to members of the
    organisation; published ones to everyone signed in. Each update carries what the user may do
    with it (`can_edit`, `can_sign_off`), decided with the same rules the services enforce.
    """
    organisation_id = target.organisation.pk
    timeline = Timeline(
        recommendation=target.recommendation,
        organisation=target.organisation,
        response=target.response,
        can_write=permissions.can_write_for(user, organisation_id),
        can_sign_off=permissions.can_sign_off_for(user, organisation_id),
        is_member=organisation_id in permissions.member_organisation_ids(user),
        # A reviewer decides on a published position, so only once there is one, and never on
        # their own organisation's.
        can_review=bool(
            target.response
            and target.response.current_update_id
            and permissions.can_review(user, organisation_id)
        ),
        deadline=response_deadline_state(
            recommendation=target.recommendation, organisation=target.organisation,
            response=target.response, today=timezone.localdate(),
        ),
    )
    timeline.original_due_on = due_date(
        recommendation=target.recommendation, kind=target.organisation.kind
    )
    # Asking for more time: a writer of the organisation, when the service would accept it
    # (extensions.extension_refusal, the one rule; a pending request is looked at below).
    timeline.can_request_extension = bool(timeline.can_write) and not extension_refusal(
        due_on=timeline.deadline.due_on, answered=chasing.is_answered(target.response),
        today=timezone.localdate(), pending=False,
    )
    timeline.can_read_chaser_letters = permissions.can_read_chaser_letters(user, organisation_id)
    if target.response is not None:
        timeline.chasers = list(
            Chaser.objects.filter(response=target.response).select_related("sent_by", "sent_from")
        )
    if permissions.can_chase(user, organisation_id):
        last_step = timeline.chasers[-1].step if timeline.chasers else 0
        refusal = chasing.chase_refusal(
            organisation=target.organisation, deadline=timeline.deadline,
            answered=chasing.is_answered(target.response), last_step=last_step,
        )
        timeline.next_chaser_step = None if refusal else chasing.next_step(last_step)
    if target.response is None:
        return timeline

    timeline.extensions = list(
        ExtensionRequest.objects.filter(response=target.response)
        .select_related("requested_by", "decided_by")
    )
    if timeline.pending_extension:
        timeline.can_request_extension = False
        timeline.can_decide_extension = permissions.can_decide_extension(user, organisation_id)

    visible = ResponseUpdate.objects.visible_to(permissions.member_organisation_ids(user))
    if timeline.can_sign_off:
        # Whether the approver wrote any of each update, in the same query (four eyes).
        visible = visible.with_four_eyes_check(user)
    updates = list(
        visible.filter(response=target.response)
        .select_related(
            "author",
            "signed_off_by",
            "imported_by",
            "awaited_recommendation__super_complaint",
            "awaited_organisation",
        )
        .order_by("-as_of", "-created_at", "-pk")
    )
    readable = permissions.sensitive_readable_organisation_ids(user)
    for update in updates:
        update.response = target.response
        # Need-to-know: others see that a sensitive update exists, not what it says.
        update.withheld = permissions.withholds(readable, organisation_id, update.marking)
        if update.withheld:
            update.narrative = update.awaiting = update.position_provided_by = ""
        update.can_edit = timeline.can_write and update.is_editable
        update.can_sign_off = (
            update.state == WorkflowState.AWAITING_SIGN_OFF
            and permissions.can_sign_off(user, update)
        )
    timeline.updates = updates
    timeline.reviews = list(
        ResponseReview.objects.filter(response=target.response).select_related("reviewer")
    )
    return timeline

