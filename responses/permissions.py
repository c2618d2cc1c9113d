"""
Who may do what, decided from Membership rows.

`can_...` answer a question (to show or hide an action); `require_...` refuse with the reason,
raising PermissionDenied, whose message the 403 page shows. Views call the `require_...` helper
before showing a form and services call the same helper before every write, so a view that
forgets to hide a button still cannot write, and each refusal is worded once.
"""

from django.core.exceptions import PermissionDenied

from recommendations.models import Organisation
from tracker.models import Membership

from .choices import Marking, WorkflowState

WRITER_ROLES = {Membership.Role.CONTRIBUTOR, Membership.Role.APPROVER}


def _memberships(user):
    """Return [(organisation id, role, organisation kind)], cached on the user (one query)."""
    if not user or not user.is_authenticated:
        return []
    cached = getattr(user, "_membership_rows", None)
    if cached is None:
        cached = list(user.memberships.values_list("organisation_id", "role", "organisation__kind"))
        user._membership_rows = cached
    return cached


def roles_by_organisation(user):
    return {organisation_id: role for organisation_id, role, _ in _memberships(user)}


def member_organisation_ids(user):
    return {organisation_id for organisation_id, _, _ in _memberships(user)}


def approver_organisation_ids(user):
    return {
        organisation_id
        for organisation_id, role in roles_by_organisation(user).items()
        if role == Membership.Role.APPROVER
    }


def can_write_for(user, organisation_id):
    return roles_by_organisation(user).get(organisation_id) in WRITER_ROLES


def can_sign_off_for(user, organisation_id):
    return organisation_id in approver_organisation_ids(user)


def can_sign_off(user, update):
    """An approver of the update's organisation who did not write it (four eyes)."""
    return can_sign_off_for(user, update.response.organisation_id) and not _wrote(user, update)


def is_reviewer(user):
    """A reviewer is a member of a national body with the reviewer role."""
    return any(
        role == Membership.Role.REVIEWER and kind == Organisation.Kind.NATIONAL_BODY
        for _, role, kind in _memberships(user)
    )


def _wrote(user, update):
    return update.author_id is not None and update.author_id == getattr(user, "pk", None)


def require_writer(user, organisation_id):
    """Refuse anyone but a contributor or approver of the organisation."""
    if not can_write_for(user, organisation_id):
        raise PermissionDenied("You cannot write updates for this organisation.")


def require_approver(user, organisation_id):
    """Refuse anyone but an approver of the organisation."""
    if not can_sign_off_for(user, organisation_id):
        raise PermissionDenied("Only an approver of this organisation can sign off its updates.")


def require_sign_off(user, update):
    """Refuse anyone but an approver of the update's organisation who did not write it."""
    require_approver(user, update.response.organisation_id)
    if _wrote(user, update):
        raise PermissionDenied("You cannot sign off an update you wrote yourself.")


def require_reviewer(user):
    if not is_reviewer(user):
        raise PermissionDenied("Only a national reviewer can close or return a response.")


def can_read_update(user, update):
    """
    Whether `user` may read an update (and its evidence files): a published update, anyone
    signed in; a draft, one awaiting sign-off or a returned one, only members of its
    organisation. Never anyone signed out. The same rule as `ResponseUpdateQuerySet.visible_to`.
    """
    if not user or not user.is_authenticated:
        return False
    return (
        update.state == WorkflowState.PUBLISHED
        or update.response.organisation_id in member_organisation_ids(user)
    )


def can_read_sensitive_for(user, organisation):
    """
    Whether `user` needs to know an organisation's OFFICIAL-SENSITIVE material (DESIGN.md
    section 2): a member of the organisation or of its paired body, or a national reviewer.
    """
    member_of = member_organisation_ids(user)
    return (
        organisation.pk in member_of
        or (organisation.paired_id is not None and organisation.paired_id in member_of)
        or is_reviewer(user)
    )


def can_read_evidence(user, evidence):
    """
    Whether `user` may open an evidence file: they may read its update, and, when the file or
    its update is OFFICIAL-SENSITIVE, they need to know (`can_read_sensitive_for`). Others may
    see that a sensitive file exists, never open it.
    """
    update = evidence.update
    if not can_read_update(user, update):
        return False
    if Marking.OFFICIAL_SENSITIVE in (evidence.marking, update.marking):
        return can_read_sensitive_for(user, update.response.organisation)
    return True
