"""
Rendered parts of pages kept in Django's cache: the long lists and tables that are the same for
every reader, rendered once rather than on every request.

A fragment is rendered without the request, so no context processor runs and the template
sees neither `user` nor `request`: what it shows cannot depend on who reads it. Its key holds
what it is drawn from (`data_fingerprint`), so a publication, review, import or edit shows at
once.
"""

import hashlib

from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from recommendations.models import (
    OfficeHolder,
    Organisation,
    RecipientGroup,
    Recommendation,
    SuperComplaint,
)
from responses.models import Response
from responses.selectors.figures import CACHE_SECONDS

# What the kept pages show: responses (their current position, review and dates), the
# recommendations, and the reference data (reports, organisations, office holders, recipient
# groups that decide who is expected to answer).
COUNTED_MODELS = (Recommendation, SuperComplaint, Organisation, OfficeHolder, RecipientGroup)


def data_fingerprint():
    """
    What the data of the kept pages looks like now, in one query: for the responses the latest
    pk and the latest change (two index look-ups, as `progress_fingerprint`: any publication,
    review or new response changes them); for the smaller tables their row count and latest
    change, so an edit, addition or deletion in the admin changes it too. A response deleted in
    the admin shows within `CACHE_SECONDS`.
    """
    quote = connection.ops.quote_name

    def latest_change(model, first):
        return (f"SELECT {len(parts)}, {first}, MAX({quote('updated_at')}) "
                f"FROM {quote(model._meta.db_table)}")

    parts = []
    parts.append(latest_change(Response, f"MAX({quote('id')})"))
    for model in COUNTED_MODELS:
        parts.append(latest_change(model, "COUNT(*)"))
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        rows = sorted(cursor.fetchall())
    return tuple(f"{number}@{changed}" for _, number, changed in rows)


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
