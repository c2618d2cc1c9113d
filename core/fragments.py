"""
Rendered parts of pages kept in Django's cache, rendered once rather than on every request. Each
key holds what the part is drawn from (a scope of `core.caching`), so a publication, review, import
or edit shows at once.

- `cached_fragment`: the long lists and tables that are the same for every reader. Rendered
  without the request, so no context processor runs and the template sees neither `user` nor
  `request`: what it shows cannot depend on who reads it.
- `cached_for_reader`: a part that depends on who reads it (their need to know, the actions
  their role allows), kept under a key that says how, with its forms' CSRF token put in afresh
  on every response (`with_fresh_csrf_token`, which public.caching uses for whole pages too).

A part drawn from the query string is kept only for the addresses the page's own links and
forms make (`only_valid_choices`): every other address (a made-up parameter, free text, a
value no choice offers, a page that does not exist) is rendered afresh and never kept, so
nobody can fill the cache by making up addresses.
"""

import hmac
from contextlib import contextmanager

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core.caching import cache_key as build_cache_key


def only_valid_choices(query, *, form=None, page=None, layout=None, others_allowed=False):
    """
    Whether a page drawn for `query` (request.GET) is one worth keeping: each of its
    parameters is a field of `form` (a filterset's, bound to `query`), `page` or a `layout`
    option, given once and holding a value the page offers:

    - a choice of the field, or nothing (the "any" option); a multiple choice holds each value
      once, in the order of its choices, as the page's form sends them;
    - free text (a search) kept only empty: any words are rendered afresh;
    - `page` (the Page served) only its own number: no page beyond the last, no "01";
    - a `layout` option ({name: allowed values}) one of its values.

    `others_allowed`: parameters the page does not know are let through, for a part kept under
    the known ones alone (a table inside a page).
    """
    if not query:
        return True
    fields = form.fields if form is not None else {}
    if fields and not form.is_valid():
        return False
    layout = layout or {}
    for name, values in query.lists():
        if name in fields:
            valid = _offered(fields[name], values)
        elif name in layout:
            valid = len(values) == 1 and values[0] in layout[name]
        elif name == "page" and page is not None:
            valid = values == [str(page.number)]
        else:
            valid = others_allowed
        if not valid:
            return False
    return True


def _offered(field, values):
    """Whether `values` (of a valid form) are what the page's form sends for `field`."""
    if isinstance(field, forms.MultipleChoiceField):
        offered = [str(value) for value, _ in field.choices]
        if not all(value in offered for value in values):
            return False
        positions = [offered.index(value) for value in values]
        return positions == sorted(set(positions))
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
        # The form checked the value against the choices.
        return len(values) == 1
    return values == [""]


def cached_fragment(template_name, *, key, context, keep=True, fingerprint=None):
    """
    Return `template_name` rendered with `context()` (a callable, called only on a miss), kept
    under `key`: a tuple of everything the fragment depends on. Today's date is added, as
    deadlines are reckoned from it.

    `keep`: False, rendered afresh and not kept; or a callable given the context on a miss,
    saying whether what it drew is worth keeping (`only_valid_choices` of the filters the
    context built), so checking the query costs nothing on a hit.

    `fingerprint`: the scope's fingerprint, when `key` holds it, for a part that every
    publication redraws and that takes long to draw (the dashboards, the overview): while one
    process redraws it, the others serve the part as it was just before rather than each
    drawing it too (`while_redrawn`).
    """
    return cached_fragments(
        (template_name,), key=key, context=context, keep=keep, fingerprint=fingerprint
    )[0]


def cached_fragments(template_names, *, key, context, keep=True, fingerprint=None):
    """
    `cached_fragment` for several parts of one page drawn from the same context (a dashboard's
    top and its figures, apart on the page): a tuple of them, kept together, so a hit is one
    read of the cache and a publication one redraw of them all.
    """
    if _never_kept(keep):
        values = context()
        return tuple(mark_safe(render_to_string(name, values)) for name in template_names)  # noqa: S308
    names = "+".join(template_names)
    cache_key = _cache_key("fragment", names, (*key, *(fingerprint or ())))
    drawn = cache.get(cache_key)
    if drawn is None and fingerprint is not None:
        with while_redrawn(_cache_key("fragment-latest", names, key)) as latest:
            if latest.waiting is not None:
                drawn = latest.waiting
            else:
                drawn, kept = _draw_and_keep(template_names, context, keep, cache_key)
                if kept:
                    latest.drawn = drawn
    elif drawn is None:
        drawn, _ = _draw_and_keep(template_names, context, keep, cache_key)
    # Rendered by our own templates, escaped there.
    return tuple(mark_safe(html) for html in drawn)  # noqa: S308


