"""Logging filters: what the site writes to its log, and what it leaves out."""

import logging

from django.core.exceptions import PermissionDenied


class RefusalsOnOneLine(logging.Filter):
    """
    Write a refused request (403: PermissionDenied) as one line, who asked for what and why,
    without the traceback Django attaches: a refusal is the site working, and a probe of a
    thousand addresses must not write fifteen thousand lines. Server errors keep theirs.
    """

    def filter(self, record):
        exc_info = record.exc_info
        if getattr(record, "status_code", None) == 403 and exc_info and isinstance(
            exc_info[1], PermissionDenied
        ):
            request = getattr(record, "request", None)
            user = getattr(request, "user", None)
            who = getattr(user, "username", "") or "anonymous"
            reason = str(exc_info[1]) or "no reason given"
            record.msg = f"{record.getMessage()} (user {who}: {reason})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True
