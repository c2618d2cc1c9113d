"""
Reads for the cross-organisation pages. Each function runs a fixed number of queries whatever
the number of organisations, recommendations or updates; the view tests pin those numbers.

Only published positions appear here: `Response.current_*` are set from published updates alone,
so drafts cannot leak into lists, the matrix or exports.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import NullIf
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import permissions
from core.caching import cached_figures, fingerprint, found_by_address
from core.richtext import html_excerpt
from recommendations.models import Organisation, Recommendation, SuperComplaint
from recommendations.selectors import (
    active_organisation_kinds,
    audiences_by_recommendation,
    expected_organisations_by_recommendation,
)

from ..choices import (
    CLOSED_SHORT_LABEL,
    NO_RESPONSE,
    Rag,
    ReviewOutcome,
    heat_map_entry,
    matrix_cell_class,
    most_sensitive_marking,
    rag,
    status_label,
)
from ..deadlines import (
    DeadlineFilter,
    DeadlineState,
    deadline_matches,
    deadline_state,
    due_date,
    due_dates_by_kind,
    priority_overdue_first,
    response_deadline_state,
    stale_after_months,
)
from ..filtersets import (
    ComparisonFilterSet,
    DeadlineFilterSet,
    MatrixFilterSet,
    OrganisationFilterSet,
)
from ..models import Response, ResponseUpdate, response_urls


@dataclass
class Progress:
    """How many of the expected organisations have completed (or been closed)."""

    completed: int = 0
    expected: int = 0


def _progress_by_recommendation(recommendations, audiences, active):
    """
    Return {recommendation pk: Progress}; one query for the completed responses.

    `audiences` comes from `audiences_by_recommendation`, `active` from
    `active_organisation_kinds`: a completed response counts only if its organisation is active
    and still expected.
    """
    progress = {r.pk: Progress(expected=audiences[r.pk].count(active)) for r in recommendations}
    for (recommendation_id, kind, organisation_id), completed in _completed_counts(
        progress, audiences, active
    ).items():
        if audiences[recommendation_id].includes(organisation_id, kind):
            progress[recommendation_id].completed += 1 if organisation_id else completed
    return progress


def _completed_counts(recommendation_ids, audiences, active):
    """
    Count the completed responses of active organisations in SQL, grouped by recommendation and
    kind of organisation: {(recommendation pk, kind, organisation pk or None): count}.

    An audience names whole kinds plus a few organisations (national bodies), so the named ones
    come back one row each (their pk) and every other organisation within its kind's count (pk
    None): about 2 rows per recommendation instead of one per completed response.
    """
    named = set()
    for audience in audiences.values():
        named |= audience.organisation_ids
    named &= set(active)
    named_pk = (
        Case(
            When(organisation_id__in=sorted(named), then=F("organisation_id")),
            default=None,
            output_field=BigIntegerField(),
        )
        if named
        else Value(None, output_field=BigIntegerField())  # IN () is not valid SQL
    )
    rows = (
        Response.objects.filter(
            recommendation_id__in=list(recommendation_ids), organisation__active=True
        )
        .completed()
        .order_by()  # the default ordering joins two tables for nothing here
        .annotate(named=named_pk)
        .values_list("recommendation_id", "organisation__kind", "named")
        .annotate(count=Count("pk"))
    )
    return {(rec, kind, org): count for rec, kind, org, count in rows}


def super_complaint_list():
    """
    Every super-complaint with its overall progress: 2 queries for the super-complaints and the
    fingerprint of what progress is counted from, plus 4 on a cache miss.

    Progress is the same for every reader, so it is kept in Django's cache under the
    fingerprint of the data (the "data" scope): a publication, review or import shows at
    once.
    """
    super_complaints = list(SuperComplaint.objects.all())
    by_super_complaint = cached_figures(
        ("super-complaint-progress", *fingerprint("data")), _progress_by_super_complaint
    )
    for super_complaint in super_complaints:
        progress, count = by_super_complaint.get(super_complaint.pk, (Progress(), 0))
        super_complaint.progress = progress
        super_complaint.recommendation_count = count
    return super_complaints


def _progress_by_super_complaint():
    """Return {super-complaint pk: (Progress, number of recommendations)}; 3 queries."""
    recommendations = list(Recommendation.objects.only("pk", "super_complaint_id").order_by())
    by_recommendation = _progress_by_recommendation(
        recommendations, audiences_by_recommendation(recommendations), active_organisation_kinds()
    )
    totals = defaultdict(lambda: (Progress(), 0))
    for recommendation in recommendations:
        total, count = totals[recommendation.super_complaint_id]
        total.completed += by_recommendation[recommendation.pk].completed
        total.expected += by_recommendation[recommendation.pk].expected
        totals[recommendation.super_complaint_id] = (total, count + 1)
    return dict(totals)


def super_complaint_detail(*, slug):
    """A super-complaint, its recommendations with recipients, dependencies and progress."""
    super_complaint = get_object_or_404(SuperComplaint, slug=slug)
    recommendations = list(
        super_complaint.recommendations.with_recipients()
        .prefetch_related("depends_on")
        .select_related("super_complaint")
    )
    audiences = audiences_by_recommendation(recommendations)
    active = active_organisation_kinds()
    progress = _progress_by_recommendation(recommendations, audiences, active)
    total = Progress()
    for recommendation in recommendations:
        recommendation.progress = progress[recommendation.pk]
        audience = audiences[recommendation.pk]
        recommendation.due_dates = due_dates_by_kind(
            recommendation=recommendation,
            kinds=audience.kinds | {active[pk] for pk in audience.organisation_ids if pk in active},
        )
        total.completed += recommendation.progress.completed
        total.expected += recommendation.progress.expected
    super_complaint.progress = total
    return super_complaint, recommendations


def super_complaint_export(*, slug):
    """
    The super-complaint page's recommendations, each also with the most sensitive `marking` of
    the published positions its progress counts (one more query).
    """
    super_complaint, recommendations = super_complaint_detail(slug=slug)
    markings = defaultdict(set)
    for recommendation_id, marking in (
        Response.objects.filter(
            recommendation__super_complaint=super_complaint, current_update__isnull=False
        )
        .values_list("recommendation_id", "current_update__marking")
        .distinct()
        .order_by()
    ):
        markings[recommendation_id].add(marking)
    for recommendation in recommendations:
        recommendation.marking = most_sensitive_marking(markings[recommendation.pk], default="")
    return super_complaint, recommendations


def recommendation_get(*, slug, number):
    """The recommendation, with its super-complaint, recipients and what it depends on."""
    recommendations = (
        Recommendation.objects.select_related("super_complaint", "priority_changed_by")
        .with_recipients()
        .prefetch_related("depends_on")
    )
    return get_object_or_404(recommendations, super_complaint__slug=slug, number=number)


def recommendation_heading(*, slug, number):
    """
    The recommendation with its super-complaint and nothing else (the page's title and
    breadcrumbs), and the fingerprint of what its comparison is drawn from
    (`recommendation_fingerprint`), as (recommendation, fingerprint). One query while the
    recommendation is kept under its address with the fingerprint it was found at: the
    fingerprint reads its row and its super-complaint's, so a new number or slug (or any other
    change to them) finds it afresh (two queries).
    """
    return found_by_address(
        ("recommendation", slug, str(number)),
        lambda: get_object_or_404(
            Recommendation.objects.select_related("super_complaint"),
            super_complaint__slug=slug, number=number,
        ),
        recommendation_fingerprint,
    )


def recommendation_fingerprint(recommendation):
    """
    What a recommendation's comparison is drawn from: the recommendation and its
    super-complaint, its responses and their updates, its recipients and the organisations
    (the "recommendation" scope). 1 query.
    """
    return (recommendation.pk, *fingerprint("recommendation", recommendation=recommendation.pk))


def comparison_reader(user):
    """
    Who a recommendation's page is rendered for, as far as it differs: their organisations and
    roles (their own positions first, and whether they may add an update), whether they are a
    national reviewer (who marks priorities), and whose OFFICIAL-SENSITIVE text they may read.
    """
    readable = permissions.sensitive_readable_organisation_ids(user)
    return (
        sorted(permissions.roles_by_organisation(user).items()),
        permissions.is_reviewer(user),
        "all" if readable is None else sorted(readable),
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
            response_status_precision=F("answer__current_status_precision"),
            response_first_published_on=F("answer__first_published_on"),
            response_extended_due_on=F("answer__extended_due_on"),
            response_lead=F("answer__lead"),
            response_reference=F("answer__portal_reference"),
            response_review=F("answer__review_outcome"),
            response_narrative=F("answer__current_update__narrative"),
            response_provided_by=F("answer__current_update__position_provided_by"),
            response_marking=F("answer__current_update__marking"),
        )
        .order_by("name")
    )


@dataclass
class Comparison:
    """
    A recommendation's comparison: who is expected to answer and when, and `rows`, the
    organisations as filtered and sorted, worked out on first use (a page whose table is in
    the cache never needs them).
    """

    recommendation: Recommendation
    filterset: ComparisonFilterSet
    expected_count: int
    due_dates: list = field(default_factory=list)  # [(date, "police forces"), ...]
    expected_ids: frozenset = frozenset()
    compute_rows: Callable = field(default=list, repr=False)

    @cached_property
    def rows(self):
        return self.compute_rows()

    @property
    def status_counts(self):
        return Counter(row.response_status or NO_RESPONSE for row in self.rows)

    @property
    def responded(self):
        """The rows with a published position: the table."""
        return [row for row in self.rows if row.response_status]

    @property
    def not_responded(self):
        """The rows with nothing published yet: one collapsed list, not a row each."""
        return [row for row in self.rows if not row.response_status]


def withhold_sensitive_text(rows, readable):
    """
    Blank the text of OFFICIAL-SENSITIVE positions the reader may not read (need-to-know, see
    permissions.sensitive_readable_organisation_ids) and flag them `withheld`: their status,
    date and marking stay. The response's lead and portal reference go too: they are those of
    its current update (responses.services.response_update_publish), so part of what it says.
    """
    for row in rows:
        row.withheld = permissions.withholds(readable, row.pk, row.response_marking)
        if row.withheld:
            row.response_narrative = ""
            row.response_provided_by = ""
            row.response_lead = row.response_reference = ""
    return rows


def recommendation_comparison(*, recommendation, filters, user):
    """
    Every organisation expected to respond to the recommendation, filtered and sorted by
    `filters` (GET parameters) through ComparisonFilterSet, as `user` may read it. 2 queries,
    and 1 more for the rows when they are used.
    """
    expected = expected_organisations_by_recommendation([recommendation])[recommendation.pk]
    queryset = comparison_queryset(
        recommendation=recommendation, expected_ids=[o.pk for o in expected]
    )
    readable = permissions.sensitive_readable_organisation_ids(user)
    filterset = ComparisonFilterSet(filters or None, queryset=queryset, sensitive_readable=readable)
    return Comparison(
        recommendation=recommendation,
        filterset=filterset,
        expected_count=len(expected),
        expected_ids=frozenset(o.pk for o in expected),
        due_dates=due_dates_by_kind(
            recommendation=recommendation, kinds={o.kind for o in expected}
        ),
        compute_rows=lambda: _comparison_rows(recommendation, filterset, readable),
    )


def _add_deadline(row, recommendation, today):
    """A comparison row's due date (and the one before any extension) and deadline state."""
    row.due_on = due_date(
        recommendation=recommendation, kind=row.kind, extended_to=row.response_extended_due_on
    )
    row.due_before_extension = (
        due_date(recommendation=recommendation, kind=row.kind)
        if row.response_extended_due_on else None
    )
    row.deadline = row_deadline_state(row, today=today)
    row.overdue = row.deadline.is_overdue


