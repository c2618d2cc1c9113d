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
Redis in production, local memory by default) for `PAGE_CACHE_SECONDS`, under a key holding the day,
the stale age and a fingerprint of the responses (how many, and the latest change): any
publication, review or new response changes the fingerprint, so nobody reads figures older than
the data. Edits of organisations and recommendations in the admin show within `PAGE_CACHE_SECONDS`.
"""

import datetime
import hashlib
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth

from core.caching import cache_key, cached_figures  # noqa: F401  (figures' callers import it here)
from recommendations.models import Organisation, Recommendation, add_months
from recommendations.selectors import audiences_by_recommendation
from responses.choices import NO_RESPONSE, Status
from responses.deadlines import (
    DeadlineKind,
    deadline_kind_expression,
    due_date,
    stale_after_months,
    with_deadline_aliases,
)
from responses.models import Response
from responses.querysets import done_condition

PAST, FUTURE, UNDATED = "past", "future", "undated"  # where a pair's due date falls


def _responses_latest():
    """
    The responses' greatest pk and latest change (two index look-ups; counting 60,000 responses
    took 15 ms): what the national and regional figures are counted at, and counted again
    since (`partitioned_counts`).
    """
    latest = Response.objects.order_by().aggregate(last=Max("pk"), changed=Max("updated_at"))
    return (latest["last"], latest["changed"].isoformat() if latest["changed"] else "")


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
    # The same by parts, so that a count of a few organisations or super-complaints narrows
    # the Q to them (`expected_responses`): {kind: [recommendation pk]}, {organisation pk:
    # [recommendation pk]} and {super-complaint pk: [recommendation pk]}.
    kind_recommendations: dict = field(default_factory=dict)
    named_recommendations: dict = field(default_factory=dict)
    recommendations_by_super_complaint: dict = field(default_factory=dict)
    cache_key: tuple = ()  # day, stale age, super-complaint and fingerprint
    # The same without the responses' fingerprint, plus a digest of who is expected to answer
    # what: the key of the counts kept per partition (`partitioned_counts`).
    structure_key: tuple = ()
    latest: tuple = ()  # the responses' fingerprint: greatest pk and latest change

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

    def is_expected(self, organisation_id, recommendation_id):
        """Whether the organisation (active) is expected to answer the recommendation."""
        if not hasattr(self, "_expected_sets"):
            self._expected_sets = {
                **{("kind", kind): set(ids) for kind, ids in self.kind_recommendations.items()},
                **{("named", pk): set(ids) for pk, ids in self.named_recommendations.items()},
            }
        kind = self.kinds.get(organisation_id)
        return kind is not None and (
            recommendation_id in self._expected_sets.get(("kind", kind), ())
            or recommendation_id in self._expected_sets.get(("named", organisation_id), ())
        )

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
    The FigureSource of every active organisation (in one super-complaint, or all), with the
    responses' fingerprint in its `cache_key`. 2 queries when cached (the recommendations' and
    the responses' fingerprints), else 5.
    """
    # Who is expected to answer what does not depend on the responses: it is kept under the
    # recommendations' number and latest change (an import shows at once; an admin's edit of
    # recipients or organisations within `PAGE_CACHE_SECONDS`), and the responses' fingerprint, read
    # on every call, goes into the keys of what is counted.
    recommendations = Recommendation.objects.order_by().aggregate(
        count=Count("pk"), changed=Max("updated_at")
    )
    structure = (today.isoformat(), stale_after_months(),
                 super_complaint.pk if super_complaint else "all", recommendations["count"],
                 recommendations["changed"].isoformat() if recommendations["changed"] else "")
    source = cached_figures(
        ("source", *structure), lambda: _figure_source(today, super_complaint, structure)
    )
    latest = _responses_latest()
    return replace(source, cache_key=(*structure, *latest), latest=latest)


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
    regions = {pk: region for pk, _, region in active_rows}
    by_super_complaint = defaultdict(list)
    for recommendation in recommendations:
        by_super_complaint[recommendation.super_complaint_id].append(recommendation.pk)
    structure = hashlib.sha256(
        repr((sorted(kinds.items()), sorted(regions.items()), str(expected_rows))).encode()
    ).hexdigest()
    return FigureSource(
        today=today,
        super_complaints={r.super_complaint_id: r.super_complaint for r in recommendations},
        kinds=kinds,
        regions=regions,
        by_kind=by_kind,
        by_named=by_named,
        expected_rows=expected_rows,
        kind_recommendations=dict(kind_recommendations),
        named_recommendations=dict(named_recommendations),
        recommendations_by_super_complaint=by_super_complaint,
        cache_key=key,
        structure_key=(*key, structure),
    )


