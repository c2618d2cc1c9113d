"""Reads of the imports: the portal uploads a person must act on."""

from django.core.cache import cache
from django.db.models import Count, Max

from accounts import permissions
from recommendations.models import Recommendation
from responses.models import Response

from .models import ImportFile
from .portal import portal_plan
from .recommendations_sheet import recommendations_plan


def _portal_uploads():
    return ImportFile.objects.filter(kind=ImportFile.Kind.PORTAL).select_related(
        "organisation", "super_complaint", "uploaded_by"
    ).defer("content").order_by("-submitted_at", "-created_at")


def portal_uploads_to_sign_off(*, user):
    """Exports sent to `user` for sign-off: an approver of their organisation, not the uploader."""
    return _portal_uploads().filter(
        submitted_at__isnull=False, applied_at__isnull=True, returned_at__isnull=True,
        organisation_id__in=permissions.approver_organisation_ids(user),
    ).exclude(uploaded_by=user)


def portal_uploads_pending(*, user):
    """`user`'s own exports sent for sign-off or returned, and not published."""
    return _portal_uploads().filter(
        uploaded_by=user, submitted_at__isnull=False, applied_at__isnull=True
    )


# A plan is kept while nothing it was planned against changes: the file (its SHA-256) and the
# rows it is checked against (the organisation's responses to the super-complaint, or the
# super-complaint's recommendations). The confirmation plans again inside its transaction, so a
# kept plan is only ever shown, never written.
PLAN_KEPT_FOR = 24 * 60 * 60


def import_file_plan(import_file, *, progress=None):
    """What confirming a kept upload would write now, planned from its bytes."""
    if import_file.kind == ImportFile.Kind.PORTAL:
        return portal_plan(content=bytes(import_file.content),
                           organisation=import_file.organisation,
                           super_complaint=import_file.super_complaint, progress=progress)
    return recommendations_plan(content=bytes(import_file.content),
                                super_complaint=import_file.super_complaint, progress=progress)


def _plan_key(import_file):
    if import_file.kind == ImportFile.Kind.PORTAL:
        rows = Response.objects.filter(
            organisation_id=import_file.organisation_id,
            recommendation__super_complaint_id=import_file.super_complaint_id,
        )
    else:
        rows = Recommendation.objects.filter(super_complaint_id=import_file.super_complaint_id)
    state = rows.aggregate(count=Count("pk"), changed=Max("updated_at"))
    changed = state["changed"].isoformat() if state["changed"] else "-"
    return f"imports:plan:{import_file.pk}:{import_file.sha256}:{state['count']}:{changed}"


def kept_plan(import_file):
    """The plan kept for this upload while it still holds, else None."""
    return cache.get(_plan_key(import_file))


def keep_plan(import_file, plan):
    cache.set(_plan_key(import_file), plan, PLAN_KEPT_FOR)


def current_plan(import_file):
    """The kept plan, or one made now and kept (for an upload small enough to plan at once)."""
    plan = kept_plan(import_file)
    if plan is None:
        plan = import_file_plan(import_file)
        keep_plan(import_file, plan)
    return plan
