"""
Awaited national guidance: what organisations say they are waiting for, and whether it has landed.

An update with the status "Awaiting national guidance" names a recommendation it waits for, a
national body, or both (or only describes it in words, which nothing can match). Whether the
awaited thing has *landed* is computed here from the data at read time, never stored, so it
cannot drift:

- a recommendation named: a national body publishes an update on that recommendation, or a
  reviewer closes a national body's response to it (evidence accepted); when a body is named as
  well, only that body's response counts;
- only a body named: that body publishes an update on any recommendation of the same
  super-complaint as the waiting response (a body's work on other reports is not what the
  organisation waits for);
- the landing counts when it happened after the waiting update was published. The flag stays
  until the organisation publishes a newer update (its current update changes): a newer update
  that still awaits the same thing was written knowing the guidance, so it is not flagged again
  unless the guidance moves again later.

The date shown is the local date of the latest such publication (or closure).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from recommendations.models import Organisation, Recommendation

from ..choices import ReviewOutcome, Status, WorkflowState
from ..models import Response


@dataclass
class LandedGuidance:
    """A response whose current published update awaits something that has since landed."""

    response: Response  # with organisation and recommendation__super_complaint loaded
    update: object  # the current published update (awaited_recommendation, awaited_organisation)
    published_on: datetime.date


def awaited_recommendation_suggestion(*, recommendation):
    """
    The recommendation `recommendation` depends on ("pending the outcome of recommendation 2"),
    first in report order, to suggest as the one awaited; None when it depends on none. 1 query.
    """
    return (
        recommendation.depends_on.select_related("super_complaint")
        .order_by("super_complaint__pk", "order", "number")
        .first()
    )


_RECOMMENDATION = ("number", "super_complaint_id", "super_complaint__slug",
                   "super_complaint__short_title", "super_complaint__title")
WAITING_FIELDS = (
    "organisation_id", "recommendation_id", "current_update_id", "current_status",
    "organisation__slug", "organisation__name", "organisation__short_name",
    "organisation__kind",
    *(f"recommendation__{name}" for name in _RECOMMENDATION),
    "current_update__awaited_recommendation_id", "current_update__awaited_organisation_id",
    "current_update__awaiting", "current_update__signed_off_at", "current_update__created_at",
    *(f"current_update__awaited_recommendation__{name}" for name in _RECOMMENDATION),
    "current_update__awaited_organisation__name",
)


def _waiting(responses):
    """The responses of `responses` whose current published update names what it awaits."""
    return list(
        responses.filter(current_status=Status.AWAITING_NATIONAL, current_update__isnull=False)
        .filter(
            Q(current_update__awaited_recommendation__isnull=False)
            | Q(current_update__awaited_organisation__isnull=False)
        )
        .select_related(
            "organisation",
            "recommendation__super_complaint",
            "current_update__awaited_recommendation__super_complaint",
            "current_update__awaited_organisation",
        )
        # What the flags, links and digests show: narratives and recommendation texts stay in
        # the database (they made this read three times slower at national scale).
        .only(*WAITING_FIELDS)
        .order_by("recommendation__super_complaint__pk", "recommendation__order",
                  "organisation__name")
    )


def _landings(waiting):
    """
    Return {(recommendation id, organisation id): (when, super-complaint id)}: the latest
    publication (or closure) by a national body on each response that could be awaited. 1 query.
    """
    recommendation_ids = set()
    body_ids = set()
    super_complaint_ids = set()
    for response in waiting:
        update = response.current_update
        if update.awaited_recommendation_id:
            recommendation_ids.add(update.awaited_recommendation_id)
        elif update.awaited_organisation_id:
            body_ids.add(update.awaited_organisation_id)
            super_complaint_ids.add(response.recommendation.super_complaint_id)
    rows = (
        Response.objects.filter(organisation__kind=Organisation.Kind.NATIONAL_BODY)
        .filter(
            Q(recommendation_id__in=recommendation_ids)
            | Q(
                organisation_id__in=body_ids,
                recommendation__super_complaint_id__in=super_complaint_ids,
            )
        )
        .annotate(
            last_published=Max(
                Coalesce("updates__signed_off_at", "updates__created_at"),
                filter=Q(updates__state=WorkflowState.PUBLISHED),
            )
        )
        .order_by()
        .values_list(
            "recommendation_id", "organisation_id", "recommendation__super_complaint_id",
            "last_published", "review_outcome", "reviewed_at",
        )
    )
    landings = {}
    for recommendation_id, organisation_id, super_complaint_id, published, outcome, reviewed \
            in rows:
        moments = [published]
        if outcome == ReviewOutcome.CLOSED:
            moments.append(reviewed)
        moments = [moment for moment in moments if moment is not None]
        if moments:
            landings[(recommendation_id, organisation_id)] = (max(moments), super_complaint_id)
    return landings


def _landed_at(response, landings):
    """When what `response`'s current update awaits last landed, or None."""
    update = response.current_update
    awaited_recommendation_id = update.awaited_recommendation_id
    awaited_organisation_id = update.awaited_organisation_id
    candidates = []
    for (recommendation_id, organisation_id), (moment, super_complaint_id) in landings.items():
        if organisation_id == response.organisation_id:
            continue
        if awaited_recommendation_id:
            if recommendation_id != awaited_recommendation_id:
                continue
            if awaited_organisation_id and organisation_id != awaited_organisation_id:
                continue
        elif (
            organisation_id != awaited_organisation_id
            or super_complaint_id != response.recommendation.super_complaint_id
        ):
            continue
        candidates.append(moment)
    if not candidates:
        return None
    latest = max(candidates)
    said_at = update.signed_off_at or update.created_at
    return latest if latest > said_at else None


