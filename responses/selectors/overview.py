"""
Reads for the national overview: a league table of organisations by overdue, stale and
completed answers, the way public trackers rank non-responders. A fixed number of queries.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from recommendations.models import Organisation

from ..choices import ExtensionDecision
from ..filtersets import OverviewFilterSet
from ..models import ExtensionRequest
from .figures import Figures, figure_source, figures_by_organisation


@dataclass
class OverviewRow:
    rank: int
    organisation: Organisation
    figures: Figures


@dataclass
class Overview:
    filterset: OverviewFilterSet
    rows: list
    super_complaint: object  # the one chosen, or None for all
    today: datetime.date
    totals: Figures
    figures_key: str = ""  # what the table shows depends on: the figures' key and the filters


def league_order(row):
    """Most overdue first, then most stale, then least completed, then by name."""
    figures = row.figures
    return (-figures.overdue, -figures.stale, figures.share_completed or 0,
            row.organisation.name)


def overview(*, filters, today):
    """
    Every active organisation that must answer something (in the chosen super-complaint),
    filtered by region and kind, ranked by `league_order`. A fixed number of queries (pinned
    in the tests), fewer once the figures are cached; after a publication only the
    organisations whose responses changed are counted again (`figures.partitioned_counts`).
    """
    filterset = OverviewFilterSet(
        filters or None, queryset=Organisation.objects.active().forces_first()
    )
    organisations = list(filterset.qs)
    super_complaint = (
        filterset.form.cleaned_data.get("super_complaint") if filterset.is_valid() else None
    )
    source = figure_source(today=today, super_complaint=super_complaint)
    by_organisation = figures_by_organisation(source)
    rows = [
        OverviewRow(rank=0, organisation=o, figures=by_organisation[o.pk])
        for o in organisations
        if o.pk in by_organisation
    ]
    rows.sort(key=league_order)
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    totals = Figures(
        expected=sum(r.figures.expected for r in rows),
        statuses=sum((r.figures.statuses for r in rows), Counter()),
        completed=sum(r.figures.completed for r in rows),
        overdue=sum(r.figures.overdue for r in rows),
        stale=sum(r.figures.stale for r in rows),
        extended=sum(r.figures.extended for r in rows),
    )
    return Overview(
        filterset=filterset, rows=rows, super_complaint=super_complaint, today=today,
        totals=totals,
        figures_key=repr((
            source.cache_key,
            [(name, filters.getlist(name) if filters else []) for name in filterset.filters],
        )),
    )


def extensions_awaiting_decision(*, super_complaint=None):
    """
    The requests for more time that no national reviewer has decided yet (in one
    super-complaint, or all), oldest first, with their response's organisation and
    recommendation. 1 query.
    """
    requests = ExtensionRequest.objects.filter(decision=ExtensionDecision.PENDING)
    if super_complaint is not None:
        requests = requests.filter(response__recommendation__super_complaint=super_complaint)
    return list(
        requests.select_related(
            "requested_by", "response__organisation", "response__recommendation__super_complaint"
        ).order_by("requested_at", "pk")
    )
