"""
What a dashboard says: its three charts drawn on the server, the titles that state each chart's
main finding, and the sentences and table rows that give the same figures in words. The
selectors count (reporting.selectors.dashboard); this module only words and draws.
"""

from reporting.charts import grouped_bars, line_chart, stacked_bars
from reporting.selectors.dashboard import STATUS_ORDER

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


def _cell(value, unit=""):
    return "–" if value is None else f"{value}{unit}"


def _percent(value):
    return "no figure" if value is None else f"{value}%"


def dashboard_charts(dashboard):
    """The three charts of a dashboard, with the title stating each chart's main finding."""
    areas = dashboard.areas
    first, nation = areas[0], areas[-1]
    shown = dashboard.shown_names
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
        f"asked of it{' by ' + dashboard.focus.short_title if dashboard.focus else ''}: "
        f"{comparison}"
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
    return {
        "scope": dashboard.focus.short_title if dashboard.focus else "all super-complaints",
        "shown": shown,
        "against": dashboard.against_names,
        "status_rows": [
            (label, [a.overall.statuses.get(code, 0) for a in areas])
            for code, label, _ in STATUS_ORDER
        ],
        "trend_rows": [
            (month, [_cell(a.trend[month], "%") for a in areas])
            for month in dashboard.trend_months
        ],
        # Formatted here: the table has a row per super-complaint (100 at national scale).
        "per_super_complaint": [
            (
                sc,
                [_cell(_share_of(a, sc), "%") for a in areas]
                + [_cell(count) for a in dashboard.shown_areas for count in _own_counts(a, sc)],
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