def _landed(responses):
    waiting = _waiting(responses)
    if not waiting:
        return []
    landings = _landings(waiting)
    landed = []
    for response in waiting:
        moment = _landed_at(response, landings)
        if moment is not None:
            landed.append(
                LandedGuidance(
                    response=response,
                    update=response.current_update,
                    published_on=timezone.localdate(moment),
                )
            )
    return landed


def guidance_landed(*, organisation_ids):
    """
    The responses of the given organisations whose awaited guidance has landed, in report order
    (a list of LandedGuidance). 2 queries (1 when none of them awaits a recommendation or body).
    """
    return _landed(Response.objects.filter(organisation_id__in=list(organisation_ids)))


def guidance_landed_on_response(*, response):
    """
    The LandedGuidance of one response, or None. No query unless its current status is
    "Awaiting national guidance", then 2.
    """
    if response is None or response.current_status != Status.AWAITING_NATIONAL:
        return None
    landed = _landed(Response.objects.filter(pk=response.pk))
    return landed[0] if landed else None


def organisations_awaiting(*, super_complaint=None):
    """
    For each recommendation someone is waiting on: how many organisations' current published
    updates await it, most awaited first. `super_complaint` keeps the awaited recommendations of
    one super-complaint. Returns [(recommendation, count)]; 2 queries.
    """
    waiting = Response.objects.filter(
        current_status=Status.AWAITING_NATIONAL,
        current_update__awaited_recommendation__isnull=False,
    )
    if super_complaint is not None:
        waiting = waiting.filter(
            current_update__awaited_recommendation__super_complaint=super_complaint
        )
    counts = dict(
        waiting.order_by()
        .values("current_update__awaited_recommendation")
        .annotate(organisations=Count("organisation", distinct=True))
        .values_list("current_update__awaited_recommendation", "organisations")
    )
    recommendations = Recommendation.objects.filter(pk__in=list(counts)).select_related(
        "super_complaint"
    )
    return sorted(
        ((recommendation, counts[recommendation.pk]) for recommendation in recommendations),
        key=lambda pair: (-pair[1], pair[0].super_complaint.short_title, pair[0].order),
    )


def guidance_landed_with(*, update):
    """
    The responses whose awaited guidance lands with `update`, a national body's publication:
    their current position awaits its recommendation (and this body, or any), or this body on
    the same super-complaint, and says so from before it (the rule of `_landed`, applied to
    them). A list of LandedGuidance; 3 queries at most.
    """
    response = update.response
    candidates = Response.objects.filter(
        Q(
            current_update__awaited_recommendation_id=response.recommendation_id,
        ) & (
            Q(current_update__awaited_organisation__isnull=True)
            | Q(current_update__awaited_organisation_id=response.organisation_id)
        )
        | Q(
            current_update__awaited_recommendation__isnull=True,
            current_update__awaited_organisation_id=response.organisation_id,
            recommendation__super_complaint_id=response.recommendation.super_complaint_id,
        )
    ).exclude(organisation_id=response.organisation_id)
    return _landed(candidates)
