"""
Keep what a user typed when their session expired or the CSRF check failed.

A long update typed over an hour must not be lost because the session ran out or the CSRF token
went stale. For views marked with `keeps_typed_text`:

- A signed-out POST (the session expired) is answered with the sign-in page, carrying the posted
  fields in hidden inputs (`FormStashMiddleware`). Signing in with that form puts them in the new
  session (`keep_carried_text`), and the user goes back to the form. Nothing is stored for a
  signed-out visitor: a session row is written only by a successful sign-in, which writes one
  anyway, so posting signed out again and again fills no table. (A signed cookie could not hold
  the text: browsers keep about 4 KB a cookie, an hour's narrative is longer.)
- A POST whose CSRF token went stale, within a live session, is put in that session (keyed by
  the path) and the user is sent straight back to the form (`csrf_failure`).

The form then shows the text once, with a banner asking the user to check it and save it again.
Nothing is ever saved from a stash: the user must submit the form again, with a valid session and
token. A failed CSRF check is rescued only when the post came from this site (its Origin, or
failing that its Referer, is this host or a trusted origin): a forged cross-site post gets the
plain 403 page and stashes nothing, so it cannot even pre-fill the victim's form.
"""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import DisallowedHost
from django.dispatch import receiver
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, get_script_prefix, resolve
from django.utils.encoding import iri_to_uri
from django.utils.http import is_same_domain

SESSION_KEY = "formstash"
MAX_STASH_BYTES = 100 * 1024
MAX_STASHES = 5
IGNORED_FIELDS = {"csrfmiddlewaretoken", "action"}
# The posted fields ride through the sign-in form under this prefix, apart from its own.
CARRIED_PREFIX = "typed-text:"

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
    return _stash(request.session, request.path, _typed_fields(request.POST), reason)


def _typed_fields(post):
    return {name: values for name, values in post.lists() if name not in IGNORED_FIELDS}


def _fits(data):
    return sum(len(name) + sum(len(v) for v in values) for name, values in data.items()) <= (
        MAX_STASH_BYTES
    )


def _stash(session, path, data, reason):
    if not _fits(data):
        return False
    stashes = dict(session.get(SESSION_KEY, {}))
    stashes[path] = {"reason": reason, "data": data, "at": time.time()}
    # Keep the newest few only: an abandoned stash must not grow the session for ever.
    newest = sorted(stashes.items(), key=lambda item: item[1].get("at", 0), reverse=True)
    session[SESSION_KEY] = dict(newest[:MAX_STASHES])
    return True


def carried_fields(request, typed=None):
    """
    Return [(name, value)] of the hidden inputs that carry typed text through the sign-in form:
    from `typed` (the fields of a signed-out POST), or else those the sign-in form itself was
    posted with (shown again after a wrong password). An oversized post is not carried.
    """
    if typed is None:
        if request is None or request.method != "POST":
            return []
        return [
            (name, value)
            for name, values in request.POST.lists()
            if name.startswith(CARRIED_PREFIX)
            for value in values
        ]
    if not _fits(typed):
        return []
    return [(CARRIED_PREFIX + name, value) for name, values in typed.items() for value in values]


@receiver(user_logged_in, dispatch_uid="core.formstash.keep_carried_text")
def keep_carried_text(sender, request, user, **kwargs):
    """
    On signing in with a sign-in form that carries typed text, stash the text in the new
    session for the form it was typed into (`next`), to be shown there once.
    """
    if request is None or request.method != "POST":
        return
    data = {
        name.removeprefix(CARRIED_PREFIX): values
        for name, values in request.POST.lists()
        if name.startswith(CARRIED_PREFIX)
    }
    path = urlsplit(request.POST.get("next", "")).path
    if data and _keeps_typed_text_at(path, getattr(request, "urlconf", None)):
        _stash(request.session, path, data, SIGNED_OUT)


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
    return _keeps_typed_text_at(request.path, getattr(request, "urlconf", None))


def _keeps_typed_text_at(path, urlconf=None):
    """Whether `path` (as `request.path`, with the script prefix) is a form that keeps text."""
    prefix = get_script_prefix()
    if not path.startswith(prefix):
        return False
    try:
        match = resolve("/" + path.removeprefix(prefix), urlconf)
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
    Catch a POST by a signed-out user to a view that keeps typed text: answer it with the
    sign-in page, carrying the posted fields, which signing in brings back to the same form.
    Nothing is stored for the signed-out visitor (no session is started).

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
        response = render(request, "registration/login.html", {
            "form": AuthenticationForm(request),
            "next": request.get_full_path(),
            "carried_text": carried_fields(request, _typed_fields(request.POST)),
        })
        # It holds what was typed, which may be OFFICIAL: no browser or proxy keeps it.
        response["Cache-Control"] = "no-store"
        return response


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
