"""Reads of the imports: the portal uploads a person must act on."""

from responses import permissions

from .models import ImportFile


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