def _comparison_rows(recommendation, filterset, readable):
    """
    The rows of the comparison: each organisation with its status, RAG, due date, deadline,
    link and, when the reader may read it, the excerpt of its latest published text.
    """
    rows = withhold_sensitive_text(list(filterset.qs), readable)
    today = timezone.localdate()
    url_of = response_urls(recommendation)
    for row in rows:
        row.rag = rag(row.response_status, row.response_review)
        _add_deadline(row, recommendation, today)
        row.response_url = url_of(row)
    wanted = filterset.form.cleaned_data.get("deadline", "") if filterset.is_valid() else ""
    return [row for row in rows if deadline_matches(row.deadline, wanted)]


def comparison_cache_key(*, comparison, recommendation_fingerprint, filters, user):
    """
    What the comparison's table shows depends on, besides the recommendation's fingerprint
    (`recommendation_fingerprint`): the day and the stale age (deadlines), the
    filters, and whose OFFICIAL-SENSITIVE text the reader may read (need-to-know: everyone's
    for a reviewer, else their organisations' and those paired with them).
    """
    readable = permissions.sensitive_readable_organisation_ids(user)
    return repr((
        recommendation_fingerprint, timezone.localdate().isoformat(),
        stale_after_months(),
        [(name, filters.getlist(name) if filters else []) for name in comparison.filterset.filters],
        "all" if readable is None else sorted(readable),
    ))


