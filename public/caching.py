"""
How public pages are cached: by browsers and shared caches, revalidated by ETag; and on the
server, rendered once for every signed-out visitor, once for every signed-in reader, and (a
feed, a Word document) once for everyone, until the data changes.
"""

import re
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import patch_cache_control
from django.utils.decorators import decorator_from_middleware

from core.caching import cache_key, fingerprint
from core.fragments import csrf_placeholder, while_redrawn, with_fresh_csrf_token

# An ETag from the content, and 304 Not Modified for a matching If-None-Match.
_etag = decorator_from_middleware(ConditionalGetMiddleware)

# The query strings whose pages may be kept on the server: none, or a page number, and the
# number only of a page that exists (`_is_the_page_asked_for`). Anything else (a letter's date
# and reference, unknown parameters) is rendered afresh, so nobody can fill the cache with pages
# of made-up addresses.
_CACHEABLE_QUERY = re.compile(r"(page=\d{1,4})?")
# What a kept page needs besides its bytes (a Word document is an attachment).
_KEPT_HEADERS = ("Content-Type", "Content-Disposition")

# Whom a kept copy is for: what a public page shows differs only by whether its reader is
# signed in (the service navigation, the sign-out form, the link to the documents made from
# everything they may read), never by who they are. A feed or a document shows nobody's.
VISITOR = "visitor"
SIGNED_IN = "signed-in"
# Staff see the footer's link to the admin: a copy of their own.
SIGNED_IN_STAFF = "signed-in-staff"
EVERYONE = "everyone"


def _is_cacheable_address(request):
    return request.method in ("GET", "HEAD") and _CACHEABLE_QUERY.fullmatch(
        request.META.get("QUERY_STRING", "")
    )


def _page_reader(request):
    """
    Which kept copy of a page `request` may be served, or None to render it for this request
    alone:

    - VISITOR: no session cookie (so nobody signed in, and no form text or message kept in a
      session) and no messages cookie (a notice meant for this browser alone);
    - SIGNED_IN: a signed-in user with no message waiting. The page is the same for every
      signed-in reader but the CSRF token of its sign-out form, put in afresh for each
      response (`core.fragments.with_fresh_csrf_token`); SIGNED_IN_STAFF likewise for staff,
      whose footer links the admin;
    - None: a session nobody is signed in to, a message waiting (it is shown once, in this
      page, and kept in no copy), or an address that is not kept.
    """
    if not _is_cacheable_address(request):
        return None
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None if CookieStorage.cookie_name in request.COOKIES else VISITOR
    if request.user.is_authenticated and not len(get_messages(request)):
        # len() reads the messages waiting without marking them shown.
        return SIGNED_IN_STAFF if request.user.is_staff else SIGNED_IN
    return None


def _document_reader(request):
    """A feed or a document holds nothing of its reader: one copy for everyone."""
    return EVERYONE if _is_cacheable_address(request) else None


def _kept_page(view, request, args, kwargs, reader):
    """
    The page for `reader` (one of the kinds above), rendered once and kept under the kind, the
    address, the day and the fingerprint of the data (core.caching's "data" scope, 1 query): a
    publication, a review, an import or an admin edit shows at once. Only 200 answers of the
    page asked for are kept. A form's CSRF token is kept as a placeholder and put in afresh for
    every response.

    Every publication changes the data's fingerprint, so with publications running each page is
    drawn again after each one; the slowest (a national overview document, over a second) would
    otherwise be drawn by every reader arriving meanwhile, and never finish. So while one process
    draws it, the others serve it as it was last drawn (`core.fragments.while_redrawn`: at most
    the drawing's duration old, for the same address and reader only).
    """
    # The day is in every key: deadlines and a letter's date are reckoned from today.
    address = (reader, request.get_full_path())
    key = cache_key("public-page", *address, *fingerprint("data"))
    kept = cache.get(key)
    if kept is None:
        with while_redrawn(cache_key("public-page-latest", *address)) as latest:
            if latest.waiting is not None:
                kept = latest.waiting
            else:
                response = _drawn_page(view, request, args, kwargs)
                if _is_worth_keeping(request, response):
                    headers = {name: response[name] for name in _KEPT_HEADERS
                               if response.has_header(name)}
                    latest.drawn = {"content": response.content, "headers": headers}
                    cache.set(key, latest.drawn, settings.PAGE_CACHE_SECONDS)
                if not response.streaming:
                    response.content = with_fresh_csrf_token(request, response.content)
                return response
    response = HttpResponse(with_fresh_csrf_token(request, kept["content"]))
    for name, value in kept["headers"].items():
        response[name] = value
    return response


def _drawn_page(view, request, args, kwargs):
    """The view's answer, rendered with the CSRF placeholder where its forms' token goes."""
    response = view(request, *args, **kwargs)
    if hasattr(response, "render"):
        if response.context_data is not None:
            response.context_data = {**response.context_data, "csrf_token": csrf_placeholder()}
        response.render()
    return response


def _is_worth_keeping(request, response):
    return (response.status_code == 200 and not response.streaming
            and _is_the_page_asked_for(request, response))


def _is_the_page_asked_for(request, response):
    """
    Whether the page drawn is the one its address names: an address without a query, or
    `page=N` of a paginated page (its context's `page_obj`) that has a page N. A number past
    the last page (served the last), or on a page without pages, is drawn but never kept.
    """
    if not request.GET:
        return True
    page_obj = (getattr(response, "context_data", None) or {}).get("page_obj")
    return page_obj is not None and request.GET.get("page") == str(page_obj.number)


def _public(view, reader_of):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        reader = reader_of(request)
        if reader is not None:
            response = _kept_page(view, request, args, kwargs, reader)
        else:
            response = view(request, *args, **kwargs)
        if request.user.is_authenticated:
            # Never stored (core.middleware.NoStoreMiddleware says so too), and different for
            # every response (a fresh CSRF token): saying so now spares hashing it for an ETag
            # no browser will send back, a millisecond for a 400 KB document.
            response["Cache-Control"] = "no-store"
        elif response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response

    return login_not_required(_etag(wrapped))


def public_page(view):
    """
    Open the HTML page `view` to visitors and let its answer be cached (`Cache-Control: public,
    max-age`, `ETag`), and kept on the server (`_kept_page`): one copy for signed-out visitors,
    one for signed-in readers (`_page_reader`). Public pages show the same thing to everyone
    but the signed-in navigation, and carry no form of their own; core.middleware.NoStoreMiddleware
    still sends a signed-in reader `no-store`.
    """
    return _public(view, _page_reader)


def public_document(view):
    """
    `public_page` for a feed or a Word document: its bytes hold no navigation, no form and
    nothing of its reader, so one kept copy serves visitors and signed-in readers alike.
    """
    return _public(view, _document_reader)
