"""
Who may do what, decided from Membership rows.

`can_...` answer a question (to show or hide an action); `require_...` refuse with the reason,
raising PermissionDenied, whose message the 403 page shows. Views call the `require_...` helper
before showing a form and services call the same helper before every write, so a view that
forgets to hide a button still cannot write, and each refusal is worded once.
"""

from django.core.exceptions import PermissionDenied

from accounts.models import Membership
from core.marking import Marking
from recommendations.models import Organisation

WRITER_ROLES = {Membership.Role.CONTRIBUTOR, Membership.Role.APPROVER}


def _memberships(user):
    """
    Return [(organisation id, role, organisation kind, paired organisation id)], cached on the
    user (one query).
    """
    if not user or not user.is_authenticated:
        return []
    cached = getattr(user, "_membership_rows", None)
    if cached is None:
        cached = list(user.memberships.values_list(
            "organisation_id", "role", "organisation__kind", "organisation__paired_id"
        ))
        user._membership_rows = cached
    return cached


def roles_by_organisation(user):
    return {organisation_id: role for organisation_id, role, *_ in _memberships(user)}


def remember_memberships(user, memberships):
    """
    Spare `_memberships` its query for a user whose memberships were read with their
    organisations (`user.memberships.select_related("organisation")`).
    """
    user._membership_rows = [
        (m.organisation_id, m.role, m.organisation.kind, m.organisation.paired_id)
        for m in memberships
    ]


def member_organisation_ids(user):
    return {organisation_id for organisation_id, *_ in _memberships(user)}


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
    """An approver of the update's organisation who wrote none of it (four eyes)."""
    return can_sign_off_for(user, update.response.organisation_id) and not _wrote(user, update)


def is_reviewer(user):
    """A reviewer is a member of a national body with the reviewer role."""
    return any(
        role == Membership.Role.REVIEWER and kind == Organisation.Kind.NATIONAL_BODY
        for _, role, kind, _ in _memberships(user)
    )


def sensitive_readable_organisation_ids(user):
    """
    The organisations whose OFFICIAL-SENSITIVE text `user` may read, or None for all of them.

    OFFICIAL-SENSITIVE is need-to-know: the writing organisation, its paired force or local
    policing body, and the national reviewers read the text; everyone else sees only that a
    sensitive update exists (its status, date and marking).
    """
    if is_reviewer(user):
        return None
    readable = set()
    for organisation_id, _, _, paired_id in _memberships(user):
        readable.add(organisation_id)
        if paired_id:
            readable.add(paired_id)
    return readable


def withholds(readable, organisation_id, marking):
    """
    Whether an update of `organisation_id` with `marking` has its text withheld from a reader
    who may read the sensitive text of `readable` (see sensitive_readable_organisation_ids).
    """
    return (
        marking == Marking.OFFICIAL_SENSITIVE
        and readable is not None
        and organisation_id not in readable
    )


def can_read_sensitive(user, organisation_id):
    readable = sensitive_readable_organisation_ids(user)
    return readable is None or organisation_id in readable


def _wrote(user, update):
    """
    Whether `user` wrote any of the update's content: its author (who last changed it) or any of
    its editors (everyone who changed its text or its files, `ResponseUpdate.editors`). Checking
    only the author let an approver who wrote the text sign it off once a contributor changed a
    character or attached a file.

    An update read with `ResponseUpdate.objects.with_four_eyes_check(user)` carries the answer
    about its editors; otherwise they are asked for (one query).
    """
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return False
    if update.author_id == user_id:
        return True
    if getattr(update, "four_eyes_user_id", None) == user_id:
        return update.four_eyes_edited
    return update.editors.filter(pk=user_id).exists()


def require_writer(user, organisation_id):
    """Refuse anyone but a contributor or approver of the organisation."""
    if not can_write_for(user, organisation_id):
        raise PermissionDenied("You cannot write updates for this organisation.")