def row_deadline_state(row, *, today):
    """The DeadlineState of a row of `comparison_queryset` (an annotated organisation)."""
    return deadline_state(
        due_on=row.due_on,
        first_published_on=row.response_first_published_on,
        last_published_on=row.response_status_on,
        status=row.response_status,
        closed=row.response_review == ReviewOutcome.CLOSED,
        today=today,
    )


def own_positions(*, comparison, user):
    """
    The rows of the user's own organisations that are expected to respond, whatever the page's
    filters, with what the user may do: shown first, so nobody hunts through 44 rows for their
    own (each with `awaiting_sign_off`, `can_write`, `deadline`, `response_url`). One query for
    the user's memberships, and one more when any of them is expected.
    """
    own_ids = permissions.member_organisation_ids(user) & comparison.expected_ids
    if not own_ids:
        return []
    recommendation = comparison.recommendation
    waiting = ResponseUpdate.objects.awaiting_sign_off().filter(
        response__recommendation=recommendation, response__organisation=OuterRef("pk")
    )
    rows = list(
        comparison_queryset(recommendation=recommendation, expected_ids=own_ids)
        .filter(pk__in=list(own_ids))
        .annotate(awaiting_sign_off=Exists(waiting))
    )
    url_of = response_urls(recommendation)
    today = timezone.localdate()
    for row in rows:
        row.response_url = url_of(row)
        _add_deadline(row, recommendation, today)
        row.can_write = permissions.can_write_for(user, row.pk)
    return rows


