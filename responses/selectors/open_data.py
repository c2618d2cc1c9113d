"""
Reads for the open-data API (api/). Each returns a queryset the API filters and paginates;
a page of any size costs the same number of queries.

What a caller may read is `ResponseUpdateQuerySet.readable_by`: signed-in callers every
published update, anonymous callers only published, public, OFFICIAL ones. A response appears
only if the caller may read at least one of its updates, and its current position is the latest
of those, so nothing a signed-out caller may not read shows through its status either.
"""

from django.db.models import F, OuterRef, Prefetch, Subquery
from django.utils import timezone

from accounts import permissions
from recommendations.models import Organisation, Recommendation, SuperComplaint
from recommendations.selectors import expected_organisations_by_recommendation

from ..choices import ReviewOutcome
from ..deadlines import deadline_state, due_date, due_dates_by_kind
from ..models import Response, ResponseUpdate

LATEST_FIRST = ("-as_of", "-created_at", "-pk")


def super_complaints():
    return SuperComplaint.objects.order_by("slug")


def organisations():
    return Organisation.objects.select_related("paired").order_by("slug")


def recommendations():
    return (
        Recommendation.objects.select_related("super_complaint")
        .prefetch_related("recipient_groups", "depends_on")
        .order_by("super_complaint__slug", "order", "number")
    )


def with_expected_organisations(recommendations):
    """
    Give each recommendation `expected_slugs` and `due_dates` (one per kind of organisation
    expected, `deadlines.due_dates_by_kind`); two queries for any number of them.
    """
    recommendations = list(recommendations)
    expected = expected_organisations_by_recommendation(recommendations)
    for recommendation in recommendations:
        organisations = expected.get(recommendation.pk, [])
        recommendation.expected_slugs = [o.slug for o in organisations]
        recommendation.due_dates = due_dates_by_kind(
            recommendation=recommendation, kinds={o.kind for o in organisations}
        )
    return recommendations


def latest_first(responses):
    """Sort each response's `visible_updates` newest first, as the timeline shows them."""
    for response in responses:
        response.visible_updates.sort(
            key=lambda u: (u.as_of, u.created_at, u.pk), reverse=True
        )
    return responses


def with_details_withheld(responses, *, user):
    """
    Flag each response `details_withheld` when its lead and portal reference are not the
    caller's to read: a signed-out caller never reads them (they come from whichever update
    was published last, public or not); a signed-in one not when that update is
    OFFICIAL-SENSITIVE and they have no need to know (comparison.withhold_sensitive_text).
    """
    responses = list(responses)
    signed_in = user is not None and user.is_authenticated
    readable = permissions.sensitive_readable_organisation_ids(user) if signed_in else set()
    for response in responses:
        response.details_withheld = not signed_in or permissions.withholds(
            readable, response.organisation_id, getattr(response, "current_marking", "")
        )
    return responses


def with_deadlines(responses, *, user):
    """
    Sort each response's updates newest first and give it its `deadline`
    (`deadlines.deadline_state`), from what the caller may
    read: signed out, the first and latest public updates stand for the response's own
    publication dates, so the state reveals nothing about updates they may not read.
    """
    today = timezone.localdate()
    signed_in = user is not None and user.is_authenticated
    for response in latest_first(responses):
        if signed_in:
            first_published_on = response.first_published_on
        else:
            first_published_on = min(
                (u.signed_off_at.date() if u.signed_off_at else u.as_of
                 for u in response.visible_updates),
                default=None,
            )
        response.deadline = deadline_state(
            due_on=due_date(
                recommendation=response.recommendation, kind=response.organisation.kind,
                extended_to=response.extended_due_on,
            ),
            first_published_on=first_published_on,
            last_published_on=response.position_on,
            status=response.position_status,
            closed=response.review_outcome == ReviewOutcome.CLOSED,
            today=today,
        )
    return responses


def responses(*, user):
    """
    Responses with `position_status`, `position_on` (and its `position_precision`) and
    `visible_updates` for `user`.
    """
    readable = ResponseUpdate.objects.readable_by(user)
    queryset = Response.objects.select_related("recommendation__super_complaint", "organisation")
    if user is not None and user.is_authenticated:
        # Every published update is readable: the current position is the response's own.
        queryset = queryset.filter(current_update__isnull=False).annotate(
            position_status=F("current_status"), position_on=F("current_status_on"),
            position_precision=F("current_status_precision"),
            current_marking=F("current_update__marking"),
        )
    else:
        # Responses with a readable update (a semi-join the count can use alone), each with
        # the latest of them as its position.
        latest = readable.filter(response=OuterRef("pk")).order_by(*LATEST_FIRST)
        queryset = queryset.filter(
            pk__in=Subquery(readable.order_by().values("response_id"))
        ).annotate(
            position_status=Subquery(latest.values("status")[:1]),
            position_on=Subquery(latest.values("as_of")[:1]),
            position_precision=Subquery(latest.values("as_of_precision")[:1]),
        )
    # Unordered in SQL, sorted in Python (`latest_first`): asked for in date order, the
    # database walks the whole (state, date) index of every update instead of looking up the
    # page's responses.
    return queryset.prefetch_related(
        Prefetch("updates", queryset=readable.order_by(), to_attr="visible_updates")
    ).order_by("recommendation_id", "organisation_id")  # the unique pair's index: no sort
