"""
Reads for the dashboards (DESIGN.md section 4, page 9) and the national overview: an
organisation with its paired force or body, against its region and England and Wales.

Figures come from `selectors.figures` (SQL aggregates); this module groups them into areas,
builds the completion trend and the charts' geometry, and lists what changed since the last
visit. A fixed number of queries whatever the data size (pinned in the tests).
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from core.caching import fingerprints, found_by_address
from deadlines.selectors import expected_responses
from recommendations.models import Organisation
from reporting.figures import (
    COUNT_NAMES,
    Figures,
    cached_figures,
    completions_by_month,
    figure_source,
    months_old,
    pack_months,
    partitioned_answer_counts,
    partitioned_counts,
)
from reporting.figures import (
    own_counts as own_figure_counts,
)
from responses.choices import (
    NO_RESPONSE,
    STATUS_SEVERITY_ORDER,
    STATUS_TEXT_COLOURS,
    Status,
    status_label,
)
from responses.deadlines import priority_overdue_first
from responses.models import Response, ResponseUpdate

ENGLAND_AND_WALES = "England and Wales"
ALL_NATIONAL_BODIES = "All national bodies"
TREND_MONTHS = 24  # the trend follows each report for its first two years
CHANGES_LIMIT = 20
PRIORITY_LIMIT = 20  # priority answers listed on a dashboard (all are counted and exported)

# The Analysis Function's categorical palette, in order; adjacent colours differ by 3:1 or
# more against white and each other in this order, and each series also has its own marker
# shape and a direct label, so colour is never the only cue.
AREA_STYLES = [
    ("#12436D", "circle"),
    ("#28A197", "square"),
    ("#801650", "triangle"),
    ("#F46A25", "diamond"),
]

# The distribution's order (no response first, then by severity) and colours (the tags').
STATUS_ORDER = [
    (code, status_label(code), STATUS_TEXT_COLOURS[code])
    for code in (NO_RESPONSE, *STATUS_SEVERITY_ORDER)
]


@dataclass
class Area:
    """One column of the dashboard: an organisation, its region, or England and Wales."""

    name: str
    short_name: str
    organisation_ids: set
    organisation_pk: int | None = None  # an area of one organisation shown
    kinds: set = field(default_factory=set)  # a region's or the nation's kinds of organisation
    region: str | None = None
    expected_overall: Counter = field(default_factory=Counter)
    overall: Figures = field(default_factory=Figures)
    by_super_complaint: dict = field(default_factory=dict)  # {super_complaint pk: Figures}
    trend: list = field(default_factory=list)  # [share completed (%) or None] by month
    trend_by_super_complaint: dict = field(default_factory=dict)  # {pk: the same, for one}
    colour: str = ""
    marker: str = ""


@dataclass
class Dashboard:
    organisation: Organisation
    organisations: list  # shown together: the organisation and its paired force or body
    areas: list  # the organisations shown, then region, then England and Wales
    super_complaints: list  # those the organisations shown must answer, newest first
    today: datetime.date
    trend_months: list = field(default_factory=list)
    focus: object = None  # the one super-complaint the charts show, or None for all
    # The shown organisations' answers to priority recommendations (ExpectedResponse rows),
    # priority overdue first: see `priority_answers`.
    priority: list = field(default_factory=list)

    @property
    def shown_areas(self):
        return self.areas[: len(self.organisations)]

    @property
    def priority_overdue(self):
        return [row for row in self.priority if row.state.is_overdue]

    @property
    def priority_listed(self):
        """The most urgent few priority answers: the page stays small however many are marked."""
        return self.priority[:PRIORITY_LIMIT]

    @property
    def shown_names(self):
        """"South Yorkshire Police and South Yorkshire Mayor": the organisations shown."""
        return " and ".join(a.name for a in self.shown_areas)

    @property
    def against_names(self):
        """What they are compared with: "Yorkshire and the Humber and England and Wales"."""
        return " and ".join(a.name for a in self.areas[len(self.organisations):])


# The national and regional figures are the same for every dashboard: counted by super-complaint,
# kind and region of organisation, kept per super-complaint (figures.partitioned_counts). The
# organisations shown have their own small count (their responses only).
SUPER_COMPLAINT = "recommendation__super_complaint_id"
AREA_GROUPS = ["organisation__kind", "organisation__region"]


def _shared_counts(source):
    """{super-complaint pk: {(kind, region): Counter}}: answer counts for regions and nations."""
    return partitioned_counts(
        source, name="answers-by-area", partition=SUPER_COMPLAINT,
        compute=lambda only: partitioned_answer_counts(source, SUPER_COMPLAINT, AREA_GROUPS, only),
    )


def _shared_completions(source):
    """{super-complaint pk: {(kind, region): Counter(month: completed)}}, as _shared_counts."""

    def compute(only):
        parts = defaultdict(dict)
        for (kind, region, sc), months in completions_by_month(
            source, group_by=AREA_GROUPS, only={SUPER_COMPLAINT: only}
        ).items():
            parts[sc][kind, region] = pack_months(months)
        return dict(parts)

    return partitioned_counts(
        source, name="completions-by-area", partition=SUPER_COMPLAINT, compute=compute
    )


def _in_area(area, shared, own, names=None):
    """
    {super-complaint pk: Counter}: the counts of `area`, from the shared counts by kind and
    region (`shared`, packed: numbers in the order of `names`, or (key, count) pairs) or, for
    an organisation shown, its own (`own`: {sc: {pk: Counter}}).
    """
    totals = defaultdict(Counter)
    if area.organisation_pk is not None:
        for sc, by_organisation in own.items():
            if area.organisation_pk in by_organisation:
                totals[sc].update(by_organisation[area.organisation_pk])
        return totals
    for sc, groups in shared.items():
        matching = [
            counts for (kind, region), counts in groups.items()
            if kind in area.kinds and (area.region is None or region == area.region)
        ]
        if not matching:
            continue
        if names:
            # Packed: numbers in the order of `names`, summed column by column.
            columns = zip(*matching, strict=True)
            totals[sc] = Counter(dict(zip(names, map(sum, columns), strict=True)))
        else:
            total = totals[sc]
            for counts in matching:
                for name, count in counts:
                    total[name] += count
    return totals


def _area_figures(area, source, totals):
    overall = Counter()
    for sc in source.super_complaints:
        expected = source.expected(area.organisation_ids, sc)
        if not expected:
            continue
        area.expected_overall.update(expected)
        overall.update(totals[sc])
        area.by_super_complaint[sc] = Figures.assemble(expected, totals[sc])
    area.overall = Figures.assemble(area.expected_overall, overall)


def _trend(area, source, by_offset):
    """
    The share of expected answers completed within m months of each report's publication, for
    m = 0..TREND_MONTHS; only reports at least m months old count at month m. `by_offset`:
    {super-complaint pk: Counter(months after publication: completed)} of the area.
    """
    ages = {
        pk: months_old(sc.report_published_on, source.today)
        for pk, sc in source.super_complaints.items()
        if sc.report_published_on
    }
    cumulative = Counter()
    trend = []
    area.trend_by_super_complaint = {sc: [] for sc in area.by_super_complaint}
    for month in range(TREND_MONTHS + 1):
        expected = completed = 0
        for sc, figures in area.by_super_complaint.items():
            if ages.get(sc, -1) < month:
                area.trend_by_super_complaint[sc].append(None)
                continue
            expected += figures.expected
            cumulative[sc] += by_offset[sc][month]
            completed += cumulative[sc]
            area.trend_by_super_complaint[sc].append(
                round(100 * cumulative[sc] / figures.expected) if figures.expected else None
            )
        trend.append(round(100 * completed / expected) if expected else None)
    area.trend = trend


def build_areas(*, organisations, source, own_fingerprint=None):
    """
    The areas of a dashboard of `organisations` (1 or 2, a force and its body). 4 queries on an
    empty cache: the organisations' own counts and completions (their few responses), and the
    national and regional ones that every dashboard shares; after a publication, those shared
    are counted again for the super-complaints changed only (+1 query each to find them, see
    `figures.partitioned_counts`). None when cached (under the figures' key).
    """
    # The areas carry the organisations' names and region: a rename shows at once.
    key = [(o.pk, o.name, o.short_name, o.kind, o.region) for o in organisations]
    return cached_figures(
        ("areas", *source.cache_key, *key),
        lambda: _build_areas(organisations, source, own_fingerprint),
    )


def _own_counts(source, organisation_ids, own_fingerprint):
    """
    The organisations' own counts (`figures.own_counts`), kept under who is expected to answer
    what and `own_fingerprint`, that of their own answers (core.caching's "organisations"
    scope), when the caller has read it: another organisation's publication, which changes
    every dashboard's national and regional figures, leaves them kept. No query to key them.
    """
    if own_fingerprint is None:
        return own_figure_counts(source, organisation_ids)
    return cached_figures(
        ("own-counts", *source.structure_key, *organisation_ids, *own_fingerprint),
        lambda: own_figure_counts(source, organisation_ids),
    )


def _build_areas(organisations, source, own_fingerprint):
    kinds = {o.kind for o in organisations}
    areas = [Area(o.name, o.short_name, {o.pk}, organisation_pk=o.pk) for o in organisations]
    region = organisations[0].region
    if region:
        areas.append(Area(
            region, region,
            {pk for pk, kind in source.kinds.items()
             if kind in kinds and source.regions.get(pk) == region},
            kinds=kinds, region=region,
        ))
    # National bodies have no region; their comparison is every national body.
    national = kinds == {Organisation.Kind.NATIONAL_BODY}
    nation = ALL_NATIONAL_BODIES if national else ENGLAND_AND_WALES
    areas.append(Area(
        nation, nation,
        {pk for pk, kind in source.kinds.items() if kind in kinds}, kinds=kinds,
    ))
    # The organisations' own counts: their few responses, counted directly.
    own_counts, own_completions = defaultdict(dict), defaultdict(dict)
    counts, completions = _own_counts(source, [o.pk for o in organisations], own_fingerprint)
    for (sc, organisation_id), row in counts.items():
        own_counts[sc][organisation_id] = row
    for (organisation_id, sc), months in completions.items():
        own_completions[sc][organisation_id] = months
    shared_counts, shared_completions = _shared_counts(source), _shared_completions(source)
    for area, (colour, marker) in zip(areas, AREA_STYLES, strict=False):
        area.colour, area.marker = colour, marker
        _area_figures(area, source, _in_area(area, shared_counts, own_counts, names=COUNT_NAMES))
        _trend(area, source, _in_area(area, shared_completions, own_completions))
    return areas


def latest_changes(*, organisations, limit=CHANGES_LIMIT):
    """
    The `limit` latest published updates from the organisations shown, and from national bodies
    on the super-complaints where one of them awaits national guidance, newest first, each
    with its `published_at`. Two queries.

    They are the same for every reader, and those published since any moment are the first of
    them published after it (were there more, all `limit` would be): so a caller keeps these
    under the fingerprint of the shown organisations' and the national bodies' answers
    (`Shown.answering_ids` in core.caching's "organisations" scope) and each reader's last
    visit takes its prefix (reporting.views).
    """
    shown = [o.pk for o in organisations]
    awaited = (
        Response.objects.filter(organisation_id__in=shown, current_status=Status.AWAITING_NATIONAL)
        .order_by()
        .values("recommendation__super_complaint_id")
    )
    # The responses concerned first (a few thousand at most, each side of the union by an
    # index), then their published updates by the (response, state, as_of) index: one OR over
    # both made the database read every update.
    own = Response.objects.filter(organisation_id__in=shown).order_by().values("pk")
    national = (
        Response.objects.filter(
            organisation__kind=Organisation.Kind.NATIONAL_BODY,
            recommendation__super_complaint_id__in=Subquery(awaited),
        )
        .order_by()
        .values("pk")
    )
    response_ids = [row["pk"] for row in own.union(national)]
    updates = (
        ResponseUpdate.objects.published()
        .filter(response_id__in=response_ids)
        .annotate(published_at=Coalesce("signed_off_at", "created_at"))
        .select_related("response__organisation", "response__recommendation__super_complaint")
        .only(
            "pk", "as_of", "as_of_precision", "status", "signed_off_at", "created_at",
            "response__organisation__name", "response__organisation__slug",
            "response__recommendation__number", "response__recommendation__super_complaint__slug",
            "response__recommendation__super_complaint__short_title",
        )
    )
    return list(updates.order_by("-published_at", "-pk")[:limit])


def priority_answers(*, organisations, today):
    """
    What the organisations shown must answer to the recommendations national reviewers marked
    as priority, as `ExpectedResponse` rows: overdue first (longest overdue first), then by due
    date, with the priority overdue ones leading (`priority_overdue_first`, the one home of
    that order). Read fresh, never from the figures' cache, so a new mark shows at once.
    2 queries when nothing is a priority, else 4.
    """
    rows = expected_responses(
        organisation_ids=[o.pk for o in organisations], today=today, priority_only=True
    )
    rows.sort(key=lambda row: (
        not row.state.is_overdue,
        -(row.state.days or 0) if row.state.is_overdue else 0,
        row.due_on or datetime.date.max,
    ))
    return priority_overdue_first(
        rows,
        recommendation=lambda row: row.recommendation,
        overdue=lambda row: row.state.is_overdue,
    )


def focus_on(dashboard, super_complaint):
    """
    The same dashboard with its charts and area tables narrowed to one super-complaint
    (every figure stays in the CSV and the per-super-complaint table).
    """
    empty = [None] * len(dashboard.trend_months)
    areas = [
        replace(
            area,
            overall=area.by_super_complaint.get(super_complaint.pk, Figures()),
            trend=area.trend_by_super_complaint.get(super_complaint.pk, empty),
        )
        for area in dashboard.areas
    ]
    return replace(dashboard, areas=areas, focus=super_complaint)


@dataclass
class Shown:
    """The organisation of a dashboard, the organisations it shows, and the national bodies."""

    organisation: Organisation
    organisations: list
    # Whose answers the latest changes list where a shown organisation awaits their guidance:
    # with the shown ones, what the dashboard's own parts are kept under.
    national_body_ids: list

    @property
    def answering_ids(self):
        """The organisations whose answers the dashboard's own parts show (sorted pks)."""
        return sorted({o.pk for o in self.organisations} | set(self.national_body_ids))


def dashboard_organisations(*, slug):
    """
    The organisation `slug` and the organisations its dashboard shows (itself and its paired
    force or body while that is active), and the national bodies. 1 query.
    """
    found = list(
        Organisation.objects.select_related("paired").filter(
            Q(slug=slug) | Q(kind=Organisation.Kind.NATIONAL_BODY)
        )
    )
    organisation = next((o for o in found if o.slug == slug), None)
    if organisation is None:
        raise Http404("No organisation has this address.")
    organisations = [organisation]
    if organisation.paired and organisation.paired.active:
        organisations.append(organisation.paired)
    national = sorted(o.pk for o in found if o.kind == Organisation.Kind.NATIONAL_BODY)
    return Shown(organisation, organisations, national)


def dashboard_shown(*, slug):
    """
    (`dashboard_organisations(slug=slug)`, the fingerprints of the data and of the answers the
    dashboard's own parts show ({"data": ..., "organisations": ...})): one query while who is
    shown is kept under the address (core.caching.found_by_address; both scopes read the
    organisations table, so an edit or a new pairing finds them afresh).
    """
    return found_by_address(
        ("dashboard", slug),
        lambda: dashboard_organisations(slug=slug),
        lambda shown: fingerprints("data", "organisations", organisations=shown.answering_ids),
    )


def dashboard_get(*, slug, today, own_fingerprint=None):
    """
    The dashboard of the organisation `slug` and its paired force or body. A fixed number of
    queries (pinned in the tests): the organisation, the figures' source (2 fingerprints, and
    3 more on an empty cache), the counts (`build_areas`) unless cached, and the priority
    answers (`priority_answers`: 2, or 4 when some recommendation is a priority). What changed
    since the reader's last visit is theirs: `reporting.views.changes_since`.
    `own_fingerprint`: the shown organisations' (core.caching's "organisations" scope), when
    read already, to keep their own counts under.
    """
    shown = dashboard_organisations(slug=slug)
    organisation, organisations = shown.organisation, shown.organisations
    source = figure_source(today=today)
    areas = build_areas(
        organisations=organisations, source=source, own_fingerprint=own_fingerprint
    )
    shown_super_complaints = set()
    for area in areas[: len(organisations)]:
        shown_super_complaints.update(area.by_super_complaint)
    super_complaints = sorted(
        (source.super_complaints[pk] for pk in shown_super_complaints),
        key=lambda sc: (sc.report_published_on or datetime.date.min, sc.pk),
        reverse=True,
    )
    return Dashboard(
        organisation=organisation,
        organisations=organisations,
        areas=areas,
        super_complaints=super_complaints,
        today=today,
        trend_months=list(range(TREND_MONTHS + 1)),
        priority=priority_answers(organisations=organisations, today=today),
    )


# --- the figures as rows (CSV now; other formats can reuse them) -----------------------------

FIGURE_MEASURES = [
    ("Expected answers", lambda f: f.expected),
    ("Completed", lambda f: f.completed),
    ("Share completed (%)", lambda f: f.share_completed),
    ("Overdue", lambda f: f.overdue),
    ("Due", lambda f: f.due),
    ("Answered on time", lambda f: f.on_time),
    ("Answered late", lambda f: f.late),
    ("Stale", lambda f: f.stale),
    ("No deadline", lambda f: f.no_deadline),
    ("Needed an extension", lambda f: f.extended),
    *((f"Status: {label}", lambda f, code=code: f.statuses[code])
      for code, label, _ in STATUS_ORDER),
]
ALL_SUPER_COMPLAINTS = "All super-complaints"
# The priority figures of each organisation shown (issue 14): read fresh, not from the cache.
PRIORITY_EXPECTED = "Priority recommendations: expected answers"
PRIORITY_OVERDUE = "Priority recommendations: overdue"


def dashboard_rows(dashboard):
    """
    Return (header, rows): every figure on the dashboard, one per row (area, super-complaint,
    measure, value), "All super-complaints" first, then the completion trend by month, then
    (for each organisation shown) its priority answers expected and overdue.
    """
    header = ["Area", "Super-complaint", "Measure", "Value"]
    rows = []
    for area in dashboard.areas:
        scopes = [(ALL_SUPER_COMPLAINTS, area.overall)] + [
            (sc.short_title, area.by_super_complaint[sc.pk])
            for sc in dashboard.super_complaints
            if sc.pk in area.by_super_complaint
        ]
        for scope, figures in scopes:
            rows.extend([area.name, scope, name, value(figures)] for name, value in FIGURE_MEASURES)
        rows.extend(
            [area.name, ALL_SUPER_COMPLAINTS,
             f"Share completed within {month} months of publication (%)", share]
            for month, share in zip(dashboard.trend_months, area.trend, strict=True)
        )
        if area.organisation_pk is not None:
            priority = [r for r in dashboard.priority if r.organisation.pk == area.organisation_pk]
            rows.append([area.name, ALL_SUPER_COMPLAINTS, PRIORITY_EXPECTED, len(priority)])
            rows.append([area.name, ALL_SUPER_COMPLAINTS, PRIORITY_OVERDUE,
                         sum(1 for r in priority if r.state.is_overdue)])
    return header, rows
