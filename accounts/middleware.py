"""
The sign-in's middleware: an idle and an absolute time limit on every session, and the
two-factor step before any page for a session that owes it.
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY as SESSION_USER_KEY
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import twofactor

LAST_SEEN_KEY = "last_seen"
SIGNED_IN_AT_KEY = "signed_in_at"
# Activity is recorded at most this often, so a burst of pages does not write the session each time.
LAST_SEEN_GRANULARITY = 60


class SessionTimeoutMiddleware:
    """
    End a signed-in session after SESSION_IDLE_TIMEOUT seconds without a request, or
    SESSION_COOKIE_AGE seconds after signing in, whichever comes first.

    The absolute limit is also set as the session's fixed expiry at sign-in
    (`accounts.signals`), so activity never extends it. Sits before
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
