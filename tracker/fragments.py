"""
Rendered parts of pages kept in Django's cache, rendered once rather than on every request. Each
key holds what the part is drawn from (`tracker.fingerprints`), so a publication, review, import
or edit shows at once.

- `cached_fragment`: the long lists and tables that are the same for every reader. Rendered
  without the request, so no context processor runs and the template sees neither `user` nor
  `request`: what it shows cannot depend on who reads it.
- `cached_for_reader`: a part that depends on who reads it (their need to know, the actions
  their role allows), kept under a key that says how, with its forms' CSRF token put in afresh
  on every response.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from responses.selectors.figures import CACHE_SECONDS


def only_known_parameters(request, names):
    """
    Whether the query string holds no parameter but `names`. A page is kept only for the
    parameters it knows: one with a made-up parameter (echoed into its links and download form)
    is rendered afresh, so nobody fills the cache with made-up addresses.
    """
    return set(request.GET) <= set(names)


def cached_fragment(template_name, *, key, context, keep=True):
    """
    Return `template_name` rendered with `context()` (a callable, called only on a miss), kept
    under `key`: a tuple of everything the fragment depends on. Today's date is added, as
    deadlines are reckoned from it. Not `keep`: rendered afresh, and not kept.
    """
    if not keep:
        return render_to_string(template_name, context())
    cache_key = _cache_key("fragment", template_name, key)
    html = cache.get(cache_key)
    if html is None:
        html = render_to_string(template_name, context())
        cache.set(cache_key, html, CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our own template, escaped there


def _cache_key(kind, template_name, key):
    parts = (template_name, timezone.localdate().isoformat(), *key)
    # Hashed: slugs, query strings and datetimes hold characters some caches refuse in keys.
    return f"{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _csrf_placeholder():
    """
    What a kept part carries where its forms' CSRF token goes: derived from SECRET_KEY, so the
    same in every process and not a string anyone could type into a narrative.
    """
    return hmac.new(settings.SECRET_KEY.encode(), b"csrf-placeholder", "sha256").hexdigest()


def cached_for_reader(request, template_name, *, key, context, keep=True):
    """
    Return `template_name` rendered for `request` with `context()` (a callable, called only on
    a miss), kept under `key`: a tuple of everything the part depends on, the reader included
    (who they are, or what they may see and do). Today's date is added. Not `keep`: rendered
    afresh, and not kept.

    Rendered with the request, so the template may show what depends on the reader: the key
    must say how. Its forms are rendered with a placeholder for the CSRF token, replaced on
    every response by a token masked afresh (`get_token`), as Django does against BREACH: no
    two responses carry the same token, and none carries another session's.
    """
    if not keep:
        return render_to_string(template_name, context(), request=request)
    cache_key = _cache_key("reader", template_name, key)
    html = cache.get(cache_key)
    placeholder = _csrf_placeholder()
    if html is None:
        html = render_to_string(
            template_name, {**context(), "csrf_token": placeholder}, request=request
        )
        cache.set(cache_key, html, CACHE_SECONDS)
    # Escaped in the template as anything else, and a hex string escapes to itself.
    return mark_safe(html.replace(placeholder, get_token(request)))  # noqa: S308