def side_by_side(*, recommendation, organisation_slugs, user):
    """The full latest published update of 2 to 4 organisations, in the order asked for."""
    expected = expected_organisations_by_recommendation([recommendation])[recommendation.pk]
    queryset = comparison_queryset(
        recommendation=recommendation, expected_ids=[o.pk for o in expected]
    ).filter(slug__in=organisation_slugs)
    url_of = response_urls(recommendation)
    readable = permissions.sensitive_readable_organisation_ids(user)
    by_slug = {o.slug: o for o in withhold_sensitive_text(list(queryset), readable)}
    for organisation in by_slug.values():
        organisation.response_url = url_of(organisation)
    return [by_slug[slug] for slug in organisation_slugs if slug in by_slug]


@dataclass
class Heading:
    """
    A row or column heading of the matrix: a link to the recommendation or organisation, and
    whether the recommendation is a priority (issue 14).
    """

    url: str
    text: str
    priority: bool = False


@dataclass
class Matrix:
    super_complaint: SuperComplaint
    recommendations: list
    organisations: list
    rows: list  # [(recommendation, [cell, ...])] in the order of `organisations`
    filterset: MatrixFilterSet

    def transposed(self):
        """[(organisation, [cell, ...])] in the order of `recommendations`."""
        return [
            (organisation, [cells[i] for _, cells in self.rows])
            for i, organisation in enumerate(self.organisations)
        ]

    def table(self, *, by_organisation=False):
        """
        The Grid of the matrix: recommendations as rows, or organisations when
        `by_organisation`, so one template draws either way round.
        """
        recommendations = [Heading(r.get_absolute_url(), r.short_label, r.priority)
                           for r in self.recommendations]
        organisations = [Heading(o.get_absolute_url(), o.short_name) for o in self.organisations]
        if by_organisation:
            return Grid(recommendations, [
                (heading, cells)
                for heading, (_, cells) in zip(organisations, self.transposed(), strict=True)
            ])
        return Grid(organisations, [
            (heading, cells) for heading, (_, cells) in zip(recommendations, self.rows, strict=True)
        ])


    def by_region(self):
        """
        The heat map's Grid: recommendations as columns, organisations as rows grouped by
        region (`groups`: [(region, [(Heading, [Cell, ...])])], the regions in alphabetical
        order and the national bodies last; within a region, forces then local policing
        bodies, as `organisations` are). Few columns, so the whole country fits a 1,280px
        screen (issue 22).
        """
        grid = self.table(by_organisation=True)
        groups = {}
        for organisation, line in zip(self.organisations, grid.lines, strict=True):
            groups.setdefault(organisation.region or NATIONAL_REGION, []).append(line)
        order = sorted(groups, key=lambda region: (region == NATIONAL_REGION, region))
        grid.groups = [(region, groups[region]) for region in order]
        return grid

    def own_lines(self, organisation_ids):
        """The rows of the organisations `organisation_ids` (a reader's own), in their order."""
        grid = self.table(by_organisation=True)
        return [
            line for organisation, line in zip(self.organisations, grid.lines, strict=True)
            if organisation.pk in organisation_ids
        ]


