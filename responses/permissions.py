"""
Who may do what, decided from Membership rows. Services call these before every write, so a
view that forgets to hide a button still cannot write.
"""

from recommendations.models import Organisation
from tracker.models import Membership

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


def can_write_for(user, organisation_id):
    return roles_by_organisation(user).get(organisation_id) in WRITER_ROLES


def can_sign_off_for(user, organisation_id):
    return roles_by_organisation(user).get(organisation_id) == Membership.Role.APPROVER


def is_reviewer(user):
    """A reviewer is a member of a national body with the reviewer role."""
    return any(
        role == Membership.Role.REVIEWER and kind == Organisation.Kind.NATIONAL_BODY
        for _, role, kind in _memberships(user)
    )
