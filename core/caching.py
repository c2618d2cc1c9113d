"""
The one owner of what the site keeps in Django's cache, and of when it stops being true.

Scopes. Whatever is kept is keyed on the fingerprint of the scopes it is drawn from: "data"
(every response and the reference data: the lists, dashboards, overview, public pages),
"organisations" (a few organisations' responses, the national bodies' whose guidance they may
await, and the reference data: what home and an organisation's page say of their own),
"super_complaint" (one super-complaint's matrix), "recommendation" (one recommendation's
comparison) and "response" (one response's page). The narrower the scope, the fewer writes
change it: a publication anywhere changes "data", but an organisation's own summaries only
when that organisation (or a national body) publishes, which is what keeps the pages fast
while publications keep coming (docs/benchmarks.md, churn). A fingerprint is read from the tables
themselves, in one query of index look-ups, so any write shows on the next read, whoever
makes it (a service, the admin, an import, a script): nothing has to remember to invalidate.

Each app says which of its tables make up which scope, in its AppConfig.ready()
(`register_part`), so this module imports no feature app. Forgetting to register a table a
page shows is caught by the table-driven test of cached pages (tests/test_cached_pages.py).

Keys. `cache_key` is the one key builder (hashed: fingerprints hold characters some cache
backends refuse in keys) and PAGE_CACHE_SECONDS the one time to live: the most a change no
fingerprint sees (none is known) could show late. Every key also holds the code's version
(`code_version`), so a page kept by one release is never served by the next.
"""

import functools
import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone


@dataclass(frozen=True)
class Part:
    """
    One table's share of a scope's fingerprint: the rows of `model` matching `where` (SQL with
    `%s` placeholders for the scope's `arguments`, in order; `quoted` quotes a name for it; an
    argument given as a list stands for that many placeholders, for `IN (%s)`),
    summed up as `summary`: "rows" (count, greatest pk, latest change), "latest"
    (greatest pk and latest change, two index look-ups on a large table) or "links" (count
    and sum of pks, for a many-to-many table without timestamps).
    """

    model: type
    where: str = ""
    arguments: tuple = ()
    summary: str = "rows"


_PARTS = defaultdict(list)

_SUMMARIES = {
    "rows": "COUNT(*), MAX({id}), CAST(MAX({updated_at}) AS TEXT)",
    "latest": "0, MAX({id}), CAST(MAX({updated_at}) AS TEXT)",
    "links": "COUNT(*), SUM({id}), ''",
}


def register_part(scope, model, *, where="", arguments=(), summary="rows"):
    """Add `model`'s rows (those matching `where`) to what `scope`'s fingerprint reads."""
    if summary not in _SUMMARIES:
        raise ValueError(f"summary must be one of {sorted(_SUMMARIES)}")
    part = Part(model, where, tuple(arguments), summary)
    if part not in _PARTS[scope]:
        _PARTS[scope].append(part)


def parts(scope):
    """The parts registered for `scope` (for the tests and the docs)."""
    return list(_PARTS[scope])


def _sql(part, number):
    quote = connection.ops.quote_name
    table = quote(part.model._meta.db_table)
    summary = _SUMMARIES[part.summary].format(id=quote("id"), updated_at=quote("updated_at"))
    return f"SELECT {number}, {summary} FROM {table}" + (
        f" WHERE {part.where}" if part.where else ""
    )


def quoted(name_or_model):
    """A column name, or a model's table, quoted for the database, for a part's `where`."""
    name = getattr(getattr(name_or_model, "_meta", None), "db_table", name_or_model)
    return connection.ops.quote_name(name)


def fingerprint(*scopes, **arguments):
    """
    What the named scopes' rows look like now, as a tuple of short strings: one query, one row
    per registered part. `arguments` give the scopes' parameters (super_complaint=pk, ...).
    """
    return tuple(value for scope in fingerprints(*scopes, **arguments).values() for value in scope)


def fingerprints(*scopes, **arguments):
    """
    {scope: its fingerprint} for each named scope, read in one query: for a page whose parts
    are kept under different scopes. A part two scopes share (the reference data) is read once.
    """
    rows, owners = [], []
    numbers = {}  # part: its row's number
    for scope in scopes:
        if scope not in _PARTS:
            raise KeyError(f"no part is registered for the scope {scope!r}")
        for part in _PARTS[scope]:
            if part in numbers:
                owners[numbers[part]].append(scope)
                continue
            numbers[part] = len(rows)
            pieces = _sql(part, len(rows)).split("%s")
            sql = pieces[0]
            for name, piece in zip(part.arguments, pieces[1:], strict=True):
                sql += _literal(arguments[name]) + piece
            rows.append(sql)
            owners.append([scope])
    with _cursor() as cursor:
        cursor.execute(" UNION ALL ".join(rows))
        found = sorted(cursor.fetchall())
    result = {scope: [] for scope in scopes}
    for row in found:
        # Without spaces (timestamps as ISO 8601): keys built from these stay readable in logs.
        summary = "@".join(str(value).replace(" ", "T") for value in row[1:])
        for scope in owners[row[0]]:
            result[scope].append(summary)
    return {scope: tuple(values) for scope, values in result.items()}