# The region the national bodies (and anything without one) are listed under, last.
NATIONAL_REGION = "National"


@dataclass
class Grid:
    columns: list  # [Heading]
    lines: list  # [(Heading, [Cell, ...])]
    groups: list = field(default_factory=list)  # [(region, lines)], by_region only


@dataclass
class Cell:
    applicable: bool
    status: str | None = None
    label: str = ""
    url: str = ""
    href: str = ""  # `url` relative to the matrix page: a third of the bytes of 1,000 links
    css: str = ""  # choices.matrix_cell_class: the status's colour (and code, in the heat map)
    code: str = ""  # the heat map's two letters
    flag: str = ""  # "Closed" by a reviewer, or the deadline if it needs attention (.flag)
    rag: str = Rag.GREY
    closed: bool = False
    marking: str = ""  # of the published position shown (exports give each row the most sensitive)
    deadline: DeadlineState | None = None


NOT_APPLICABLE_CELL = Cell(applicable=False)


def matrix_get(*, slug):
    """
    The super-complaint of a matrix, and the fingerprint of what its cells are drawn from (its
    responses, recommendations and their recipients, and the organisations), as
    (super_complaint, fingerprint): a rendering kept under it is shown only while none of that
    has changed. 1 query while the super-complaint is kept under its address
    (`found_by_address`; its scope reads its row): the "super_complaint" scope, index look-ups
    over this super-complaint's rows only, so a publication elsewhere keeps its cache.
    """
    return found_by_address(
        ("matrix", slug),
        lambda: get_object_or_404(SuperComplaint, slug=slug),
        lambda super_complaint: (
            super_complaint.pk,
            *fingerprint("super_complaint", super_complaint=super_complaint.pk),
        ),
    )