def _draw_and_keep(template_names, context, keep, cache_key):
    """Draw the parts; keep them if worth keeping. Returns (the parts, whether kept)."""
    values = context()
    drawn = tuple(render_to_string(name, values) for name in template_names)
    kept = _worth_keeping(keep, values)
    if kept:
        cache.set(cache_key, drawn, settings.PAGE_CACHE_SECONDS)
    return drawn, kept


# How long a redraw may hold its lock: past it (a process that died drawing) another draws.
REDRAW_LOCK_SECONDS = 10


class _Latest:
    waiting = None  # the part as last drawn, when another process is drawing it now
    drawn = None  # the part this process drew


@contextmanager
def while_redrawn(lineage):
    """
    Guard against a stampede when a publication makes a kept part stale: the first process to
    miss takes a lock (`cache.add`, atomic in Redis) and draws; a process that misses while
    the lock is held gets the part as last drawn (`waiting`), at most the redraw's duration
    old, and keeps nothing. With nothing drawn before, or with a cache of its own (one process,
    the tests), it draws as usual. Only what was drawn for the same key but an older
    fingerprint (`lineage`) is ever served: never another page's or another reader's part.
    """
    latest = _Latest()
    lock = f"{lineage}:drawing"
    drawing = cache.add(lock, 1, REDRAW_LOCK_SECONDS)
    if not drawing:
        latest.waiting = cache.get(lineage)
    try:
        yield latest
        if latest.drawn is not None:
            cache.set(lineage, latest.drawn, settings.PAGE_CACHE_SECONDS)
    finally:
        if drawing:
            cache.delete(lock)


def _never_kept(keep):
    return not callable(keep) and not keep


def _worth_keeping(keep, values):
    return keep(values) if callable(keep) else bool(keep)


def _cache_key(kind, template_name, key):
    return build_cache_key(kind, template_name, *key)


def csrf_placeholder():
    """
    What a kept part or page carries where its forms' CSRF token goes: derived from SECRET_KEY,
    so the same in every process and not a string anyone could type into a narrative.
    """
    return hmac.new(settings.SECRET_KEY.encode(), b"csrf-placeholder", "sha256").hexdigest()


def with_fresh_csrf_token(request, content):
    """
    `content` (text or bytes, rendered with `csrf_placeholder()` as its forms' token) with a
    token masked afresh for `request` (`get_token`) in the placeholder's place, as Django does
    against BREACH: no two responses carry the same token, and none carries another session's.
    Content without a form is returned as it is, and sets no CSRF cookie.
    """
    placeholder = csrf_placeholder()
    if isinstance(content, bytes):
        placeholder = placeholder.encode()
        if placeholder not in content:
            return content
        return content.replace(placeholder, get_token(request).encode())
    if placeholder not in content:
        return content
    return content.replace(placeholder, get_token(request))


def cached_for_reader(request, template_name, *, key, context, keep=True):
    """
    Return `template_name` rendered for `request` with `context()` (a callable, called only on
    a miss), kept under `key`: a tuple of everything the part depends on, the reader included
    (who they are, or what they may see and do). Today's date is added. `keep` as for
    `cached_fragment`.

    Rendered with the request, so the template may show what depends on the reader: the key
    must say how. Its forms are rendered with a placeholder for the CSRF token, replaced on
    every response by a token masked afresh (`get_token`), as Django does against BREACH: no
    two responses carry the same token, and none carries another session's.
    """
    if _never_kept(keep):
        return render_to_string(template_name, context(), request=request)
    cache_key = _cache_key("reader", template_name, key)
    html = cache.get(cache_key)
    placeholder = csrf_placeholder()
    if html is None:
        values = context()
        html = render_to_string(
            template_name, {**values, "csrf_token": placeholder}, request=request
        )
        if _worth_keeping(keep, values):
            cache.set(cache_key, html, settings.PAGE_CACHE_SECONDS)
    # Escaped in the template as anything else, and a hex string escapes to itself.
    return mark_safe(html.replace(placeholder, get_token(request)))  # noqa: S308
