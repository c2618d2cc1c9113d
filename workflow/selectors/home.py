"""
Reads for the home page (DESIGN.md section 4, page 2): one function per panel, each a fixed
number of queries whatever the data size.
"""

import copy
import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from accounts import permissions
from core.caching import cached_figures, fingerprint, fingerprints
from evidence.selectors import evidence_awaiting_review
from recommendations.models import Recommendation
from recommendations.selectors import audiences_by_recommendation
from responses.choices import (
    EDITABLE_STATES,
    NO_RESPONSE,
    NO_RESPONSE_LABEL,
    Status,
    WorkflowState,
)
from responses.deadlines import due_date, priority_overdue_first, response_deadline_state
from responses.models import Response, ResponseUpdate, response_urls
from responses.selectors.guidance import guidance_landed

from .tasks import DUE_SOON_DAYS, TASK_LIMIT, home_tasks

# What a list of updates on the home page shows beside each one.
UPDATE_RELATED = ("response__organisation", "response__recommendation__super_complaint", "author")
RECENT_LIMIT = 10
REVIEW_LIMIT = 20
GAP_LIMIT = 20  # gaps and stale positions listed per organisation


@dataclass
class OrganisationSummary:
    organisation: object
    role: str
    status_counts: list  # [(code, label, count)], "No response yet" first
    applicable: int
    gaps: list  # the first GAP_LIMIT recommendations with nothing published: priority overdue,
    # then overdue, first
    stale: list = field(default_factory=list)  # the first GAP_LIMIT stale positions, oldest first
    gap_count: int = 0  # how many gaps in all
    stale_count: int = 0  # how many stale positions in all
    # The first TASK_LIMIT gaps overdue or due within DUE_SOON_DAYS, most urgent first, and how
    # many in all: the home page's task of the organisation's members (selectors.tasks).
    due_soon: list = field(default_factory=list)
    due_soon_count: int = 0


def summaries_fingerprint(memberships, own_progress=None):
    """
    What the organisation summaries of `memberships` are drawn from: the fingerprint of those
    organisations' answers and the reference data (`own_progress`, or read: 1 query), so
    another organisation's publication leaves them kept, and each organisation with its latest
    edit, so an edit of the organisation (kind, active) shows at once too.
    """
    own_progress = own_progress or fingerprint(
        "organisations", organisations=sorted(m.organisation_id for m in memberships)
    )
    return (
        *own_progress,
        # Hashed: a user of several organisations would pass the 250 characters a cache key
        # may have.
        hashlib.sha256(
            " ".join(
                f"{m.organisation_id}@{m.organisation.updated_at.isoformat()}" for m in memberships
            ).encode()
        ).hexdigest(),
    )


def organisation_summaries(*, memberships, fingerprint=None):
    """
    For each of the user's organisations: how many recommendations apply, how many are at each
    status, and the gaps (nothing published yet), priority overdue first, then overdue.

    The same for every member of an organisation, so kept in Django's cache under the day and
    `summaries_fingerprint` (pass it when already read): 1 query for the fingerprint unless
    given, plus 3 on a miss.
    """
    if not memberships:
        return []
    today = timezone.localdate()
    key = ("home-summaries", today.isoformat(),
           *(fingerprint or summaries_fingerprint(memberships)))
    organisations = [m.organisation for m in memberships]
    figures = cached_figures(key, lambda: _summary_figures(organisations, today))
    return [
        OrganisationSummary(
            organisation=membership.organisation,
            role=membership.get_role_display(),
            **figures[index],
        )
        for index, membership in enumerate(memberships)
    ]


