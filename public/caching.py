"""
How public pages are cached: by browsers and shared caches, revalidated by ETag; and on the
server, rendered once for every signed-out visitor until the data changes.
"""

import re
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import patch_cache_control
from django.utils.decorators import decorator_from_middleware

from core.caching import cache_key, fingerprint

# An ETag from the content, and 304 Not Modified for a matching If-None-Match.
_etag = decorator_from_middleware(ConditionalGetMiddleware)

# The query strings whose pages may be kept on the server: none, or a page number, and the
# number only of a page that exists (`_is_the_page_asked_for`). Anything else (a letter's date
# and reference, unknown parameters) is rendered afresh, so nobody can fill the cache with pages
# of made-up addresses.
_CACHEABLE_QUERY = re.compile(r"(page=\d{1,4})?")
# What a kept page needs besides its bytes (a Word document is an attachment).
_KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def _for_every_visitor(request):
    """
    Whether the page asked for is the one every signed-out visitor gets: a GET of a cacheable
    address with no session cookie (so nobody signed in, and no form text or message kept in a
    session) and no messages cookie (a notice meant for this browser alone).
    """
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and _CACHEABLE_QUERY.fullmatch(request.META.get("QUERY_STRING", ""))
    )


def _kept_page(view, request, args, kwargs):
    """
    The page for every signed-out visitor, rendered once and kept under the address, the day
    and the fingerprint of the data (core.caching's "data" scope, 1 query): a
    publication, a review, an import or an admin edit shows at once. Only 200 answers of the
    page asked for are kept.
    """
    # The day is in every key: deadlines and a letter's date are reckoned from today.
    key = cache_key("public-page", request.get_full_path(), *fingerprint("data"))
    kept = cache.get(key)
    if kept is not None:
        response = HttpResponse(kept["content"])
        for name, value in kept["headers"].items():
            response[name] = value
        return response
    response = view(request, *args, **kwargs)
    if hasattr(response, "render"):
        response.render()
    if (response.status_code == 200 and not response.streaming
            and _is_the_page_asked_for(request, response)):
        headers = {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}
        cache.set(key, {"content": response.content, "headers": headers},
                  settings.PAGE_CACHE_SECONDS)
    return response


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


def public_page(view):
    """
    Open `view` to visitors and let its answer be cached (`Cache-Control: public, max-age`,
    `ETag`), and kept on the server for signed-out visitors (`_kept_page`). Public pages show
    the same thing to everyone and carry no form, so nothing of a signed-in user is cached:
    a signed-in reader's page is rendered for them, and core.middleware.NoStoreMiddleware
    still sends them `no-store`.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if _for_every_visitor(request):
            response = _kept_page(view, request, args, kwargs)
        else:
            response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response

    return login_not_required(_etag(wrapped))
