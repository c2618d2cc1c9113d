"""
Middleware every page goes through: refusing control characters at the edge, no caching of a
signed-in reader's pages, and recording who made each audited change. The sign-in's own (time
limits, the two-factor step) is in accounts.middleware.
"""

import re

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse

from core.http import client_ip_address

# C0 controls and DEL. Tab, line feed and carriage return are fine in a query value (a pasted
# search), never in a path or a cookie.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

BAD_REQUEST_MESSAGE = (
    "The address contains a character that is not allowed (a control character such as %00). "
    "Check the address and try again."
)


class RejectControlCharactersMiddleware:
    """
    Answer 400 to a request whose path, query string or cookies hold a control character.

    PostgreSQL refuses a NUL byte in text ("DataError: ... cannot contain NUL"), so a `%00` in a
    URL part (`/recommendations/%00/`) or a filter (`?q=%00`) reached the database and became a
    500. None of these places has a use for control characters, and refusing them once here
    covers every view, the admin and URL arguments, which no form sees.

    Posted form fields are left to the forms: Django's CharField already refuses NUL with a form
    error, and the page comes back with everything typed, which a bare 400 here would lose.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._is_bad(request):
            if request.path_info.startswith("/api/"):
                # The API answers in JSON, as its schema says.
                return JsonResponse({"detail": BAD_REQUEST_MESSAGE}, status=400)
            return HttpResponseBadRequest(BAD_REQUEST_MESSAGE, content_type="text/plain")
        return self.get_response(request)

    @staticmethod
    def _is_bad(request):
        if _CONTROL.search(request.path_info) or _CONTROL.search(request.path):
            return True
        for key, values in request.GET.lists():
            if _CONTROL.search(key) or any(_CONTROL_IN_VALUE.search(v) for v in values):
                return True
        return any(
            _CONTROL.search(key) or _CONTROL.search(value)
            for key, value in request.COOKIES.items()
        )


class AuditActorMiddleware(AuditlogMiddleware):
    """
    django-auditlog's middleware (the signed-in user becomes each log entry's actor), with the
    client address taken the way login throttling takes it.

    The library trusts the left-most X-Forwarded-For entry, which any client can write; behind
    the load balancer only the entry it appended is the client's (accounts.security).
    """

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return client_ip_address(request) or None

    @staticmethod
    def _get_remote_port(request):
        # X-Forwarded-Port is the client's to write as well.
        return None


class NoStoreMiddleware:
    """
    Send `Cache-Control: no-store` with every response to a signed-in user (pages, CSV exports,
    redirects), so OFFICIAL data is never kept by the browser or a shared proxy. Public static
    files are served by WhiteNoise before this runs and keep their own caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
