"""
Keep what a user typed when their session expired or the CSRF check failed.

A long update typed over an hour must not be lost because the session ran out or the CSRF token
went stale. For views marked with `keeps_typed_text`, the posted fields are put in the session
(keyed by the path) and the user is sent to sign in (`FormStashMiddleware`) or straight back to
the form (`csrf_failure`). The form then shows the text once, with a banner asking the user to
check it and save it again.

Nothing is ever saved from a stash: the user must submit the form again, with a valid session and
token. A failed CSRF check is rescued only when the post came from this site (its Origin, or
failing that its Referer, is this host or a trusted origin): a forged cross-site post gets the
plain 403 page and stashes nothing, so it cannot even pre-fill the victim's form.
"""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.encoding import iri_to_uri
from django.utils.http import is_same_domain

SESSION_KEY = "formstash"
MAX_STASH_BYTES = 100 * 1024
MAX_STASHES = 5
IGNORED_FIELDS = {"csrfmiddlewaretoken", "action"}

SIGNED_OUT = "signed_out"
CSRF_FAILED = "csrf_failed"
BANNERS = {
    SIGNED_OUT: (
        "You were signed out before your update was saved. "
        "Check what you typed below, then save it."
    ),
    CSRF_FAILED: "Your form expired before it was saved. Check what you typed below, then save it.",
}


def keeps_typed_text(view_func):
    """Return whether the view (the `as_view()` of a class with `keeps_typed_text`) keeps it."""
    return bool(getattr(getattr(view_func, "view_class", None), "keeps_typed_text", False))


def stash(request, reason):
    """
    Store the posted fields of `request` in its session, keyed by path. Return whether it fit.

    File uploads, the CSRF token and the submit button's value are left out. An oversized post is
    not stored at all (sessions live in the database and must stay small).
    """
    data = {
        name: values
        for name, values in request.POST.lists()
        if name not in IGNORED_FIELDS
    }
    size = sum(len(name) + sum(len(v) for v in values) for name, values in data.items())
    if size > MAX_STASH_BYTES:
        return False
    stashes = dict(request.session.get(SESSION_KEY, {}))
    stashes[request.path] = {"reason": reason, "data": data, "at": time.time()}
    # Keep the newest few only: an abandoned stash must not grow the session for ever.
    newest = sorted(stashes.items(), key=lambda item: item[1].get("at", 0), reverse=True)
    request.session[SESSION_KEY] = dict(newest[:MAX_STASHES])
    return True


def pop(request):
    """
    Return (QueryDict of the stashed fields, banner text) for this path, or (None, ""), and
    forget the stash: it is shown once.
    """
    stashes = request.session.get(SESSION_KEY)
    if not stashes or request.path not in stashes:
        return None, ""
    stashes = dict(stashes)
    entry = stashes.pop(request.path)
    if stashes:
        request.session[SESSION_KEY] = stashes
    else:
        del request.session[SESSION_KEY]
    data = QueryDict(mutable=True)
    for name, values in entry.get("data", {}).items():
        data.setlist(name, [str(v) for v in values])
    return data, BANNERS.get(entry.get("reason"), BANNERS[CSRF_FAILED])


def _path_keeps_typed_text(request):
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return keeps_typed_text(match.func)


def _has_session(request):
    """
    Return whether the request belongs to a live session.

    A failed CSRF check may be a forged cross-site post, which arrives without the session cookie
    (SameSite): stashing would start a new session and its cookie would replace the victim's.
    """
    session = getattr(request, "session", None)
    if session is None:
        return False
    session.get(SESSION_KEY)  # loads the session; an expired or unknown key becomes None
    return session.session_key is not None


def _is_same_origin(request):
    """
    Return whether the POST came from a page of this site.

    The Origin header is checked first; a browser that sends none (older ones, some privacy
    settings) is judged by its Referer. Neither header, or either naming another site, means
    "not ours". Trusted origins follow CSRF_TRUSTED_ORIGINS, wildcard subdomains included.
    """
    source = request.META.get("HTTP_ORIGIN")
    if not source or source == "null":
        referer = request.META.get("HTTP_REFERER")
        if not referer:
            return False
        parts = urlsplit(referer)
        if not parts.scheme or not parts.netloc:
            return False
        source = f"{parts.scheme}://{parts.netloc}"
    try:
        own = f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"
    except DisallowedHost:
        return False
    if source.lower() == own.lower():
        return True
    source_parts = urlsplit(source)
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        trusted_parts = urlsplit(trusted)
        # "https://*.example.org" allows subdomains; is_same_domain spells that ".example.org".
        pattern = trusted_parts.netloc.lower().lstrip("*")
        if trusted_parts.scheme == source_parts.scheme and is_same_domain(
            source_parts.netloc.lower(), pattern
        ):
            return True
    return False


class FormStashMiddleware:
    """
    Catch a POST by a signed-out user to a view that keeps typed text: stash it, then send the
    user to sign in and back to the same form.

    Must sit after AuthenticationMiddleware (it needs `request.user`) and before
    LoginRequiredMiddleware (which would otherwise redirect first and drop the POST).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.user.is_authenticated:
            return None
        if not keeps_typed_text(view_func):
            return None
        stash(request, SIGNED_OUT)
        return redirect_to_login(request.get_full_path())


def csrf_failure(request, reason=""):
    """
    CSRF_FAILURE_VIEW: on a form that keeps typed text, posted from this site within a live
    session (the session's own token went stale), stash the post and show the form again (303, so
    the browser fetches it with GET); anything else, a cross-site post above all, gets the usual
    403 page and nothing is stashed.
    """
    if (
        request.method == "POST"
        and _path_keeps_typed_text(request)
        and _is_same_origin(request)
        and _has_session(request)
    ):
        stash(request, CSRF_FAILED)
        response = HttpResponse(status=303)
        response["Location"] = iri_to_uri(request.get_full_path())
        return response
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