def _summary_figures(organisations, today):
    """
    For each organisation, in order, the figures of its `OrganisationSummary` (a dict of its
    fields but the organisation and the role). 3 queries.
    """
    recommendations = list(Recommendation.objects.select_related("super_complaint").in_order())
    audiences = audiences_by_recommendation(recommendations)
    responses = {
        (response.recommendation_id, response.organisation_id): response
        for response in Response.objects.filter(organisation__in=organisations)
        .order_by()
        .only(
            "recommendation_id", "organisation_id", "current_status", "current_status_on",
            "first_published_on", "review_outcome", "extended_due_on",
        )
    }
    labels = [(NO_RESPONSE, NO_RESPONSE_LABEL), *Status.choices]
    figures = []
    for organisation in organisations:
        counts = Counter()
        gaps = []
        stale = []
        applicable = 0
        for recommendation in recommendations:
            if not (
                organisation.active
                and audiences[recommendation.pk].includes(organisation.pk, organisation.kind)
            ):
                continue
            applicable += 1
            response = responses.get((recommendation.pk, organisation.pk))
            status = response.current_status if response else ""
            counts[status or NO_RESPONSE] += 1
            if not status:
                gaps.append(_gap(recommendation, organisation, today, response=response))
            elif response_deadline_state(
                recommendation=recommendation, organisation=organisation, response=response,
                today=today,
            ).is_stale:
                stale.append(_gap(recommendation, organisation, today, response=response))
        gaps.sort(key=lambda gap: (not gap.overdue, gap.due or datetime.date.max))
        gaps = priority_overdue_first(gaps)
        stale.sort(key=lambda item: -item.deadline.days)  # oldest position first
        due_soon = [
            gap for gap in gaps
            if gap.overdue or gap.deadline.is_due_within(DUE_SOON_DAYS)
        ]
        figures.append({
            "status_counts": [(code, label, counts[code]) for code, label in labels],
            "applicable": applicable,
            # The most urgent few: the organisation page lists every one (and filters them).
            "gaps": gaps[:GAP_LIMIT],
            "gap_count": len(gaps),
            "stale": stale[:GAP_LIMIT],
            "stale_count": len(stale),
            "due_soon": due_soon[:TASK_LIMIT],
            "due_soon_count": len(due_soon),
        })
    return figures


def _gap(recommendation, organisation, today, response=None):
    """
    The recommendation, with its due date, deadline state (whether overdue) and the link to the
    organisation's page.
    """
    # A copy: a user of two organisations sees the same recommendation with two links.
    gap = copy.copy(recommendation)
    gap.deadline = response_deadline_state(
        recommendation=recommendation, organisation=organisation, response=response, today=today
    )
    gap.due = gap.deadline.due_on
    gap.due_before_extension = (
        due_date(recommendation=recommendation, kind=organisation.kind)
        if response and response.extended_due_on else None
    )
    gap.overdue = gap.deadline.is_overdue
    gap.response_url = response_urls(recommendation)(organisation)
    return gap


def unpublished_states(*, organisation_ids):
    """
    The states of the user's organisations' updates that are not published yet: whether the
    work lists below can hold anything. One light query: the lists' own join five tables,
    which PostgreSQL takes longer to plan than to run, and most readers have nothing in them.
    """
    if not organisation_ids:
        return set()
    return set(
        # By the index on state: published updates are most of them.
        ResponseUpdate.objects.filter(
            state__in=[*EDITABLE_STATES, WorkflowState.AWAITING_SIGN_OFF],
            response__organisation_id__in=organisation_ids,
        )
        .order_by()
        .values_list("state", flat=True)
        .distinct()
    )


def recent_from_others(*, organisation_ids, user):
    """The latest published positions of every other organisation, as `user` may read them."""
    updates = list(
        ResponseUpdate.objects.published()
        .exclude(response__organisation_id__in=organisation_ids)
        .select_related(*UPDATE_RELATED)
        # Latest positions first; walks the (state, as_of) index instead of sorting them all.
        .order_by("-as_of", "-pk")[:RECENT_LIMIT]
    )
    readable = permissions.sensitive_readable_organisation_ids(user)
    for update in updates:
        update.withheld = permissions.withholds(
            readable, update.response.organisation_id, update.marking
        )
        if update.withheld:
            update.narrative = ""
    return updates


