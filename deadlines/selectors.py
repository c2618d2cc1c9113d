"""
Reads of deadlines: every expected answer with its due date and deadline state.

The rules themselves are in `responses/deadlines.py`; this module only gathers the rows.
"""

import datetime
from dataclasses import dataclass

from accounts import permissions
from recommendations.models import Organisation, Recommendation
from recommendations.selectors import audiences_by_recommendation
from responses.deadlines import DeadlineState, due_date, response_deadline_state
from responses.models import Chaser, Response, response_urls

from . import chasing


@dataclass
class ExpectedResponse:
    """One organisation's expected answer to one recommendation, and where it stands."""

    recommendation: Recommendation  # with `super_complaint` loaded
    organisation: Organisation
    response: Response | None  # None: no row yet, which counts like nothing published
    due_on: datetime.date | None
    state: DeadlineState
    url: str  # the response page (it exists before the Response row does)


def expected_responses(
    *, organisation_ids=None, super_complaint=None, today, months=None, priority_only=False
):
    """
    Return every expected (recommendation, organisation) pair, as `ExpectedResponse` rows,
    ordered by organisation name, then super-complaint and recommendation order. 4 queries
    (1 when there is no organisation or no recommendation),
    whatever the number of rows.

    - `organisation_ids`: only these organisations (an iterable of pks); None for every one.
      Inactive organisations are never expected.
    - `super_complaint`: only its recommendations (a SuperComplaint); None for all.
    - `priority_only`: only the recommendations a national reviewer marked as priority.
    - `today`: the date the states are computed as of (`timezone.localdate()` on pages; a
      command such as a reminder digest passes the day it runs as).
    - `months`: the stale age; None reads `settings.STALE_AFTER_MONTHS`.

    Who is expected comes from the recommendations' recipient groups
    (`recommendations.selectors.audiences_by_recommendation`). A pair with no Response row, or
    one with nothing published, has `response.current_status == ""` or `response is None` and
    is "due" or "overdue" like any other. Filter the rows with the state's helpers:
    `row.state.is_overdue`, `row.state.is_stale`, `row.state.is_due_within(14)`.
    """
    organisations = Organisation.objects.active().order_by("name")
    if organisation_ids is not None:
        organisations = organisations.filter(pk__in=list(organisation_ids))
    organisations = list(organisations)
    recommendations = Recommendation.objects.select_related("super_complaint").in_order()
    if super_complaint is not None:
        recommendations = recommendations.filter(super_complaint=super_complaint)
    if priority_only:
        recommendations = recommendations.filter(priority=True)
    recommendations = list(recommendations)
    if not organisations or not recommendations:
        return []
    audiences = audiences_by_recommendation(recommendations)
    responses = Response.objects.filter(organisation__in=organisations).only(
        "pk",
        "recommendation_id",
        "organisation_id",
        "current_status",
        "current_status_on",
        "first_published_on",
        "review_outcome",
        "extended_due_on",
    )
    if super_complaint is not None:
        responses = responses.filter(recommendation__super_complaint=super_complaint)
    if priority_only:
        responses = responses.filter(recommendation__priority=True)
    by_pair = {(r.recommendation_id, r.organisation_id): r for r in responses.order_by()}

    url_makers = {r.pk: response_urls(r) for r in recommendations}
    rows = []
    for organisation in organisations:
        for recommendation in recommendations:
            if not audiences[recommendation.pk].includes(organisation.pk, organisation.kind):
                continue
            response = by_pair.get((recommendation.pk, organisation.pk))
            state = response_deadline_state(
                recommendation=recommendation, organisation=organisation, response=response,
                today=today, months=months,
            )
            rows.append(
                ExpectedResponse(
                    recommendation=recommendation,
                    organisation=organisation,
                    response=response,
                    due_on=state.due_on,
                    state=state,
                    url=url_makers[recommendation.pk](organisation),
                )
            )
    return rows


def next_chaser(*, target, reviewer, today):
    """
    The next step of the chasing ladder of `target` (a `responses.selectors.targets
    .ResponseTarget`) as `reviewer` would send it today: an unsaved Chaser with the steps sent
    before it (oldest first), so its letter can be read before it is sent (issue 21, item 5).
    Returns (chaser, previous, refusal): `refusal` is `chasing.chase_refusal`'s (message, code)
    when no step may be sent now, and `chaser` is then None. The same values as
    `services.chaser_send` records; it checks the rules again, with the response row locked.
    """
    previous = []
    if target.response is not None:
        previous = list(
            Chaser.objects.filter(response=target.response)
            .select_related("sent_by", "sent_from")
            .order_by("step")
        )
    last_step = previous[-1].step if previous else 0
    deadline = response_deadline_state(
        recommendation=target.recommendation, organisation=target.organisation,
        response=target.response, today=today,
    )
    refusal = chasing.chase_refusal(
        organisation=target.organisation, deadline=deadline,
        answered=chasing.is_answered(target.response), last_step=last_step,
    )
    if refusal is not None:
        return None, previous, refusal
    chaser = Chaser(
        response=target.response,
        step=chasing.next_step(last_step),
        sent_on=today,
        sent_by=reviewer,
        sent_from=Organisation.objects.get(pk=permissions.reviewing_body_id(reviewer)),
        due_on=deadline.due_on,
        original_due_on=due_date(
            recommendation=target.recommendation, kind=target.organisation.kind
        ),
    )
    return chaser, previous, None
