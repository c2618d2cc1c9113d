"""
Reads for the dashboards (DESIGN.md section 4, page 9) and the national overview: an
organisation with its paired force or body, against its region and England and Wales.

Figures come from `selectors.figures` (SQL aggregates); this module groups them into areas,
builds the completion trend and the charts' geometry, and lists what changed since the last
visit. A fixed number of queries whatever the data size (pinned in the tests).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from recommendations.models import Organisation

from ..charts import grouped_bars, line_chart, stacked_bars
from ..choices import NO_RESPONSE, NO_RESPONSE_LABEL, Status
from ..models import Response, ResponseUpdate
from .figures import Figures, completions_by_month, figure_set, months_old

ENGLAND_AND_WALES = "England and Wales"
TREND_MONTHS = 24  # the trend follows each report for its first two years
CHANGES_LIMIT = 20

# The Analysis Function's categorical palette, in order; adjacent colours differ by 3:1 or
# more against white and each other in this order, and each series also has its own marker
# shape and a direct label, so colour is never the only cue.
AREA_STYLES = [
    ("#12436D", "circle"),
    ("#28A197", "square"),
    ("#801650", "triangle"),
    ("#F46A25", "diamond"),
]

# Status order in the distribution, with the colours of the status tags' text (dark enough
# for 3:1 against white) so the chart reads like the tags.
STATUS_ORDER = [
    (NO_RESPONSE, NO_RESPONSE_LABEL, "#505a5f"),
    (Status.NOT_STARTED, Status.NOT_STARTED.label, "#942514"),
    (Status.AWAITING_NATIONAL, Status.AWAITING_NATIONAL.label, "#594d00"),
    (Status.IN_PROGRESS, Status.IN_PROGRESS.label, "#0c2d4a"),
    (Status.NEARING_COMPLETION, Status.NEARING_COMPLETION.label, "#10403c"),
    (Status.COMPLETED, Status.COMPLETED.label, "#005a30"),
    (Status.NOT_ACCEPTED, Status.NOT_ACCEPTED.label, "#383f43"),
]


@dataclass
class Area:
    """One column of the dashboard: an organisation, its region, or England and Wales."""

    name: str
    short_name: str
    organisation_ids: set
    overall: Figures = field(default_factory=Figures)
    by_super_complaint: dict = field(default_factory=dict)  # {super_complaint pk: Figures}
    trend: list = field(default_factory=list)  # [share completed (%) or None] by month
    colour: str = ""
    marker: str = ""


@dataclass
class Dashboard:
    organisation: Organisation
    organisations: list  # shown together: the organisation and its paired force or body
    areas: list  # the organisations shown, then region, then England and Wales
    super_complaints: list  # those the organisations shown must answer, newest first
    today: datetime.date
    last_visit: datetime.datetime | None = None
    changes: list = field(default_factory=list)
    trend_months: list = field(default_factory=list)

    @property
    def shown_areas(self):
        return self.areas[: len(self.organisations)]


def _area_figures(area, figures):
    for (super_complaint_id, organisation_id), pair in figures.by_pair.items():
        if organisation_id in area.organisation_ids:
            area.overall += pair
            area.by_super_complaint.setdefault(super_complaint_id, Figures())
            area.by_super_complaint[super_complaint_id] += pair


def _trend(area, figures, completions):
    """
    The share of expected answers completed within m months of each report's publication, for
    m = 0..TREND_MONTHS; only reports at least m months old count at month m.
    """
    completed_by_super_complaint = Counter()
    by_offset = {}
    for (super_complaint_id, organisation_id), months in completions.items():
        if organisation_id in area.organisation_ids:
            by_offset.setdefault(super_complaint_id, Counter()).update(months)
    ages = {
        pk: months_old(sc.report_published_on, figures.today)
        for pk, sc in figures.super_complaints.items()
        if sc.report_published_on
    }
    trend = []
    for month in range(TREND_MONTHS + 1):
        expected = completed = 0
        for super_complaint_id, sc_figures in area.by_super_complaint.items():
            if ages.get(super_complaint_id, -1) < month:
                continue
            expected += sc_figures.expected
            completed_by_super_complaint[super_complaint_id] += by_offset.get(
                super_complaint_id, Counter()
            )[month]
            completed += completed_by_super_complaint[super_complaint_id]
        trend.append(round(100 * completed / expected) if expected else None)
    area.trend = trend


def build_areas(*, organisations, figures, completions):
    """The areas of a dashboard of `organisations` (1 or 2, a force and its body)."""
    kinds = {o.kind for o in organisations}
    regions = figures.regions
    areas = [Area(o.name, o.short_name, {o.pk}) for o in organisations]
    region = organisations[0].region
    if region:
        areas.append(
            Area(region, region, {pk for pk, kind in figures.organisations.items()
                                  if kind in kinds and regions.get(pk) == region})
        )
    areas.append(
        Area(ENGLAND_AND_WALES, ENGLAND_AND_WALES,
             {pk for pk, kind in figures.organisations.items() if kind in kinds})
    )
    for area, (colour, marker) in zip(areas, AREA_STYLES, strict=False):
        area.colour, area.marker = colour, marker
        _area_figures(area, figures)
        _trend(area, figures, completions)
    return areas


def changes_since(*, organisations, since, limit=CHANGES_LIMIT):
    """
    Published updates since `since` (the latest ones when None) from the organisations shown,
    and from national bodies on the super-complaints where one of them awaits national guidance.
    Newest first, at most `limit`. One query.
    """
    shown = [o.pk for o in organisations]
    awaited = Response.objects.filter(
        organisation_id__in=shown, current_status=Status.AWAITING_NATIONAL
    ).values("recommendation__super_complaint_id")
    updates = (
        ResponseUpdate.objects.published()
        .filter(
            Q(response__organisation_id__in=shown)
            | Q(
                response__organisation__kind=Organisation.Kind.NATIONAL_BODY,
                response__recommendation__super_complaint_id__in=Subquery(awaited),
            )
        )
        .annotate(published_at=Coalesce("signed_off_at", "created_at"))
        .select_related("response__organisation", "response__recommendation__super_complaint")
        .only(
            "pk", "as_of", "status", "signed_off_at", "created_at",
            "response__organisation__name", "response__organisation__slug",
            "response__recommendation__number", "response__recommendation__super_complaint__slug",
            "response__recommendation__super_complaint__short_title",
        )
    )
    if since is not None:
        updates = updates.filter(published_at__gt=since)
    return list(updates.order_by("-published_at", "-pk")[:limit])


def dashboard_get(*, slug, today, last_visit=None):
    """
    The dashboard of the organisation `slug` and its paired force or body. 7 queries (the
    organisation, the figures' 4, the completions, the changes).
    """
    organisation = get_object_or_404(Organisation.objects.select_related("paired"), slug=slug)
    organisations = [organisation]
    if organisation.paired and organisation.paired.active:
        organisations.append(organisation.paired)
    figures = figure_set(today=today)
    completions = completions_by_month()
    areas = build_areas(organisations=organisations, figures=figures, completions=completions)
    shown_super_complaints = set()
    for area in areas[: len(organisations)]:
        shown_super_complaints.update(area.by_super_complaint)
    super_complaints = sorted(
        (figures.super_complaints[pk] for pk in shown_super_complaints),
        key=lambda sc: (sc.report_published_on or datetime.date.min, sc.pk),
        reverse=True,
    )
    return Dashboard(
        organisation=organisation,
        organisations=organisations,
        areas=areas,
        super_complaints=super_complaints,
        today=today,
        last_visit=last_visit,
        changes=changes_since(organisations=organisations, since=last_visit),
        trend_months=list(range(TREND_MONTHS + 1)),
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
    *((f"Status: {label}", lambda f, code=code: f.statuses[code])
      for code, label, _ in STATUS_ORDER),
]
ALL_SUPER_COMPLAINTS = "All super-complaints"


def dashboard_rows(dashboard):
    """
    Return (header, rows): every figure on the dashboard, one per row (area, super-complaint,
    measure, value), "All super-complaints" first, then the completion trend by month.
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
    return header, rows


# --- the charts ---------------------------------------------------------------------------------

SUMMARY_MEASURES = [
    ("Completed", "share_completed"),
    ("Answered on time", "share_on_time"),
    ("Overdue", "share_overdue"),
    ("Stale", "share_stale"),
]


def _share_of(area, super_complaint):
    figures = area.by_super_complaint.get(super_complaint.pk)
    return figures.share_completed if figures else None


def _own_counts(area, super_complaint):
    figures = area.by_super_complaint.get(super_complaint.pk)
    return (figures.overdue, figures.stale) if figures else (None, None)


def _percent(value):
    return "no figure" if value is None else f"{value}%"


def dashboard_charts(dashboard):
    """The three charts of a dashboard, with the title stating each chart's main finding."""
    areas = dashboard.areas
    first, nation = areas[0], areas[-1]
    shown = " and ".join(a.name for a in dashboard.shown_areas)
    summary = grouped_bars(
        [
            (title, [(a.short_name, getattr(a.overall, attribute), a.colour) for a in areas])
            for title, attribute in SUMMARY_MEASURES
        ]
    )
    comparison = "more" if (first.overall.share_completed or 0) > (
        nation.overall.share_completed or 0) else "less"
    if first.overall.share_completed == nation.overall.share_completed:
        comparison = "the same share"
    summary_title = (
        f"{first.short_name} has completed {_percent(first.overall.share_completed)} of what is "
        f"asked of it: {comparison}"
        f"{' as' if comparison == 'the same share' else ' than'} {nation.name} "
        f"({_percent(nation.overall.share_completed)})"
    )
    statuses = stacked_bars(
        [(a.short_name, a.overall.statuses) for a in areas], STATUS_ORDER
    )
    most = max(
        STATUS_ORDER, key=lambda status: first.overall.statuses.get(status[0], 0)
    )
    status_title = (
        f"The most common position of {first.short_name} is “{most[1]}” "
        f"({first.overall.statuses.get(most[0], 0)} of {first.overall.expected})"
    )
    trend = line_chart(
        [(a.short_name, a.colour, a.marker, a.trend) for a in areas], dashboard.trend_months
    )
    # The finding reads at a year, or at the oldest age every report shown has reached.
    known = [m for m in dashboard.trend_months if m <= 12 and nation.trend[m] is not None]
    year = known[-1] if known else 0
    trend_title = (
        f"Within {year} month{'s' if year != 1 else ''} of a report, {first.short_name} had "
        "completed "
        f"{_percent(first.trend[year])}, against {_percent(nation.trend[year])} in {nation.name}"
    )
    comparators = areas[len(dashboard.organisations):]
    return {
        "shown": shown,
        "against": " and ".join(a.name for a in comparators),
        "status_rows": [
            (label, [a.overall.statuses.get(code, 0) for a in areas])
            for code, label, _ in STATUS_ORDER
        ],
        "trend_rows": [
            (month, [a.trend[month] for a in areas]) for month in dashboard.trend_months
        ],
        "per_super_complaint": [
            (
                sc,
                [_share_of(a, sc) for a in areas],
                [_own_counts(a, sc) for a in dashboard.shown_areas],
            )
            for sc in dashboard.super_complaints
        ],
        "summary": summary,
        "summary_title": summary_title,
        "statuses": statuses,
        "status_title": status_title,
        "trend": trend,
        "trend_title": trend_title,
        "summary_text": " ".join(
            f"{title}: " + ", ".join(
                f"{a.short_name} {_percent(getattr(a.overall, attribute))}" for a in areas
            ) + "."
            for title, attribute in SUMMARY_MEASURES
        ),
        "status_text": " ".join(
            f"{a.short_name}: " + ", ".join(
                f"{a.overall.statuses.get(code, 0)} {label.lower()}"
                for code, label, _ in STATUS_ORDER if a.overall.statuses.get(code, 0)
            ) + "."
            for a in areas
        ),
        "trend_text": " ".join(
            f"Within {month} months: " + ", ".join(
                f"{a.short_name} {_percent(a.trend[month])}" for a in areas
            ) + "."
            for month in dashboard.trend_months if month % 6 == 0
        ),
    }