def _bucket(due_on, today):
    if due_on is None:
        return UNDATED
    return PAST if due_on < today else FUTURE


def _expected_responses(source, only=None, all_pairs=False):
    """
    The expected Response rows of `source`; `only` ({"organisation_id" or
    "recommendation__super_complaint_id": pks or None}) narrows them to a few organisations or
    super-complaints, with the expected pairs' Q cut down to those: the whole Q names every
    recommendation, and planning a query with it took longer than running one over a few
    hundred rows (found by an index).
    """
    only = {name: values for name, values in (only or {}).items() if values is not None}
    if all_pairs:  # the caller leaves out the pairs not expected (see `own_counts`)
        return Response.objects.filter(
            organisation__active=True,
            **{f"{name}__in": sorted(values) for name, values in only.items()},
        ).order_by()
    organisations = only.get("organisation_id")
    super_complaints = only.get("recommendation__super_complaint_id")
    if organisations is None and super_complaints is None:
        return Response.objects.filter(source.expected_rows, organisation__active=True).order_by()
    recommendations = None
    if super_complaints is not None:
        recommendations = {
            pk for sc in super_complaints
            for pk in source.recommendations_by_super_complaint.get(sc, ())
        }
    kinds = (set(source.kind_recommendations) if organisations is None
             else {source.kinds.get(pk) for pk in organisations})
    named = (source.named_recommendations if organisations is None
             else {pk: ids for pk, ids in source.named_recommendations.items()
                   if pk in organisations})
    expected = Q(pk__in=[])
    for kind in sorted(kinds - {None}):
        ids = [pk for pk in source.kind_recommendations.get(kind, ())
               if recommendations is None or pk in recommendations]
        if ids:
            expected |= Q(organisation__kind=kind, recommendation_id__in=ids)
    for organisation_id, ids in sorted(named.items()):
        ids = [pk for pk in ids if recommendations is None or pk in recommendations]
        if ids:
            expected |= Q(organisation_id=organisation_id, recommendation_id__in=ids)
    responses = Response.objects.filter(expected, organisation__active=True)
    if organisations is not None:
        responses = responses.filter(organisation_id__in=sorted(organisations))
    if recommendations is not None:
        responses = responses.filter(recommendation_id__in=sorted(recommendations))
    return responses.order_by()