def require_approver(user, organisation_id):
    """Refuse anyone but an approver of the organisation."""
    if not can_sign_off_for(user, organisation_id):
        raise PermissionDenied("Only an approver of this organisation can sign off its updates.")


def require_sign_off(user, update):
    """Refuse anyone but an approver of the update's organisation who wrote none of it."""
    require_approver(user, update.response.organisation_id)
    if _wrote(user, update):
        raise PermissionDenied(
            "You cannot sign off an update you wrote yourself. You wrote or changed some of its "
            "text or its files, so another approver must sign it off."
        )


def _reviews_for(user, organisation_id):
    """
    A national reviewer acting on another organisation's response: never on one of their own
    (any organisation they are a member of), so no body reviews, excuses or chases itself.
    """
    return is_reviewer(user) and organisation_id not in member_organisation_ids(user)


def _require_reviewer_for(user, organisation_id, *, not_reviewer, own):
    if not is_reviewer(user):
        raise PermissionDenied(not_reviewer)
    if organisation_id in member_organisation_ids(user):
        raise PermissionDenied(own)


def can_review(user, organisation_id):
    return _reviews_for(user, organisation_id)


def require_reviewer(user, organisation_id):
    """Refuse anyone but a national reviewer from outside the organisation that answered."""
    _require_reviewer_for(
        user, organisation_id,
        not_reviewer="Only a national reviewer can close or return a response.",
        own=(
            "You cannot review a response of your own organisation: a reviewer from another "
            "body must close or return it."
        ),
    )


def require_extension_requester(user, organisation_id):
    """Refuse anyone but a contributor or approver of the organisation that must answer."""
    if not can_write_for(user, organisation_id):
        raise PermissionDenied(
            "Only a contributor or approver of this organisation can ask for more time."
        )


def can_decide_extension(user, organisation_id):
    return _reviews_for(user, organisation_id)


def require_extension_decider(user, organisation_id):
    """
    Refuse anyone but a national reviewer from outside the organisation asking: only they
    approve or refuse more time.
    """
    _require_reviewer_for(
        user, organisation_id,
        not_reviewer="Only a national reviewer can approve or refuse an extension.",
        own=(
            "You cannot decide a request for more time from your own organisation: a reviewer "
            "from another body must approve or refuse it."
        ),
    )


def can_set_priority(user):
    """National reviewers mark recommendations as priority: the role that decides extensions."""
    return is_reviewer(user)


def require_priority_setter(user):
    """Refuse anyone but a national reviewer: only they mark or unmark a priority."""
    if not can_set_priority(user):
        raise PermissionDenied(
            "Only a national reviewer can mark a recommendation as priority or remove the mark."
        )


def can_chase(user, organisation_id):
    return _reviews_for(user, organisation_id)


def require_chaser(user, organisation_id):
    """
    Refuse anyone but a national reviewer from outside the organisation chased: only they send
    the steps of the chasing ladder.
    """
    _require_reviewer_for(
        user, organisation_id,
        not_reviewer="Only a national reviewer can send a chasing letter.",
        own=(
            "You cannot chase your own organisation: a reviewer from another body must send "
            "its chasing letters."
        ),
    )


def reviewing_body_id(user):
    """The national body a reviewer writes from: the first (by id) where they are a reviewer."""
    return min(
        (
            organisation_id
            for organisation_id, role, kind, _ in _memberships(user)
            if role == Membership.Role.REVIEWER and kind == Organisation.Kind.NATIONAL_BODY
        ),
        default=None,
    )


def can_read_chaser_letters(user, organisation_id):
    """
    Chasing letters are need-to-know: the national reviewers who send them and the members of
    the organisation they are addressed to. Everyone signed in may see that a letter was sent
    (its step, date and sender, on the response page); only the public statement's fact
    reaches the public pages.
    """
    return is_reviewer(user) or organisation_id in member_organisation_ids(user)


def require_chaser_letter_reader(user, organisation_id):
    if not can_read_chaser_letters(user, organisation_id):
        raise PermissionDenied(
            "Chasing letters are for the national reviewers and the organisation they are sent "
            "to."
        )


