"""
The project's middleware: refusing control characters at the edge; for signed-in sessions, no
caching of their pages, an idle and an absolute time limit and the two-factor step before any
page; and recording who made each audited change.
"""

import re
import time

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib.auth import SESSION_KEY as SESSION_USER_KEY
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from tracker.accounts import twofactor

from .security import client_ip_address

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
    the load balancer only the entry it appended is the client's (tracker.security).
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


LAST_SEEN_KEY = "last_seen"
SIGNED_IN_AT_KEY = "signed_in_at"
# Activity is recorded at most this often, so a burst of pages does not write the session each time.
LAST_SEEN_GRANULARITY = 60


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


class SessionTimeoutMiddleware:
    """
    End a signed-in session after SESSION_IDLE_TIMEOUT seconds without a request, or
    SESSION_COOKIE_AGE seconds after signing in, whichever comes first.

    The absolute limit is also set as the session's fixed expiry at sign-in
    (`tracker.accounts.signals`), so activity never extends it. Sits before
    AuthenticationMiddleware: the session is emptied before anything reads the user, so a POST of
    a long form then reaches FormStashMiddleware as a signed-out POST and its text is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_USER_KEY in session:
            now = int(time.time())
            last_seen = session.get(LAST_SEEN_KEY, now)
            signed_in_at = session.get(SIGNED_IN_AT_KEY, now)
            if (now - last_seen > settings.SESSION_IDLE_TIMEOUT
                    or now - signed_in_at > settings.SESSION_COOKIE_AGE):
                # Signed out: AuthenticationMiddleware, next, finds no user in the session.
                session.flush()
            elif now - last_seen >= LAST_SEEN_GRANULARITY or LAST_SEEN_KEY not in session:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """
    Send a signed-in user who still owes a two-factor code, or must set up an app, to that step
    before any other page or POST. Views open to signed-out visitors (sign-in, password reset)
    and views (or view classes) with `two_factor_exempt = True` (sign-out, the two-factor
    pages) are let through; a view open to visitors that shows a signed-in user their own
    content (`signed_in_content = True`: the home page) is not.

    Sits after LoginRequiredMiddleware: a signed-out visitor is sent to sign in first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or twofactor.is_verified(request):
            return None
        view_class = getattr(view_func, "view_class", None)
        if getattr(view_func, "two_factor_exempt", False) or getattr(
            view_class, "two_factor_exempt", False
        ):
            return None
        if not getattr(view_func, "login_required", True) and not getattr(
            view_class, "signed_in_content", False
        ):
            return None  # public pages
        state = twofactor.session_state(request)
        if state == twofactor.OPTIONAL:
            return None
        target = "two_factor_verify" if state == twofactor.VERIFY else "two_factor_set_up"
        next_url = request.get_full_path() if request.method == "GET" else ""
        url = reverse(target)
        if next_url:
            url = f"{url}?{urlencode({'next': next_url})}"
        return redirect(url)
