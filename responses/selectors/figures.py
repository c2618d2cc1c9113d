"""
Figures for the dashboards and the overview: per super-complaint and organisation, how many
answers are expected and where they stand (status, completed, deadline states), and when
completed answers were completed.

Computed with SQL aggregates (GROUP BY super-complaint and organisation) over the Response
table, plus the expected pairs counted from the recipient groups per recommendation and kind of
organisation, never by walking every (recommendation, organisation) pair in Python: at national
scale that is 1,200 recommendations x 97 organisations. A fixed number of queries: 4 for the
`FigureSource`, 1 per aggregate.

The aggregates read every response, so their results are kept in Django's cache (a shared
Redis in production, local memory by default) for `CACHE_SECONDS`, under a key holding the day,
the stale age and a fingerprint of the responses (how many, and the latest change): any
publication, review or new response changes the fingerprint, so nobody reads figures older than
the data. Edits of organisations and recommendations in the admin show within `CACHE_SECONDS`.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth

from recommendations.models import Organisation, Recommendation, add_months
from recommendations.selectors import audiences_by_recommendation

from ..choices import NO_RESPONSE, ReviewOutcome, Status
from ..deadlines import (
    DeadlineKind,
    deadline_kind_expression,
    due_date,
    stale_after_months,
    with_deadline_aliases,
)
from ..models import Response

PAST, FUTURE, UNDATED = "past", "future", "undated"  # where a pair's due date falls
CACHE_SECONDS = 300


def _fingerprint():
    """What the figures were computed from: how many responses, and the latest change. 1 query."""
    latest = Response.objects.order_by().aggregate(count=Count("pk"), changed=Max("updated_at"))
    return (latest["count"], latest["changed"].isoformat() if latest["changed"] else "")


def cached_figures(parts, compute):
    """Return the cached value under `parts` (with the figures' key), computing it on a miss."""
    key = "figures:" + ":".join(str(part) for part in parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


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
    extended: int = 0  # answers whose due date an approved extension moved
    due: int = 0
    overdue: int = 0
    no_deadline: int = 0
    on_time: int = 0
    late: int = 0
    stale: int = 0

    @classmethod
    def assemble(cls, expected, counts):
        """
        From the expected pairs by due-date bucket (Counter of PAST, FUTURE, UNDATED) and the
        summed SQL counts of `answer_counts` (a Counter; missing rows count as nothing
        published).
        """
        figures = cls(expected=sum(expected.values()))
        for code in Status.values:
            if counts[f"status_{code}"]:
                figures.statuses[code] = counts[f"status_{code}"]
        figures.statuses[NO_RESPONSE] = figures.expected - sum(figures.statuses.values())
        figures.completed = counts["completed"]
        figures.on_time, figures.late, figures.stale = (
            counts["on_time"], counts["late"], counts["stale"]
        )
        figures.extended = counts["extended"]
        # The expected pairs are bucketed by the computed due date; an unanswered response with
        # an approved extension moves from that bucket to the one of its extended date.
        figures.overdue = (
            expected[PAST] - counts["answered_past"] - counts["moved_from_past"]
            + counts["moved_to_past"]
        )
        figures.due = (
            expected[FUTURE] - counts["answered_future"] - counts["moved_from_future"]
            + counts["moved_to_future"]
        )
        figures.no_deadline = (
            expected[UNDATED] - counts["answered_undated"] - counts["moved_from_undated"]
        )
        return figures

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
class FigureSource:
    """
    Who is expected to answer what, counted without listing the pairs: by super-complaint and
    kind of organisation (`by_kind`), plus organisations named on their own (`by_named`), each a
    Counter of due-date buckets (PAST, FUTURE, UNDATED); and the Q matching the expected
    Response rows.
    """

    today: datetime.date
    super_complaints: dict  # {pk: SuperComplaint} (those with recommendations)
    kinds: dict  # {organisation pk: kind} of the active organisations
    regions: dict  # {organisation pk: region} of the active organisations
    by_kind: dict  # {(super_complaint_id, kind): Counter(bucket)}
    by_named: dict  # {(super_complaint_id, organisation_id): Counter(bucket)}
    expected_rows: Q
    cache_key: tuple = ()  # day, stale age, super-complaint and fingerprint

    def __post_init__(self):
        # Indexes for `expected`, which the pages call for every area and super-complaint.
        self._per_kind = {}
        self._kinds_by_super_complaint = defaultdict(list)
        self._total_by_kind = defaultdict(Counter)
        for (sc, kind), buckets in self.by_kind.items():
            self._kinds_by_super_complaint[sc].append((kind, buckets))
            self._total_by_kind[kind].update(buckets)
        self._named_by_super_complaint = defaultdict(list)
        self._total_by_named = defaultdict(Counter)
        for (sc, organisation_id), buckets in self.by_named.items():
            self._named_by_super_complaint[sc].append((organisation_id, buckets))
            self._total_by_named[organisation_id].update(buckets)

    def expected(self, organisation_ids, super_complaint_id=None):
        """
        The expected pairs of these organisations (a set of pks), in one super-complaint or
        all, as a Counter of due-date buckets.
        """
        key = frozenset(organisation_ids)
        per_kind = self._per_kind.get(key)
        if per_kind is None:
            per_kind = Counter(self.kinds[pk] for pk in organisation_ids if pk in self.kinds)
            self._per_kind[key] = per_kind
        total = Counter()
        if super_complaint_id is None:
            kind_buckets = self._total_by_kind.items()
            named = ((pk, self._total_by_named[pk]) for pk in organisation_ids
                     if pk in self._total_by_named)
        else:
            kind_buckets = self._kinds_by_super_complaint.get(super_complaint_id, ())
            named = ((pk, buckets) for pk, buckets
                     in self._named_by_super_complaint.get(super_complaint_id, ())
                     if pk in organisation_ids)
        for kind, buckets in kind_buckets:
            if per_kind[kind]:
                for bucket, count in buckets.items():
                    total[bucket] += count * per_kind[kind]
        for _, buckets in named:
            total.update(buckets)
        return total


def figure_source(*, today, super_complaint=None):
    """
    The FigureSource of every active organisation (in one super-complaint, or all). 1 query
    when cached (the fingerprint), else 4.
    """
    key = (today.isoformat(), stale_after_months(),
           super_complaint.pk if super_complaint else "all", *_fingerprint())
    return cached_figures(("source", *key), lambda: _figure_source(today, super_complaint, key))


def _figure_source(today, super_complaint, key):
    recommendations = Recommendation.objects.select_related("super_complaint").only(
        "pk", "due_on", "super_complaint_id", "super_complaint__slug",
        "super_complaint__short_title", "super_complaint__title",
        "super_complaint__report_published_on", "super_complaint__comments_due_after_days",
        "super_complaint__progress_update_due_after_months",
    )
    if super_complaint is not None:
        recommendations = recommendations.filter(super_complaint=super_complaint)
    recommendations = list(recommendations)
    audiences = audiences_by_recommendation(recommendations)
    active_rows = list(Organisation.objects.active().values_list("pk", "kind", "region"))
    kinds = {pk: kind for pk, kind, _ in active_rows}
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
            kind = kinds.get(organisation_id)
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
    return FigureSource(
        today=today,
        super_complaints={r.super_complaint_id: r.super_complaint for r in recommendations},
        kinds=kinds,
        regions={pk: region for pk, _, region in active_rows},
        by_kind=by_kind,
        by_named=by_named,
        expected_rows=expected_rows,
        cache_key=key,
    )


def _bucket(due_on, today):
    if due_on is None:
        return UNDATED
    return PAST if due_on < today else FUTURE


def _expected_responses(source):
    return Response.objects.filter(source.expected_rows, organisation__active=True).order_by()


def answer_counts(source, *, group_by, annotations=None, key=None):
    """
    Return {group key (tuple of the `group_by` values): Counter of counts} over the expected
    Response rows: `status_<code>`, `completed`, `answered_past` / `_future` / `_undated` (by
    where the due date falls), `on_time`, `late`, `stale`. One query (GROUP BY `group_by`);
    `annotations` may define extra names to group by. With a `key` (which must tell such
    annotations apart) the result is cached, and a hit runs no query.
    """
    return cached_figures(
        ("counts", *source.cache_key, *group_by, key),
        lambda: _answer_counts(source, group_by, annotations),
    ) if key is not None else _answer_counts(source, group_by, annotations)


def _answer_counts(source, group_by, annotations):
    today = source.today
    answered = Q(first_published__isnull=False)
    moved = Q(first_published__isnull=True, extended_due_on__isnull=False)
    rows = (
        with_deadline_aliases(_expected_responses(source))
        .alias(deadline=deadline_kind_expression(today=today))
        .annotate(**(annotations or {}))
        .values(*group_by)
        .annotate(
            **{f"status_{code}": Count("pk", filter=Q(current_status=code))
               for code in Status.values},
            completed=Count(
                "pk",
                filter=Q(current_status=Status.COMPLETED) | Q(review_outcome=ReviewOutcome.CLOSED),
            ),
            # Bucketed as the expected pairs are: by the due date before any extension.
            answered_past=Count("pk", filter=answered & Q(computed_due_date__lt=today)),
            answered_future=Count("pk", filter=answered & Q(computed_due_date__gte=today)),
            answered_undated=Count(
                "pk", filter=answered & Q(computed_due_date__isnull=True)
            ),
            extended=Count("pk", filter=Q(extended_due_on__isnull=False)),
            moved_from_past=Count("pk", filter=moved & Q(computed_due_date__lt=today)),
            moved_from_future=Count("pk", filter=moved & Q(computed_due_date__gte=today)),
            moved_from_undated=Count("pk", filter=moved & Q(computed_due_date__isnull=True)),
            moved_to_past=Count("pk", filter=moved & Q(due_date__lt=today)),
            moved_to_future=Count("pk", filter=moved & Q(due_date__gte=today)),
            on_time=Count("pk", filter=Q(deadline=DeadlineKind.ANSWERED_ON_TIME)),
            late=Count("pk", filter=Q(deadline=DeadlineKind.ANSWERED_LATE)),
            stale=Count("pk", filter=Q(deadline=DeadlineKind.STALE)),
        )
    )
    result = {}
    for row in rows:
        key = tuple(row.pop(name) for name in group_by)
        result[key] = Counter(row)
    return result


def figures_by_organisation(source):
    """{organisation pk: Figures} over every super-complaint of `source`. 1 query."""
    counts = answer_counts(source, group_by=["organisation_id"], key="")
    by_organisation = {}
    for organisation_id in source.kinds:
        expected = source.expected({organisation_id})
        if expected:
            by_organisation[organisation_id] = Figures.assemble(
                expected, counts.get((organisation_id,), Counter())
            )
    return by_organisation


def completions_by_month(source, *, group_by, annotations=None):
    """
    Return {group key + (super_complaint_id,): Counter(months after publication: count)} of
    the expected answers completed (completed, or closed by a reviewer), dated by their current
    position. One query, grouped by `group_by`, super-complaint and month.
    """
    return _completions_by_month(source, group_by, annotations)


def _completions_by_month(source, group_by, annotations):
    rows = (
        _expected_responses(source)
        .filter(
            Q(current_status=Status.COMPLETED) | Q(review_outcome=ReviewOutcome.CLOSED),
            current_status_on__isnull=False,
        )
        .annotate(month=TruncMonth("current_status_on"), **(annotations or {}))
        .values(*group_by, "recommendation__super_complaint_id", "month")
        .annotate(count=Count("pk"))
    )
    result = defaultdict(Counter)
    for row in rows:
        super_complaint_id = row["recommendation__super_complaint_id"]
        published = source.super_complaints[super_complaint_id].report_published_on
        if not published:
            continue
        month = row["month"]
        offset = max(0, (month.year - published.year) * 12 + month.month - published.month)
        key = (*(row[name] for name in group_by), super_complaint_id)
        result[key][offset] += row["count"]
    return result


def months_old(published_on, today):
    """Whole calendar months since `published_on` (0 in its first month)."""
    months = (today.year - published_on.year) * 12 + today.month - published_on.month
    return months if add_months(published_on, months) <= today else months - 1