def _first_and_count(waiting):
    """
    The first REVIEW_LIMIT responses of `waiting`, oldest position first, and how many in all.
    Two queries: a window count in the list's query would read every row it counts (10,000
    completed responses at national scale: 26 ms, against 1 ms for the list by its index and
    its count apart).
    """
    responses = list(
        waiting.select_related("organisation", "recommendation__super_complaint")
        .order_by("current_status_on", "pk")[:REVIEW_LIMIT]
    )
    return responses, waiting.count()


def awaiting_review(*, user):
    """
    A reviewer's work list: organisations saying "completed" whose evidence nobody has accepted
    or returned yet, oldest claim first. Returns (the first few, how many in all); nothing for
    anyone but a reviewer, and never their own organisations' (permissions.can_review).
    """
    if not permissions.is_reviewer(user):
        return [], 0
    waiting = Response.objects.awaiting_review().exclude(
        organisation_id__in=sorted(permissions.member_organisation_ids(user))
    )
    return _first_and_count(waiting)


def evidence_to_review(*, user):
    """
    A reviewer's second work list: responses whose published evidence (files, or "evidence
    submitted to HMICFRS") nobody has reviewed since, whatever their status. Returns (the first
    few, how many in all); nothing for anyone but a reviewer, and never their own
    organisations'.
    """
    if not permissions.is_reviewer(user):
        return [], 0
    waiting = evidence_awaiting_review().exclude(
        organisation_id__in=sorted(permissions.member_organisation_ids(user))
    )
    return _first_and_count(waiting)


def home_summary(*, user):
    """
    Everything the home page shows a signed-in user but the organisation summaries and the
    latest positions of others, which the view renders (and keeps rendered) from `memberships`,
    `progress`, the fingerprint of the data, and `own_progress`, that of the user's
    organisations' answers (both read in one query).
    """
    memberships = list(user.memberships.select_related("organisation"))
    permissions.remember_memberships(user, memberships)
    organisation_ids = sorted(m.organisation_id for m in memberships)
    progress, own_progress = fingerprints(
        "data", "organisations", organisations=organisation_ids
    ).values()
    # A reviewer's two work lists: completed responses to review, and responses whose
    # published evidence (files, or "submitted to HMICFRS") nobody has reviewed since. The same
    # for every reviewer of the same organisations, and changed only by a publication or a
    # review (both change the data's fingerprint): kept, as reading them took 25 ms at
    # national scale.
    if permissions.is_reviewer(user):
        review, evidence = cached_figures(
            ("review-lists", *progress, *organisation_ids),
            lambda: (awaiting_review(user=user), evidence_to_review(user=user)),
        )
    else:
        review = evidence = ([], 0)
    states = unpublished_states(organisation_ids=organisation_ids)
    # The summaries' figures are kept in the cache under this fingerprint (no query once
    # kept): read here for the deadlines of the task list, and rendered by the view from the
    # same figures.
    own_fingerprint = summaries_fingerprint(memberships, own_progress) if memberships else ()
    # Read from the cache only when drawn: the kept summaries and task list need them not.
    summaries = SimpleLazyObject(
        lambda: organisation_summaries(memberships=memberships, fingerprint=own_fingerprint)
    )
    return {
        "memberships": memberships,
        "progress": progress,
        "own_progress": own_progress,
        "summaries_fingerprint": own_fingerprint,
        "summaries": summaries,
        # Per user, read on every request: never kept in a shared fragment.
        "tasks": home_tasks(
            user=user, states=states, summaries=summaries,
            summaries_fingerprint=own_fingerprint, review=review, evidence=evidence,
            today=timezone.localdate(), progress=progress, own_progress=own_progress,
        ),
        # Landed when a national body publishes or is reviewed: both change `progress`.
        "guidance_landed": cached_figures(
            ("guidance-landed", *progress, *organisation_ids),
            lambda: guidance_landed(organisation_ids=organisation_ids),
        ),
    }