def answer_counts(source, group_by, only=None, all_pairs=False):
    """
    Return {group key (tuple of the `group_by` values): Counter of counts} over the expected
    Response rows: `status_<code>`, `completed`, `answered_past` / `_future` / `_undated` (by
    where the due date falls), `on_time`, `late`, `stale`. One query (GROUP BY `group_by`);
    `only` ({Response field: values}) narrows it to those rows; `all_pairs` counts the pairs
    not expected too (see `own_counts`).
    """
    today = source.today
    answered = Q(first_published__isnull=False)
    moved = Q(first_published__isnull=True, extended_due_on__isnull=False)
    rows = (
        with_deadline_aliases(_expected_responses(source, only, all_pairs))
        .alias(deadline=deadline_kind_expression(today=today))
        .values(*group_by)
        .annotate(
            **{f"status_{code}": Count("pk", filter=Q(current_status=code))
               for code in Status.values},
            completed=Count("pk", filter=done_condition()),
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


def own_counts(source, organisation_ids):
    """
    ({(super-complaint pk, organisation pk): Counter of `answer_counts`},
    {(organisation pk, super-complaint pk): Counter(month: completed)}) of a few organisations:
    2 queries over their own responses, grouped by recommendation too so that the pairs not
    expected are left out here: the Q of every expected pair names over a thousand
    recommendations, and building and planning it cost more than the counting.
    """
    only = {"organisation_id": organisation_ids}
    counts = defaultdict(Counter)
    for (sc, organisation_id, recommendation_id), row in answer_counts(
        source, ["recommendation__super_complaint_id", "organisation_id", "recommendation_id"],
        only=only, all_pairs=True,
    ).items():
        if source.is_expected(organisation_id, recommendation_id):
            counts[sc, organisation_id].update(row)
    completions = defaultdict(Counter)
    for (organisation_id, recommendation_id, sc), months in completions_by_month(
        source, group_by=["organisation_id", "recommendation_id"], only=only, all_pairs=True
    ).items():
        if source.is_expected(organisation_id, recommendation_id):
            completions[organisation_id, sc].update(months)
    return counts, completions


def partitioned_counts(source, *, name, partition, compute):
    """
    Return {partition value: counts}, where `compute(only)` counts the expected responses,
    grouped by `partition` (a Response field, "organisation_id" or
    "recommendation__super_complaint_id") first, of the partitions in `only` (None: all).

    Counting every response takes about 250 ms at national scale, and a publication changes one
    organisation's and one super-complaint's counts only. So the counts are kept in the cache
    per partition, with the responses' fingerprint they were counted at: when it has changed,
    the partitions of the responses changed since (an index range on `updated_at`, one query)
    are counted again, one query over their few rows, and the rest are kept. Everything is
    counted afresh once `PAGE_CACHE_SECONDS` have passed (a response deleted in the admin) and
    whenever who is expected to answer what changes (`FigureSource.structure_key`).
    """
    key = cache_key("figures-partitioned", name, partition, *source.structure_key)
    stored = cache.get(key)
    now = time.time()
    if stored is not None and stored["latest"] == source.latest:
        return stored["parts"]
    expired = stored is None or now - stored["counted_at"] > settings.PAGE_CACHE_SECONDS
    if expired or not stored["changed"]:
        parts = compute(None)
        counted_at = now
    else:
        changed = set(
            Response.objects.filter(
                Q(updated_at__gte=stored["changed"]) | Q(pk__gt=stored["last"] or 0)
            )
            .order_by()
            .values_list(partition, flat=True)
            .distinct()
        )
        parts = dict(stored["parts"])
        fresh = compute(changed) if changed else {}
        for value in changed:
            parts[value] = fresh.get(value, {})
        counted_at = stored["counted_at"]
    last, changed_at = source.latest
    cache.set(key, {
        "latest": source.latest, "last": last,
        "changed": datetime.datetime.fromisoformat(changed_at) if changed_at else None,
        "counted_at": counted_at, "parts": parts,
    }, settings.PAGE_CACHE_SECONDS)
    return parts


def partitioned_answer_counts(source, partition, group_by, only):
    """
    {partition value: {group key: packed counts}} by `answer_counts`, for `partitioned_counts`
    (`unpack` gives the Counter back).
    """
    rows = answer_counts(source, [partition, *group_by], only={partition: only})
    parts = defaultdict(dict)
    for (value, *group), counts in rows.items():
        parts[value][tuple(group)] = pack(counts)
    return dict(parts)


# The names of `answer_counts`' counts, in the order `pack` keeps them.
COUNT_NAMES = (
    *(f"status_{code}" for code in Status.values), "completed", "answered_past",
    "answered_future", "answered_undated", "extended", "moved_from_past", "moved_from_future",
    "moved_from_undated", "moved_to_past", "moved_to_future", "on_time", "late", "stale",
)


def pack(counts):
    """
    The counts of `answer_counts` as a tuple of numbers (in the order of COUNT_NAMES): kept in
    the cache by the thousand, and a Counter pickles and unpickles ten times slower.
    """
    return tuple(counts.get(name, 0) for name in COUNT_NAMES)


def unpack(packed):
    return Counter(dict(zip(COUNT_NAMES, packed or (0,) * len(COUNT_NAMES), strict=True)))


def pack_months(months):
    """A Counter of months (completions by month) as a tuple of (month, count) pairs."""
    return tuple(sorted(months.items()))


def figures_by_organisation(source):
    """
    {organisation pk: Figures} over every super-complaint of `source`. 1 query, 2 after a
    publication (only the organisations whose responses changed are counted again), none
    while nothing has changed.
    """
    counts = partitioned_counts(
        source, name="by-organisation", partition="organisation_id",
        compute=lambda only: partitioned_answer_counts(source, "organisation_id", [], only),
    )
    by_organisation = {}
    for organisation_id in source.kinds:
        expected = source.expected({organisation_id})
        if expected:
            by_organisation[organisation_id] = Figures.assemble(
                expected, unpack(counts.get(organisation_id, {}).get((), ()))
            )
    return by_organisation


def completions_by_month(source, *, group_by, only=None, all_pairs=False):
    """
    Return {group key + (super_complaint_id,): Counter(months after publication: count)} of
    the expected answers completed (completed, or closed by a reviewer), dated by their current
    position. One query, grouped by `group_by`, super-complaint and month; `only` as in
    `answer_counts`.
    """
    rows = (
        _expected_responses(source, only, all_pairs)
        .filter(done_condition(), current_status_on__isnull=False)
        .annotate(month=TruncMonth("current_status_on"))
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
