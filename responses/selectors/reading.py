"""
Which published updates a signed-in user may read. Every page or document that shows published
text to a signed-in user outside the writing organisation asks here, so the rule has one home.
"""

from django.db.models import Q

from .. import permissions
from ..choices import Marking
from ..models import ResponseUpdate


def published_updates_readable_by(user):
    """
    The published updates `user` may read in full: for a visitor, the public ones; for a
    signed-in user, every published update except OFFICIAL-SENSITIVE ones of organisations they
    have no need to know (permissions.sensitive_readable_organisation_ids).
    """
    if not user or not user.is_authenticated:
        return ResponseUpdate.objects.public()
    readable = permissions.sensitive_readable_organisation_ids(user)
    published = ResponseUpdate.objects.published()
    if readable is None:
        return published
    return published.filter(
        ~Q(marking=Marking.OFFICIAL_SENSITIVE) | Q(response__organisation_id__in=list(readable))
    )
