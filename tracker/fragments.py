"""
Rendered parts of pages kept in Django's cache: the long lists and tables that are the same for
every reader, rendered once rather than on every request.

A fragment is rendered without the request, so no context processor runs and the template
sees neither `user` nor `request`: what it shows cannot depend on who reads it. Its key holds
what it is drawn from (`tracker.fingerprints`), so a publication, review, import or edit shows at
once.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from responses.selectors.figures import CACHE_SECONDS


def cached_fragment(template_name, *, key, context):
    """
    Return `template_name` rendered with `context()` (a callable, called only on a miss), kept
    under `key`: a tuple of everything the fragment depends on. Today's date is added, as
    deadlines are reckoned from it.
    """
    parts = (template_name, timezone.localdate().isoformat(), *key)
    # Hashed: slugs, query strings and datetimes hold characters some caches refuse in keys.
    cache_key = "fragment:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    html = cache.get(cache_key)
    if html is None:
        html = render_to_string(template_name, context())
        cache.set(cache_key, html, CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our own template, escaped there
