"""
What the data behind a cached page looks like now: the one home for the fingerprints under which
rendered pages, fragments and figures are kept (tracker.fragments, public.caching,
responses.selectors.figures). A publication, review, import, letter or admin edit changes the
fingerprint, so what was kept under the old one is never shown again: a stale figure after a
publish is a bug.

Each fingerprint is one query of index look-ups, written as SQL rather than ORM aggregates: it
runs on every read of a cached page, and compiling the equivalent querysets cost more than
running them. Each table gives one row (its row count or greatest pk, and its latest change),
so a row added, edited or deleted changes it, with one pass over each table's rows in scope.
"""

from django.db import connection
from django.db.models import Max

from recommendations.models import (
    OfficeHolder,
    Organisation,
    RecipientGroup,
    Recommendation,
    SuperComplaint,
)
from responses.models import Response

# What the kept pages show: responses (their current position, review and dates), the
# recommendations, and the reference data (reports, organisations, office holders, recipient
# groups that decide who is expected to answer).
COUNTED_MODELS = (Recommendation, SuperComplaint, Organisation, OfficeHolder, RecipientGroup)

quote = connection.ops.quote_name


def _table(model):
    return quote(model._meta.db_table)


def _run(rows, params=()):
    """Run `rows` (SELECTs of a number and values) as one query; their values, in order."""
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(rows), params)
        found = sorted(cursor.fetchall())
    return tuple("@".join(str(value) for value in row[1:]) for row in found)


def data_fingerprint():
    """
    Everything at once: for the responses the greatest pk and the latest change (two index
    look-ups: any publication, review or new response changes them), for the smaller tables
    their row count and latest change. A response deleted in the admin shows within the cache's
    lifetime (`CACHE_SECONDS`).
    """
    rows = [f"SELECT 0, MAX({quote('id')}), MAX({quote('updated_at')}) FROM {_table(Response)}"]
    rows += [
        f"SELECT {n}, COUNT(*), MAX({quote('updated_at')}) FROM {_table(model)}"
        for n, model in enumerate(COUNTED_MODELS, start=1)
    ]
    return _run(rows)


def responses_fingerprint():
    """
    The responses' greatest pk and latest change (two index look-ups; counting 60,000 responses
    took 15 ms): what the national and regional figures are counted from. Apart from the
    others, as figures.partitioned_counts recounts only what changed since: the responses with
    a greater pk or a later change.
    """
    latest = Response.objects.order_by().aggregate(last=Max("pk"), changed=Max("updated_at"))
    return (latest["last"], latest["changed"].isoformat() if latest["changed"] else "")


def scope_fingerprint(*, super_complaint_id=None, recommendation_id=None):
    """
    What the cells of one super-complaint's matrix (or one recommendation's comparison) are
    drawn from: its responses, its recommendations and their recipient groups, and the
    organisations. Index look-ups over the rows in scope only, so a publication elsewhere keeps
    what was kept. The recipient links have no timestamps: the sum of their pks stands in for
    the latest change.
    """
    links = Recommendation.recipient_groups.through
    link_recommendation = quote(links._meta.get_field("recommendation").column)
    if recommendation_id is not None:
        in_scope, param = "= %s", recommendation_id
    else:
        in_scope = (
            f"IN (SELECT {quote('id')} FROM {_table(Recommendation)} "
            f"WHERE {quote('super_complaint_id')} = %s)"
        )
        param = super_complaint_id

    def summary(model, latest=None):
        # How many rows, the greatest pk and the latest change (as text: UNION ALL wants one
        # type per column, and the links' stand-in is a number).
        latest = latest or f"MAX({quote('updated_at')})"
        return f"COUNT(*), MAX({quote('id')}), CAST({latest} AS TEXT) FROM {_table(model)}"

    link_latest = f"SUM({quote('id')})"
    rows = [
        f"SELECT 1, {summary(Response)} WHERE {quote('recommendation_id')} {in_scope}",
        f"SELECT 2, {summary(links, latest=link_latest)} "
        f"WHERE {link_recommendation} {in_scope}",
        f"SELECT 3, {summary(Organisation)}",
    ]
    params = [param, param]
    if recommendation_id is None:
        rows.append(
            f"SELECT 4, {summary(Recommendation)} WHERE {quote('super_complaint_id')} = %s"
        )
        params.append(param)
    return _run(rows, params)
