"""
Reads for the cross-organisation pages. Each function runs a fixed number of queries whatever
the number of organisations, recommendations or updates; the view tests pin those numbers.

Only published positions appear here: `Response.current_*` are set from published updates alone,
so drafts cannot leak into lists, the matrix or exports.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import F, FilteredRelation, Q, Subquery, Value
from django.db.models.functions import NullIf
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Organisation, Recommendation, SuperComplaint
from recommendations.selectors import (
    active_organisation_kinds,
    audiences_by_recommendation,
    expected_organisations_by_recommendation,
)
from tracker.richtext import html_excerpt

from .. import permissions
from ..choices import STATUS_RAG, Rag, ReviewOutcome, Status, WorkflowState
from ..filtersets import ComparisonFilterSet, OrganisationFilterSet
from ..models import Response, ResponseUpdate


@dataclass
class Progress:
    """How many of the expected organisations have completed (or been closed)."""

    completed: int = 0
    expected: int = 0

    @property
    def percent(self):
        return round(100 * self.completed / self.expected) if self.expected else 0


def is_complete(status, review_outcome):
    return status == Status.COMPLETED or review_outcome == ReviewOutcome.CLOSED


def recommendation_due_on(recommendation):
    """The recommendation's own deadline, else the super-complaint's progress-update deadline."""
    return recommendation.due_on or recommendation.super_complaint.progress_update_due_on


def _progress_by_recommendation(recommendations, audiences, active):
    """
    Return {recommendation pk: Progress}; one query for the completed responses.

    `audiences` comes from `audiences_by_recommendation`, `active` from
    `active_organisation_kinds`: a completed response counts only if its organisation is active
    and still expected.
    """
    progress = {r.pk: Progress(expected=audiences[r.pk].count(active)) for r in recommendations}
    completed_pairs = (
        Response.objects.filter(recommendation__in=list(progress))
        .filter(Q(current_status=Status.COMPLETED) | Q(review_outcome=ReviewOutcome.CLOSED))
        .values_list("recommendation_id", "organisation_id")
        .order_by()  # the default ordering joins two tables for nothing here
    )
    for recommendation_id, organisation_id in completed_pairs:
        kind = active.get(organisation_id)
        if kind and audiences[recommendation_id].includes(organisation_id, kind):
            progress[recommendation_id].completed += 1
    return progress


def super_complaint_list():
    """Every super-complaint with its overall progress (4 queries)."""
    super_complaints = list(SuperComplaint.objects.all())
    recommendations = list(Recommendation.objects.only("pk", "super_complaint_id"))
    by_recommendation = _progress_by_recommendation(
        recommendations, audiences_by_recommendation(recommendations), active_organisation_kinds()
    )
    totals = defaultdict(Progress)
    counts = Counter()
    for recommendation in recommendations:
        total = totals[recommendation.super_complaint_id]
        total.completed += by_recommendation[recommendation.pk].completed
        total.expected += by_recommendation[recommendation.pk].expected
        counts[recommendation.super_complaint_id] += 1
    for super_complaint in super_complaints:
        super_complaint.progress = totals[super_complaint.pk]
        super_complaint.recommendation_count = counts[super_complaint.pk]
    return super_complaints


def super_complaint_detail(*, slug):
    """A super-complaint, its recommendations with recipients, dependencies and progress."""
    super_complaint = get_object_or_404(SuperComplaint, slug=slug)
    recommendations = list(
        super_complaint.recommendations.with_recipients()
        .prefetch_related("depends_on")
        .select_related("super_complaint")
    )
    progress = _progress_by_recommendation(
        recommendations, audiences_by_recommendation(recommendations), active_organisation_kinds()
    )
    total = Progress()
    for recommendation in recommendations:
        recommendation.progress = progress[recommendation.pk]
        recommendation.due = recommendation_due_on(recommendation)
        total.completed += recommendation.progress.completed
        total.expected += recommendation.progress.expected
    super_complaint.progress = total
    return super_complaint, recommendations


def recommendation_get(*, slug, number):
    return get_object_or_404(
        Recommendation.objects.select_related("super_complaint")
        .with_recipients()
        .prefetch_related("depends_on"),
        super_complaint__slug=slug,
        number=number,
    )


def comparison_queryset(*, recommendation, expected_ids):
    """
    Organisations expected to respond (or that responded anyway), each annotated with its
    response to `recommendation`: status, date, lead, reference and the latest published text.
    """
    responded = Response.objects.filter(recommendation=recommendation).values("organisation_id")
    return (
        Organisation.objects.filter(Q(pk__in=list(expected_ids)) | Q(pk__in=Subquery(responded)))
        .annotate(
            answer=FilteredRelation(
                "responses", condition=Q(responses__recommendation=recommendation)
            )
        )
        .annotate(
            response_id=F("answer__id"),
            # A response row with nothing published yet reads as "no response yet".
            response_status=NullIf(F("answer__current_status"), Value("")),
            response_status_on=F("answer__current_status_on"),
            response_lead=F("answer__lead"),
            response_reference=F("answer__portal_reference"),
            response_review=F("answer__review_outcome"),
            response_narrative=F("answer__current_update__narrative"),
            response_provided_by=F("answer__current_update__position_provided_by"),
        )
        .order_by("name")
    )


@dataclass
class Comparison:
    recommendation: Recommendation
    filterset: ComparisonFilterSet
    rows: list
    expected_count: int
    status_counts: Counter = field(default_factory=Counter)
    due_on: datetime.date | None = None


def recommendation_comparison(*, recommendation, filters):
    """
    Every organisation expected to respond to the recommendation, filtered and sorted by
    `filters` (GET parameters) through ComparisonFilterSet. 3 queries.
    """
    expected = expected_organisations_by_recommendation([recommendation])[recommendation.pk]
    queryset = comparison_queryset(
        recommendation=recommendation, expected_ids=[o.pk for o in expected]
    )
    filterset = ComparisonFilterSet(filters or None, queryset=queryset)
    rows = list(filterset.qs)
    due_on = recommendation_due_on(recommendation)
    today = timezone.localdate()
    for row in rows:
        row.rag = (
            Rag.GREEN
            if row.response_review == ReviewOutcome.CLOSED
            else STATUS_RAG.get(row.response_status, Rag.RED)
        )
        row.overdue = bool(
            due_on and due_on < today and row.response_status in (None, Status.NOT_STARTED)
        )
    return Comparison(
        recommendation=recommendation,
        filterset=filterset,
        rows=rows,
        expected_count=len(expected),
        status_counts=Counter(row.response_status or "none" for row in rows),
        due_on=due_on,
    )


def side_by_side(*, recommendation, organisation_slugs):
    """The full latest published update of 2 to 4 organisations, in the order asked for."""
    expected = expected_organisations_by_recommendation([recommendation])[recommendation.pk]
    queryset = comparison_queryset(
        recommendation=recommendation, expected_ids=[o.pk for o in expected]
    ).filter(slug__in=organisation_slugs)
    by_slug = {o.slug: o for o in queryset}
    return [by_slug[slug] for slug in organisation_slugs if slug in by_slug]


@dataclass
class Matrix:
    super_complaint: SuperComplaint
    recommendations: list
    organisations: list
    rows: list  # [(recommendation, [cell, ...])] in the order of `organisations`
    filterset: OrganisationFilterSet

    def transposed(self):
        """[(organisation, [cell, ...])] in the order of `recommendations`."""
        return [
            (organisation, [cells[i] for _, cells in self.rows])
            for i, organisation in enumerate(self.organisations)
        ]


@dataclass
class Cell:
    applicable: bool
    status: str | None = None
    label: str = ""
    url: str = ""
    rag: str = Rag.GREY
    closed: bool = False
    where: str = ""  # "Force A, recommendation 4": the link text for screen readers


def super_complaint_matrix(*, slug, filters):
    """Recommendations x organisations with a status per cell, filtered by region and kind."""
    super_complaint = get_object_or_404(SuperComplaint, slug=slug)
    recommendations = list(super_complaint.recommendations.select_related("super_complaint"))
    expected = expected_organisations_by_recommendation(recommendations)
    expected_ids = {o.pk for organisations in expected.values() for o in organisations}
    filterset = OrganisationFilterSet(
        filters or None, queryset=Organisation.objects.filter(pk__in=list(expected_ids))
    )
    organisations = list(filterset.qs.forces_first())
    answers = {
        (recommendation_id, organisation_id): (status, review, updated)
        for recommendation_id, organisation_id, status, review, updated in Response.objects.filter(
            recommendation__super_complaint=super_complaint
        ).values_list(
            "recommendation_id",
            "organisation_id",
            "current_status",
            "review_outcome",
            "current_status_on",
        )
    }
    labels = dict(Status.choices)
    rows = []
    for recommendation in recommendations:
        base_url = reverse(
            "responses:recommendation_detail", args=[super_complaint.slug, recommendation.number]
        )
        applicable_ids = {o.pk for o in expected[recommendation.pk]}
        cells = []
        for organisation in organisations:
            where = f"{organisation.short_name}, {recommendation.label.lower()}"
            status, review, _ = answers.get((recommendation.pk, organisation.pk), ("", None, None))
            applicable = organisation.pk in applicable_ids or bool(status)
            if not applicable:
                cells.append(Cell(applicable=False, where=where))
                continue
            closed = review == ReviewOutcome.CLOSED
            cells.append(
                Cell(
                    applicable=True,
                    status=status or None,
                    label=labels.get(status, "No response yet"),
                    url=f"{base_url}{organisation.slug}/",
                    rag=Rag.GREEN if closed else STATUS_RAG.get(status, Rag.RED),
                    closed=closed,
                    where=where,
                )
            )
        rows.append((recommendation, cells))
    return Matrix(super_complaint, recommendations, organisations, rows, filterset)


def organisation_list(*, filters):
    filterset = OrganisationFilterSet(
        filters or None, queryset=Organisation.objects.active().select_related("paired")
    )
    return filterset, list(filterset.qs.forces_first())


def organisation_detail(*, slug):
    """
    An organisation and every recommendation that applies to it, grouped by super-complaint,
    each with the organisation's current status, link and a short summary. 4 queries.

    At national scale a force answers ~900 recommendations, so the per-row link and summary
    are worked out here once rather than by template tags and filters in the loop.
    """
    organisation = get_object_or_404(Organisation.objects.select_related("paired"), slug=slug)
    recommendations = list(Recommendation.objects.select_related("super_complaint").in_order())
    audiences = audiences_by_recommendation(recommendations)
    responses = {
        r.recommendation_id: r
        for r in Response.objects.filter(organisation=organisation).only(
            "pk",
            "recommendation_id",
            "organisation_id",
            "current_status",
            "current_status_on",
            "review_outcome",
            "lead",
            "portal_reference",
        )
    }
    groups = defaultdict(list)
    for recommendation in recommendations:
        applies = organisation.active and audiences[recommendation.pk].includes(
            organisation.pk, organisation.kind
        )
        response = responses.get(recommendation.pk)
        if applies or response:
            recommendation.response = response
            recommendation.status = response.current_status if response else ""
            recommendation.due = recommendation_due_on(recommendation)
            recommendation.summary = recommendation.title or html_excerpt(recommendation.text, 16)
            recommendation.response_url = (
                f"{recommendation.get_absolute_url()}{organisation.slug}/"
            )
            groups[recommendation.super_complaint].append(recommendation)
    return organisation, list(groups.items())


@dataclass
class OrganisationSummary:
    organisation: Organisation
    role: str
    status_counts: list  # [(code, label, count)] including "none"
    applicable: int
    gaps: list  # recommendations with no published response yet, due ones first


def home_summary(*, user):
    """What the home page shows a signed-in user: see DESIGN.md section 4, page 2."""
    memberships = list(user.memberships.select_related("organisation"))
    organisation_ids = [m.organisation_id for m in memberships]
    recommendations = list(Recommendation.objects.select_related("super_complaint").in_order())
    audiences = audiences_by_recommendation(recommendations)
    answers = {
        (r.recommendation_id, r.organisation_id): r
        for r in Response.objects.filter(organisation_id__in=organisation_ids).only(
            "pk",
            "recommendation_id",
            "organisation_id",
            "current_status",
            "review_outcome",
        )
    }
    labels = [("none", "No response yet"), *Status.choices]
    today = timezone.localdate()
    summaries = []
    for membership in memberships:
        counts = Counter()
        gaps = []
        applicable = 0
        for recommendation in recommendations:
            organisation = membership.organisation
            if not (
                organisation.active
                and audiences[recommendation.pk].includes(organisation.pk, organisation.kind)
            ):
                continue
            applicable += 1
            answer = answers.get((recommendation.pk, membership.organisation_id))
            status = answer.current_status if answer and answer.current_status else "none"
            counts[status] += 1
            if status == "none":
                recommendation.due = recommendation_due_on(recommendation)
                recommendation.overdue = bool(recommendation.due and recommendation.due < today)
                gaps.append(recommendation)
        gaps.sort(key=lambda r: (not r.overdue, r.due or datetime.date.max))
        summaries.append(
            OrganisationSummary(
                organisation=membership.organisation,
                role=membership.get_role_display(),
                status_counts=[(code, label, counts[code]) for code, label in labels],
                applicable=applicable,
                gaps=gaps,
            )
        )

    update_related = (
        "response__organisation",
        "response__recommendation__super_complaint",
        "author",
    )
    approver_of = [
        m.organisation_id
        for m in memberships
        if permissions.can_sign_off_for(user, m.organisation_id)
    ]
    awaiting_my_sign_off = list(
        ResponseUpdate.objects.filter(
            state=WorkflowState.AWAITING_SIGN_OFF, response__organisation_id__in=approver_of
        )
        .exclude(author=user)
        .select_related(*update_related)
        .order_by("submitted_at", "pk")[:50]
    )
    my_open_drafts = list(
        ResponseUpdate.objects.filter(
            state__in=[WorkflowState.DRAFT, WorkflowState.RETURNED],
            response__organisation_id__in=organisation_ids,
        )
        .select_related(*update_related)
        .order_by("-updated_at")[:50]
    )
    recent_from_others = list(
        ResponseUpdate.objects.published()
        .exclude(response__organisation_id__in=organisation_ids)
        .select_related(*update_related)
        # Latest positions first; walks the (state, as_of) index instead of sorting them all.
        .order_by("-as_of", "-pk")[:10]
    )
    awaiting_review, awaiting_review_count = [], 0
    if permissions.is_reviewer(user):
        # A reviewer's work list: organisations saying "completed" whose evidence nobody has
        # accepted or returned yet, oldest claim first.
        waiting = Response.objects.filter(
            current_status=Status.COMPLETED, review_outcome=ReviewOutcome.OPEN
        )
        awaiting_review_count = waiting.count()
        awaiting_review = list(
            waiting.select_related("organisation", "recommendation__super_complaint").order_by(
                "current_status_on", "pk"
            )[:20]
        )
    return {
        "awaiting_review": awaiting_review,
        "awaiting_review_count": awaiting_review_count,
        "summaries": summaries,
        "awaiting_my_sign_off": awaiting_my_sign_off,
        "my_open_drafts": my_open_drafts,
        "recent_from_others": recent_from_others,
    }