def matrix_filters(*, filters):
    """
    The matrix's MatrixFilterSet, for its form and for `super_complaint_matrix`, which applies
    it to the organisations expected to answer (`filter_queryset`) and, with "priority only",
    to the recommendations.
    """
    return MatrixFilterSet(filters or None, queryset=Organisation.objects.none())


def super_complaint_matrix(*, slug=None, filters, super_complaint=None, filterset=None):
    """
    Recommendations x organisations with a status per cell, filtered by region and kind (and to
    the priority recommendations and the organisations they are addressed to, on asking), for
    the super-complaint `slug` (or `super_complaint`, already fetched) through the
    MatrixFilterSet of `filters` (or `filterset`, already built: `matrix_filters`).

    Each cell's link, class, label and deadline flag are worked out here, so the template
    prints them as they are: at national scale the matrix has about 1,100 cells.
    """
    if super_complaint is None:
        super_complaint = get_object_or_404(SuperComplaint, slug=slug)
    recommendations = list(super_complaint.recommendations.all())
    for recommendation in recommendations:
        recommendation.super_complaint = super_complaint  # for its URL and due dates
    filterset = filterset or matrix_filters(filters=filters)
    if filterset.priority_only():
        recommendations = [r for r in recommendations if r.priority]
    # The organisations depend on the recommendations shown, so they are chosen only now.
    expected = expected_organisations_by_recommendation(recommendations)
    expected_ids = {o.pk for organisations in expected.values() for o in organisations}
    organisations = Organisation.objects.filter(pk__in=list(expected_ids))
    if filterset.is_bound:
        filterset.is_valid()  # the filters that are valid apply, as FilterSet.qs does
        organisations = filterset.filter_queryset(organisations)
    organisations = list(organisations.forces_first())
    answers = {
        (recommendation_id, organisation_id): (status, review, updated, first, marking, extended)
        for recommendation_id, organisation_id, status, review, updated, first, marking, extended
        in Response.objects.filter(recommendation__super_complaint=super_complaint).values_list(
            "recommendation_id",
            "organisation_id",
            "current_status",
            "review_outcome",
            "current_status_on",
            "first_published_on",
            "current_update__marking",
            "extended_due_on",
        )
    }
    today = timezone.localdate()
    # The response pages sit beside the matrix: /super-complaints/<slug>/recommendations/...
    # from /super-complaints/<slug>/matrix/, so "../recommendations/..." reaches them.
    base = super_complaint.get_absolute_url()
    rows = []
    for recommendation in recommendations:
        url_of = response_urls(recommendation)
        applicable_ids = {o.pk for o in expected[recommendation.pk]}
        due_by_kind = {}
        cells = []
        for organisation in organisations:
            status, review, updated, first, marking, extended = answers.get(
                (recommendation.pk, organisation.pk), ("", None, None, None, None, None)
            )
            if not (organisation.pk in applicable_ids or status):
                cells.append(NOT_APPLICABLE_CELL)
                continue
            closed = review == ReviewOutcome.CLOSED
            if extended:
                due_on = extended
            else:
                if organisation.kind not in due_by_kind:
                    due_by_kind[organisation.kind] = due_date(
                        recommendation=recommendation, kind=organisation.kind
                    )
                due_on = due_by_kind[organisation.kind]
            deadline = deadline_state(
                due_on=due_on, first_published_on=first, last_published_on=updated,
                status=status, closed=closed, today=today,
            )
            url = url_of(organisation)
            cells.append(
                Cell(
                    applicable=True,
                    status=status or None,
                    label=status_label(status),
                    url=url,
                    href="../" + url.removeprefix(base) if url.startswith(base) else url,
                    css=matrix_cell_class(status, closed),
                    code=heat_map_entry(status, closed)[0],
                    flag=CLOSED_SHORT_LABEL if closed else deadline.flag,
                    rag=rag(status, review),
                    closed=closed,
                    marking=marking if status else "",
                    deadline=deadline,
                )
            )
        rows.append((recommendation, cells))
    return Matrix(super_complaint, recommendations, organisations, rows, filterset)


