"""
The fingerprints of kept pages, by their old names: each is now one of core.caching's scopes,
whose parts the apps register. Kept until every caller asks core.caching directly.
"""

from django.db.models import Max

from core.caching import fingerprint


def data_fingerprint():
    """The "data" scope: every response, request for more time, letter and the reference data."""
    return fingerprint("data")


def responses_fingerprint():
    """
    The responses' greatest pk and latest change (two index look-ups): what the national and
    regional figures are counted from, and recounted since (figures.partitioned_counts).
    """
    from responses.models import Response

    latest = Response.objects.order_by().aggregate(last=Max("pk"), changed=Max("updated_at"))
    return (latest["last"], latest["changed"].isoformat() if latest["changed"] else "")


def scope_fingerprint(*, super_complaint_id=None, recommendation_id=None):
    """The "super_complaint" scope (the matrix) or the "recommendation" one (the comparison)."""
    if recommendation_id is not None:
        return fingerprint("recommendation", recommendation=recommendation_id)
    return fingerprint("super_complaint", super_complaint=super_complaint_id)


def response_fingerprint(*, recommendation, organisation, response_id):
    """The "response" scope: one response's page (`response_id` None before it exists)."""
    return fingerprint(
        "response", response=response_id or 0, recommendation=recommendation.pk,
        super_complaint=recommendation.super_complaint_id, organisation=organisation.pk,
    )
