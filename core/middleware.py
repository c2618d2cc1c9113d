"""
Middleware every page goes through: a request id on every log line, refusing control characters
at the edge, no caching of a
signed-in reader's pages, and recording who made each audited change. The sign-in's own (time
limits, the two-factor step) is in accounts.middleware.
"""

import logging
import re
import time
import uuid

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse

from core.http import client_ip_address
from core.logging import request_id_var

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


# What a request id from the load balancer may look like (nginx's $request_id is 32 hex digits);
# anything else is replaced, so a client cannot write into the log through this header.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
request_log = logging.getLogger("tracker.request")


class RequestIdMiddleware:
    """
    Carry the load balancer's X-Request-ID (or a new one) through every log line written while
    answering, send it back in the response, and log the request itself: one line with its
    method, path, status, view and time, so the balancer's log and the app's join on the id.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if _REQUEST_ID.fullmatch(supplied) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            request_log.info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status_code": response.status_code,
                    "view": match.view_name if match else "",
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            response["X-Request-ID"] = request_id
            return response
        finally:
            request_id_var.reset(token)