def organisation_list(*, filters):
    filterset = OrganisationFilterSet(
        filters or None, queryset=Organisation.objects.active().select_related("paired")
    )
    return filterset, list(filterset.qs.forces_first())


SUPER_COMPLAINTS_PER_PAGE = 10


def organisation_recommendations(*, organisation, with_text=False, deadline=""):
    """
    Return [(super-complaint, [recommendation, ...])]: every recommendation that applies to
    `organisation` (or that it answered anyway), in order, each with `response` (or None),
    `status`, `due` and `deadline`; `with_text`, the response carries the `marking` and the
    `narrative` of its current published update. Only the rows whose deadline matches
    `deadline` (a DeadlineFilterSet choice; blank for all); for "overdue", the priority ones
    first (`priority_overdue_first`). 2 queries.
    """
    recommendations = list(Recommendation.objects.select_related("super_complaint").in_order())
    audiences = audiences_by_recommendation(recommendations)
    responses = Response.objects.filter(organisation=organisation).only(
        "pk",
        "recommendation_id",
        "organisation_id",
        "current_status",
        "current_status_on",
        "current_status_precision",
        "first_published_on",
        "review_outcome",
        "lead",
        "portal_reference",
        "extended_due_on",
    )
    if with_text:
        # The export's columns: the page shows neither, and the join costs on 360,000 updates.
        responses = responses.annotate(
            marking=F("current_update__marking"), narrative=F("current_update__narrative")
        )
    by_recommendation = {r.recommendation_id: r for r in responses}
    groups = defaultdict(list)
    today = timezone.localdate()
    for recommendation in recommendations:
        applies = organisation.active and audiences[recommendation.pk].includes(
            organisation.pk, organisation.kind
        )
        response = by_recommendation.get(recommendation.pk)
        if applies or response:
            recommendation.response = response
            recommendation.status = response.current_status if response else ""
            recommendation.deadline = response_deadline_state(
                recommendation=recommendation, organisation=organisation, response=response,
                today=today,
            )
            recommendation.due = due_date(
                recommendation=recommendation, kind=organisation.kind,
                extended_to=response.extended_due_on if response else None,
            )
            recommendation.due_before_extension = (
                due_date(recommendation=recommendation, kind=organisation.kind)
                if response and response.extended_due_on else None
            )
            if deadline_matches(recommendation.deadline, deadline):
                groups[recommendation.super_complaint].append(recommendation)
    groups = list(groups.items())
    if deadline == DeadlineFilter.OVERDUE:
        # A list of overdue items: the priority ones lead it, within each super-complaint and
        # (by their first row) across them.
        groups = priority_overdue_first(
            [(super_complaint, priority_overdue_first(rows)) for super_complaint, rows in groups],
            recommendation=lambda group: group[1][0],
            overdue=lambda group: group[1][0].deadline.is_overdue,
        )
    return groups


def _add_summaries(organisation, groups):
    for _, rows in groups:
        for recommendation in rows:
            recommendation.summary = recommendation.title or html_excerpt(recommendation.text, 16)
            recommendation.response_url = response_urls(recommendation)(organisation)


def organisation_get(*, slug):
    return get_object_or_404(Organisation.objects.select_related("paired"), slug=slug)


