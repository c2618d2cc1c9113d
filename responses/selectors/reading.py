"""
Which published updates a signed-in user may read. Every page or document that shows published
text to a signed-in user outside the writing organisation asks here, so the rule has one home.
"""

from ..models import ResponseUpdate


def published_updates_readable_by(user):
    """
    The published updates `user` may read in full.

    Today every signed-in user reads every published update, OFFICIAL-SENSITIVE included
    (DESIGN.md section 2 makes sensitive text need-to-know: tighten it here).
    """
    if not user or not user.is_authenticated:
        return ResponseUpdate.objects.public()
    return ResponseUpdate.objects.published()