# Imports write what a person would otherwise type and sign off, so they need more than staff
# status: a named permission, granted in the Django admin (superusers hold every permission).
LOAD_RECOMMENDATIONS = "imports.load_recommendations"
PUBLISH_PORTAL_EXPORT = "imports.publish_portal_export"


def _holds(user, permission):
    """
    Whether a staff account holds `permission`. Only staff are asked: Django reads a user's
    permissions in two queries, which pages every reader opens (home) must not spend on the
    many who are not staff.
    """
    return bool(user and user.is_authenticated and user.is_active and user.is_staff
                and user.has_perm(permission))


def can_load_recommendations(user):
    return _holds(user, LOAD_RECOMMENDATIONS)


def require_recommendations_loader(user):
    """Refuse anyone who does not hold the permission to load recommendations."""
    if not can_load_recommendations(user):
        raise PermissionDenied(
            "Only an administrator given the permission to load recommendations can load them."
        )


def can_publish_imports(user):
    """Whether `user` may publish a portal export alone, for any organisation."""
    return _holds(user, PUBLISH_PORTAL_EXPORT)


def importable_organisation_ids(user):
    """
    The organisations whose monitoring-portal export `user` may upload: every one for someone
    who may publish imports (None stands for all), else those where they are an approver (who
    then sends it to another approver for sign-off).
    """
    if can_publish_imports(user):
        return None
    return approver_organisation_ids(user)


def can_import_for(user, organisation_id):
    if organisation_id in approver_organisation_ids(user):
        return True
    return can_publish_imports(user)


def can_import_anything(user):
    return bool(approver_organisation_ids(user)) or can_publish_imports(user)


def require_importer(user, organisation_id):
    """Refuse anyone but an approver of the organisation or someone who may publish imports."""
    if not can_import_for(user, organisation_id):
        raise PermissionDenied(
            "Only an approver of this organisation, or an administrator given the permission "
            "to publish imports, can import its monitoring-portal export."
        )


def require_import_publisher(user):
    """Refuse to publish an export with no second approver unless `user` holds the permission."""
    if not can_publish_imports(user):
        raise PermissionDenied(
            "Only an administrator given the permission to publish imports can publish an "
            "export without a second approver: send it for sign-off instead."
        )


def can_sign_off_import(user, import_file):
    """An approver of the export's organisation who did not upload it (four eyes)."""
    return (
        import_file.uploaded_by_id != getattr(user, "pk", None)
        and can_sign_off_for(user, import_file.organisation_id)
    )


def require_import_sign_off(user, import_file):
    """Refuse anyone but an approver of the export's organisation other than its uploader."""
    require_approver(user, import_file.organisation_id)
    if import_file.uploaded_by_id == user.pk:
        raise PermissionDenied("You cannot sign off an export you uploaded yourself.")


def can_read_update(user, update):
    """
    Whether `user` may read an update (and its evidence files): a published update, anyone
    signed in; a draft, one awaiting sign-off or a returned one, only members of its
    organisation. Never anyone signed out. The same rule as `ResponseUpdateQuerySet.visible_to`.
    """
    if not user or not user.is_authenticated:
        return False
    return (
        update.is_published
        or update.response.organisation_id in member_organisation_ids(user)
    )


def can_read_update_text(user, update):
    """
    Whether `user` may read what an update says: they may read the update
    (`can_read_update`), and if it is OFFICIAL-SENSITIVE they need to know. The rule of the
    pages, applied in the admin and its audit log too.
    """
    if not can_read_update(user, update):
        return False
    return update.marking != Marking.OFFICIAL_SENSITIVE or can_read_sensitive(
        user, update.response.organisation_id
    )


def can_read_sensitive_for(user, organisation):
    """
    Whether `user` needs to know an organisation's OFFICIAL-SENSITIVE material (DESIGN.md
    section 2): the rule of `sensitive_readable_organisation_ids`, for one organisation.
    """
    return can_read_sensitive(user, organisation.pk)


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
