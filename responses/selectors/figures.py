"""
Figures for the dashboards and the overview: per super-complaint and organisation, how many
answers are expected and where they stand (status, completed, deadline states), and when
completed answers were completed.

Computed with SQL aggregates (GROUP BY super-complaint and organisation) over the Response
table, plus the expected pairs counted from the recipient groups per recommendation and kind of
organisation, never by walking every (recommendation, organisation) pair in Python: at national
scale that is 1,200 recommendations x 97 organisations. A fixed number of queries (4, and 1
more for the completion trend).
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from recommendations.models import Organisation, Recommendation, add_months
from recommendations.selectors import audiences_by_recommendation

from ..choices import NO_RESPONSE, ReviewOutcome, Status
from ..deadlines import (
    DeadlineKind,
    deadline_kind_expression,
    due_date,
    with_deadline_aliases,
)
from ..models import Response

PAST, FUTURE, UNDATED = "past", "future", "undated"  # where a pair's due date falls


@dataclass
class Figures:
    """
    Counts for a set of expected answers. The deadline counts are exclusive and add up to
    `expected`: due, overdue, no deadline (nothing published), answered on time, answered
    late, stale (published).
    """

    expected: int = 0
    statuses: Counter = field(default_factory=Counter)  # status code (or NO_RESPONSE): count
    completed: int = 0  # completed, or closed by a reviewer
    due: int = 0
    overdue: int = 0
    no_deadline: int = 0
    on_time: int = 0
    late: int = 0
    stale: int = 0

    COUNTS = ("expected", "completed", "due", "overdue", "no_deadline", "on_time", "late",
              "stale")

    def __iadd__(self, other):
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.statuses.update(other.statuses)
        return self

    def share(self, count):
        """`count` as a whole percentage of `expected` (None when nothing is expected)."""
        return round(100 * count / self.expected) if self.expected else None

    @property
    def share_completed(self):
        return self.share(self.completed)

    @property
    def share_overdue(self):
        return self.share(self.overdue)

    @property
    def share_stale(self):
        return self.share(self.stale)

    @property
    def share_on_time(self):
        return self.share(self.on_time)


@dataclass
class FigureSet:
    """Figures by (super-complaint pk, organisation pk), and what they were computed from."""

    by_pair: dict  # {(super_complaint_id, organisation_id): Figures}
    super_complaints: dict  # {pk: SuperComplaint} (those with recommendations)
    organisations: dict  # {pk: kind} of the active organisations
    regions: dict  # {pk: region} of the active organisations
    today: datetime.date


def _expected_buckets(recommendations, audiences, active, today):
    """
    Count the expected pairs by where their due date falls, without listing the pairs:
    {(super_complaint_id, kind): Counter(bucket)} for whole kinds, and
    {(super_complaint_id, organisation_id): Counter(bucket)} for organisations named on their own.
    Returns those and the Q matching the expected Response rows.
    """
    by_kind = defaultdict(Counter)
    by_named = defaultdict(Counter)
    kind_recommendations = defaultdict(list)
    named_recommendations = defaultdict(list)
    for recommendation in recommendations:
        audience = audiences[recommendation.pk]
        sc = recommendation.super_complaint_id
        for kind in audience.kinds:
            by_kind[sc, kind][_bucket(due_date(recommendation=recommendation, kind=kind),
                                      today)] += 1
            kind_recommendations[kind].append(recommendation.pk)
        for organisation_id in audience.organisation_ids:
            kind = active.get(organisation_id)
            if kind is None or kind in audience.kinds:
                continue
            by_named[sc, organisation_id][
                _bucket(due_date(recommendation=recommendation, kind=kind), today)
            ] += 1
            named_recommendations[organisation_id].append(recommendation.pk)
    expected_rows = Q(pk__in=[])
    for kind, ids in kind_recommendations.items():
        expected_rows |= Q(organisation__kind=kind, recommendation_id__in=ids)
    for organisation_id, ids in named_recommendations.items():
        expected_rows |= Q(organisation_id=organisation_id, recommendation_id__in=ids)
    return by_kind, by_named, expected_rows


def _bucket(due_on, today):
    if due_on is None:
        return UNDATED
    return PAST if due_on < today else FUTURE


def figure_set(*, today, super_complaint=None):
    """
    Return the FigureSet of every active organisation and super-complaint (or one
    super-complaint). 4 queries.
    """
    recommendations = Recommendation.objects.select_related("super_complaint").only(
        "pk", "due_on", "super_complaint_id", "super_complaint__slug",
        "super_complaint__short_title", "super_complaint__title",
        "super_complaint__report_published_on", "super_complaint__comments_due_after_days",
        "super_complaint__progress_update_due_after_months",
    )
    if super_complaint is not None:
        recommendations = recommendations.filter(super_complaint=super_complaint)
    recommendations = list(recommendations)
    super_complaints = {r.super_complaint_id: r.super_complaint for r in recommendations}
    audiences = audiences_by_recommendation(recommendations)
    active_rows = list(Organisation.objects.active().values_list("pk", "kind", "region"))
    active = {pk: kind for pk, kind, _ in active_rows}
    by_kind, by_named, expected_rows = _expected_buckets(
        recommendations, audiences, active, today
    )

    statuses = list(Status.values)
    answered = Q(first_published__isnull=False)
    rows = (
        with_deadline_aliases(
            Response.objects.filter(expected_rows, organisation__active=True)
        )
        .alias(deadline=deadline_kind_expression(today=today))
        .order_by()
        .values("recommendation__super_complaint_id", "organisation_id")
        .annotate(
            **{f"status_{code}": Count("pk", filter=Q(current_status=code)) for code in statuses},
            completed=Count(
                "pk",
                filter=Q(current_status=Status.COMPLETED) | Q(review_outcome=ReviewOutcome.CLOSED),
            ),
            answered_past=Count("pk", filter=answered & Q(due_date__lt=today)),
            answered_future=Count("pk", filter=answered & Q(due_date__gte=today)),
            answered_undated=Count("pk", filter=answered & Q(due_date__isnull=True)),
            on_time=Count("pk", filter=Q(deadline=DeadlineKind.ANSWERED_ON_TIME)),
            late=Count("pk", filter=Q(deadline=DeadlineKind.ANSWERED_LATE)),
            stale=Count("pk", filter=Q(deadline=DeadlineKind.STALE)),
        )
    )
    answers = {(row["recommendation__super_complaint_id"], row["organisation_id"]): row
               for row in rows}

    by_pair = {}
    for organisation_id, kind in active.items():
        for sc in super_complaints:
            buckets = by_kind.get((sc, kind), Counter()) + by_named.get((sc, organisation_id),
                                                                        Counter())
            if not buckets:
                continue
            row = answers.get((sc, organisation_id))
            figures = Figures(expected=sum(buckets.values()))
            if row:
                for code in statuses:
                    if row[f"status_{code}"]:
                        figures.statuses[code] = row[f"status_{code}"]
                figures.completed = row["completed"]
                figures.on_time, figures.late, figures.stale = (
                    row["on_time"], row["late"], row["stale"]
                )
            figures.overdue = buckets[PAST] - (row["answered_past"] if row else 0)
            figures.due = buckets[FUTURE] - (row["answered_future"] if row else 0)
            figures.no_deadline = buckets[UNDATED] - (row["answered_undated"] if row else 0)
            figures.statuses[NO_RESPONSE] = figures.expected - sum(figures.statuses.values())
            by_pair[sc, organisation_id] = figures
    return FigureSet(
        by_pair=by_pair, super_complaints=super_complaints, organisations=active,
        regions={pk: region for pk, _, region in active_rows}, today=today,
    )


def completions_by_month(*, organisation_ids=None, super_complaint_ids=None):
    """
    Return {(super_complaint_id, organisation_id): Counter(months after publication: count)}
    of completed answers (completed, or closed by a reviewer), dated by their current position.
    One query, grouped by month.
    """
    completed = Response.objects.filter(
        Q(current_status=Status.COMPLETED) | Q(review_outcome=ReviewOutcome.CLOSED),
        current_status_on__isnull=False,
        organisation__active=True,
    )
    if organisation_ids is not None:
        completed = completed.filter(organisation_id__in=list(organisation_ids))
    if super_complaint_ids is not None:
        completed = completed.filter(recommendation__super_complaint_id__in=super_complaint_ids)
    rows = (
        completed.order_by()
        .annotate(month=TruncMonth("current_status_on"))
        .values(
            "recommendation__super_complaint_id",
            "recommendation__super_complaint__report_published_on",
            "organisation_id",
            "month",
        )
        .annotate(count=Count("pk"))
    )
    result = defaultdict(Counter)
    for row in rows:
        published = row["recommendation__super_complaint__report_published_on"]
        if not published:
            continue
        month = row["month"]
        offset = max(0, (month.year - published.year) * 12 + month.month - published.month)
        key = (row["recommendation__super_complaint_id"], row["organisation_id"])
        result[key][offset] += row["count"]
    return result


def months_old(published_on, today):
    """Whole calendar months since `published_on` (0 in its first month)."""
    months = (today.year - published_on.year) * 12 + today.month - published_on.month
    return months if add_months(published_on, months) <= today else months - 1