def organisation_heading(*, slug):
    """
    (the organisation `slug`, the fingerprint of its answers: core.caching's "organisations"
    scope, which its page's listing is kept under). One query while the organisation is kept
    under its address (`found_by_address`: the scope reads the organisations table, so an edit
    finds it afresh).
    """
    return found_by_address(
        ("organisation", slug),
        lambda: organisation_get(slug=slug),
        lambda organisation: fingerprint("organisations", organisations=[organisation.pk]),
    )


def organisation_detail(*, slug, page=None, filters=None):
    """
    An organisation and a page of the recommendations that apply to it, grouped by
    super-complaint (`SUPER_COMPLAINTS_PER_PAGE` to a page), each with the organisation's current
    status, deadline state, link and a short summary, narrowed by the deadline filter in
    `filters` (DeadlineFilterSet). Returns (organisation, page of (super-complaint, rows),
    filterset). 3 queries, plus 1 for the organisation's fingerprint and 2 on a cache miss.

    At national scale a force answers ~900 recommendations of 100 super-complaints: one page of
    them is readable, and the per-row link and summary are worked out here, for that page only,
    rather than by template tags and filters in the loop. The page is the same for every reader
    (no response text), so it is kept in Django's cache under the day, the organisation, the
    filter, the page number and the fingerprint of its own responses and the recommendations
    (the "organisations" scope: another organisation's publication leaves it kept).
    """
    organisation = organisation_get(slug=slug)
    filterset, wanted = _deadline_filter(filters)
    try:
        number = max(int(page or 1), 1)
    except ValueError:
        number = 1
    key = (
        "organisation-page", organisation.pk, organisation.updated_at.isoformat(),
        timezone.localdate().isoformat(), wanted or "all", number,
        *fingerprint("organisations", organisations=[organisation.pk]),
    )
    rows, count, number = cached_figures(
        key, lambda: _organisation_page(organisation, wanted, number),
        # A number past the last page is served the last page, kept under its own number only.
        keep=lambda page: page[2] == number,
    )
    # A paginator over placeholders: the page's own rows come from the cache.
    page_obj = Paginator(range(count), SUPER_COMPLAINTS_PER_PAGE).get_page(number)
    page_obj.object_list = rows
    return organisation, page_obj, filterset


def _organisation_page(organisation, deadline, number):
    """Return (the page's (super-complaint, rows), how many super-complaints, page number)."""
    groups = organisation_recommendations(organisation=organisation, deadline=deadline)
    page_obj = Paginator(groups, SUPER_COMPLAINTS_PER_PAGE).get_page(number)
    _add_summaries(organisation, page_obj)
    return list(page_obj.object_list), page_obj.paginator.count, page_obj.number


def _deadline_filter(filters):
    """The organisation page's deadline filter and the choice made ("" for any)."""
    filterset = DeadlineFilterSet(filters or None, queryset=Organisation.objects.none())
    wanted = filterset.form.cleaned_data.get("deadline", "") if filterset.is_valid() else ""
    return filterset, wanted


def organisation_export(*, slug, user, filters=None):
    """
    The organisation and every page of its recommendations, for the same deadline filter,
    with the published texts `user` may read (OFFICIAL-SENSITIVE ones only with a need to know:
    the others are blank and flagged `withheld`).
    """
    organisation = organisation_get(slug=slug)
    _, wanted = _deadline_filter(filters)
    groups = organisation_recommendations(organisation=organisation, with_text=True,
                                          deadline=wanted)
    readable = permissions.sensitive_readable_organisation_ids(user)
    for _, rows in groups:
        for recommendation in rows:
            response = recommendation.response
            if response is not None:
                response.withheld = permissions.withholds(
                    readable, organisation.pk, response.marking
                )
                if response.withheld:
                    # The lead and reference are the sensitive update's (withhold_sensitive_text).
                    response.narrative = response.lead = response.portal_reference = ""
    _add_summaries(organisation, groups)
    return organisation, groups
