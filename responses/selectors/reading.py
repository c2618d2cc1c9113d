"""
Which published updates a signed-in user may read. Every page or document that shows published
text to a signed-in user outside the writing organisation asks here, so the rule has one home.
"""

from ..models import ResponseUpdate


def published_updates_readable_by(user):
    """The published updates `user` may read in full: `ResponseUpdateQuerySet.readable_by`."""
    return ResponseUpdate.objects.readable_by(user)
