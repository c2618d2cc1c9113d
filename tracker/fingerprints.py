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

from evidence.models import EvidenceFile
from recommendations.models import (
    OfficeHolder,
    Organisation,
    RecipientGroup,
    Recommendation,
    SuperComplaint,
)
from responses.models import (
    Chaser,
    ExtensionRequest,
    Response,
    ResponseReview,
    ResponseUpdate,
)

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
    # Without spaces (timestamps as ISO 8601): the figures' cache keys hold these as they are,
    # and some cache backends refuse spaces in keys.
    return tuple("@".join(str(value).replace(" ", "T") for value in row[1:]) for row in found)


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


def _summaries(parts):
    """
    One row per (model, where, params[, latest]) of `parts`: how many rows match, their
    greatest pk and their latest change (`latest`, by default the greatest `updated_at`), as
    one query.
    """
    rows, all_params = [], []
    for n, (model, where, params, *latest) in enumerate(parts):
        latest = latest[0] if latest else f"MAX({quote('updated_at')})"
        # The latest change as text: UNION ALL wants one type per column, and some tables
        # stand in a number for it.
        rows.append(
            f"SELECT {n}, COUNT(*), MAX({quote('id')}), CAST({latest} AS TEXT) "
            f"FROM {_table(model)}{' WHERE ' + where if where else ''}"
        )
        all_params += params
    return _run(rows, all_params)


def scope_fingerprint(*, super_complaint_id=None, recommendation_id=None):
    """
    What the cells of one super-complaint's matrix (or one recommendation's comparison) are
    drawn from: its responses (and for a recommendation their updates), its recommendations
    and their recipient groups, and the organisations. Index look-ups over the rows in scope
    only, so a publication elsewhere keeps what was kept. The recipient links have no
    timestamps: the sum of their pks stands in for the latest change.
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
    parts = [
        (Response, f"{quote('recommendation_id')} {in_scope}", [param]),
        (links, f"{link_recommendation} {in_scope}", [param], f"SUM({quote('id')})"),
        (Organisation, "", []),
    ]
    if recommendation_id is None:
        parts.append((Recommendation, f"{quote('super_complaint_id')} = %s", [param]))
    else:
        # A recommendation's page also says which of the reader's own responses has an update
        # awaiting sign-off: an update submitted changes no response.
        parts.append((
            ResponseUpdate,
            f"{quote('response_id')} IN (SELECT {quote('id')} FROM {_table(Response)} "
            f"WHERE {quote('recommendation_id')} = %s)",
            [param],
        ))
    return _summaries(parts)


def response_fingerprint(*, recommendation, organisation, response_id):
    """
    What one response's page is drawn from: the response (None when nobody has written one
    yet), its updates, their files, its reviews, requests for more time and chasing letters,
    and the recommendation, its super-complaint and the organisation (due dates, the priority
    mark). The history comes from the audit log, which gains an entry only when one of these
    rows is saved or deleted. One query of index look-ups.
    """
    by_response = f"{quote('response_id')} = %s"
    of_response = [response_id or 0]
    updates = (
        f"{quote('update_id')} IN (SELECT {quote('id')} FROM {_table(ResponseUpdate)} "
        f"WHERE {by_response})"
    )
    by_pk = f"{quote('id')} = %s"
    return _summaries([
        (Response, by_pk, of_response),
        (ResponseUpdate, by_response, of_response),
        (EvidenceFile, updates, of_response),
        (ResponseReview, by_response, of_response),
        (ExtensionRequest, by_response, of_response),
        (Chaser, by_response, of_response),
        (Recommendation, by_pk, [recommendation.pk]),
        (SuperComplaint, by_pk, [recommendation.super_complaint_id]),
        (Organisation, by_pk, [organisation.pk]),
    ])