def _literal(value):
    """
    A scope's argument (a pk, or a list of pks) written into the query: only whole numbers,
    so nothing else can reach the SQL. Never an empty IN (): no row has the pk 0.
    """
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(int(pk)) for pk in sorted(value)) or "0"
    return str(int(value))


@functools.cache
def _preparing_cursor():
    """psycopg's cursor that binds on the server, keeping its query for Django's log."""
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        def _send_query_prepared(self, name, pgq, *, binary=None):
            # psycopg keeps no query after running a prepared one, and Django's log reads it
            # there (psycopg 3.3, pinned).
            self._query = pgq
            return super()._send_query_prepared(name, pgq, binary=binary)

    return PreparingCursor


# Run this many times on a connection, the fingerprint query is prepared (`_cursor`).
PREPARE_AFTER = 2


def _cursor():
    """
    A cursor for the fingerprint query. On PostgreSQL, one psycopg may prepare (Django's own
    cursors bind in the client, which it never prepares): planning a dozen unions takes 1.2
    of the query's 1.7 ms at national scale, so a query a connection has run `PREPARE_AFTER`
    times is prepared and its plan, generic as the query holds no parameter, reused (0.45 ms).
    psycopg keeps the 100 most used per connection. Wrapped as Django wraps its own cursors,
    so the query is logged and counted as any other.
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    # Django turns preparing off for the connection (None); only this cursor binds on the
    # server, so only this query is ever prepared.
    connection.connection.prepare_threshold = PREPARE_AFTER
    return connection._prepare_cursor(_preparing_cursor()(connection.connection))


# What the code that draws a kept page is made of: our apps' Python, the templates, and the built
# static files (a kept page names them; the next release may name others).
_SOURCE_SUFFIXES = (".py", ".html", ".txt", ".css", ".js", ".mjs", ".json")


def _source_folders():
    base = Path(settings.BASE_DIR)
    # Our apps, not the libraries installed in a virtualenv inside the project's folder.
    ours = [Path(config.path) for config in apps.get_app_configs()
            if Path(config.path).is_relative_to(base)
            and "site-packages" not in Path(config.path).parts]
    return sorted({*ours, base / "templates", base / "static" / "build"})


@functools.cache
def code_version():
    """
    The version of the code, in every cache key: the RELEASE setting where the deployment names
    it, otherwise a digest of the source files (a few milliseconds, once a process). During a
    rolling release the old and new servers share the cache but never each other's pages: a
    page kept by the old code names static files and shows fields the new code may not have.
    """
    if settings.RELEASE:
        return settings.RELEASE
    digest = hashlib.sha256()
    for root in _source_folders():
        for folder, folders, files in os.walk(root):
            folders.sort()
            for name in sorted(files):
                if name.endswith(_SOURCE_SUFFIXES):
                    path = Path(folder, name)
                    digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                    digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def cache_key(kind, *parts):
    """The key of something kept: its kind, the code's version, today's date (deadlines are
    reckoned from it) and `parts`, everything it depends on."""
    key = (kind, code_version(), timezone.localdate().isoformat(), *parts)
    return f"{kind}:" + hashlib.sha256(repr(key).encode()).hexdigest()


def kept(key, build, seconds=None, *, keep=None):
    """
    The value kept under `key`, or `build()` kept there for PAGE_CACHE_SECONDS (unless
    `keep(value)` says it is not worth keeping).
    """
    value = cache.get(key)
    if value is None:
        value = build()
        if keep is None or keep(value):
            cache.set(key, value, settings.PAGE_CACHE_SECONDS if seconds is None else seconds)
    return value


def found_by_address(address, find, fingerprint_of, *, keep=None):
    """
    (`find()`, `fingerprint_of` it): what a page's address names (a recommendation, a
    response, an organisation), found once and kept under `address` with the fingerprint it
    was found at, and that fingerprint, which the page's parts are kept under anyway. While
    the fingerprint read now is the same, what was found stands (no query to find it); it must
    therefore read the very rows found, by pk, so that a new slug or number, or any change to
    them, finds it afresh. `keep(found)`: whether it is worth keeping (default: always).
    """
    key = cache_key("found", *address)
    kept = cache.get(key)
    if kept is not None:
        found, found_at = kept
        now = fingerprint_of(found)
        if now == found_at:
            return found, now
    found = find()
    now = fingerprint_of(found)
    if keep is None or keep(found):
        cache.set(key, (found, now), settings.PAGE_CACHE_SECONDS)
    return found, now


def cached_figures(parts, compute, *, keep=None):
    """
    A value computed from the data (figures, counts), kept under `parts` (which hold the
    fingerprints it depends on). `keep`: a callable given the value computed, saying whether it
    is worth keeping (a page number past the last is computed, never kept under that number).
    """
    return kept(cache_key("figures", *parts), compute, keep=keep)
