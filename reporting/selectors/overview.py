"""
Reads for the national overview: a league table of organisations by overdue, stale and
completed answers, the way public trackers rank non-responders. A fixed number of queries.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Max, Q

from deadlines import chasing
from recommendations.models import Organisation, Recommendation
from recommendations.selectors import audiences_by_recommendation
from reporting.figures import Figures, cached_figures, figure_source, figures_by_organisation
from responses.choices import ChaserStep, ExtensionDecision
from responses.deadlines import DeadlineState, deadline_state, due_date, priority_overdue_first
from responses.filtersets import OverviewFilterSet
from responses.models import Chaser, ExtensionRequest, Response, response_url

# The chasing ladder lists this many overdue answers a page, in the order they are worked on.
LADDER_LIMIT = 25
# The league table lists this many organisations a page.
LEAGUE_PAGE_SIZE = 25


@dataclass
class OverviewRow:
    rank: int
    organisation: Organisation
    figures: Figures
    tied: bool = False  # the same figures as another row: an equal rank ("=3")


@dataclass
class Overview:
    filterset: OverviewFilterSet
    rows: list
    super_complaint: object  # the one chosen, or None for all
    today: datetime.date
    totals: Figures


def league_standing(row):
    """What a rank is decided by: most overdue first, then most stale, then least completed."""
    figures = row.figures
    return (-figures.overdue, -figures.stale, figures.share_completed or 0)


def league_order(row):
    """`league_standing`, then by name (for the order of rows; ties keep an equal rank)."""
    return (*league_standing(row), row.organisation.name)


def rank_rows(rows):
    """
    Give each row of `rows` (in `league_order`) its rank as sports tables do: tied rows share
    the rank of the first of them and are marked `tied` ("=3"), and the next row's rank counts
    every row above it (1, 2, =3, =3, 5), so a rank never depends on the alphabet.
    """
    for position, row in enumerate(rows, start=1):
        previous = rows[position - 2] if position > 1 else None
        if previous is not None and league_standing(previous) == league_standing(row):
            row.rank = previous.rank
            row.tied = previous.tied = True
        else:
            row.rank = position


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
    rank_rows(rows)
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


@dataclass
class LadderRow:
    """An overdue answer and where it stands on the chasing ladder."""

    recommendation: Recommendation  # with `super_complaint` loaded
    organisation: Organisation
    due_on: datetime.date
    state: DeadlineState
    last_step: int = 0  # 0: not chased yet
    last_sent_on: datetime.date | None = None
    url: str = ""  # the response page (set on the rows shown)

    @property
    def chased(self):
        """"Reminder sent", ..., or "Not chased yet"."""
        return chasing.SENT_LABELS.get(self.last_step, chasing.NOT_CHASED)

    @property
    def next_step_label(self):
        following = chasing.next_step(self.last_step)
        return following.label if following else ""


@dataclass
class Ladder:
    """
    The overdue answers, priority recommendations' first, each part in `chasing.chase_order`;
    a page of LADDER_LIMIT of them.
    """

    rows: list  # of the page asked for
    total: int
    # [(step label, how many)]: "Not chased yet" first, then each step sent.
    by_step: list = field(default_factory=list)
    first: int = 0  # how many rows come before this page's

    @property
    def more(self):
        return self.total - len(self.rows)

    def page(self, number):
        """A Django Page of the ladder (page `number`), for the GOV.UK pagination."""
        return Paginator(range(self.total), LADDER_LIMIT).get_page(number)


def chasing_ladder(*, today, super_complaint=None, fingerprint=None, region="", kind="",
                   page=1):
    """
    Every overdue answer (in one super-complaint, or all) by the step of the chasing ladder it
    has reached, in the order a reviewer works through them (`chasing.chase_order`): not chased
    yet first, longest overdue first. The same for every reviewer, so kept in Django's cache
    under the day and the fingerprint of the data (`data_fingerprint`, which a letter sent, a
    publication or an approved extension changes; pass it when already read): 1 query unless
    given, plus 5 on a cache miss. The overview's filters narrow it as they narrow the league
    table: to a super-complaint, and to the organisations of a `region` and `kind`. `page`
    (from 1): which LADDER_LIMIT rows are listed; the counts are of them all.
    """
    key = (
        "chasing-ladder", today.isoformat(), super_complaint.pk if super_complaint else "all",
        region, kind, page, *(fingerprint or fingerprint("data")),
    )
    return cached_figures(
        key, lambda: _chasing_ladder(today, super_complaint, region=region, kind=kind, page=page)
    )


def _overdue_unanswered(today, super_complaint, *, region="", kind=""):
    """
    Return [(recommendation, organisation, DeadlineState)] of every expected answer that is
    overdue with nothing published: the answers the ladder chases. 5 queries.

    `expected_responses` gives the same answers with a Response object and a state for each of
    the ~66,000 expected pairs at national scale, several seconds; this reads the responses as
    values and works out each (recommendation, kind of organisation)'s due date once, so only
    the unanswered pairs are put to `deadlines.deadline_state`.
    """
    organisations = Organisation.objects.active().order_by("name")
    if region:
        organisations = organisations.filter(region=region)
    if kind:
        organisations = organisations.filter(kind=kind)
    organisations = list(organisations)
    recommendations = Recommendation.objects.select_related("super_complaint").in_order()
    if super_complaint is not None:
        recommendations = recommendations.filter(super_complaint=super_complaint)
    recommendations = list(recommendations)
    audiences = audiences_by_recommendation(recommendations)
    responses = Response.objects.order_by()
    if super_complaint is not None:
        responses = responses.filter(recommendation__super_complaint=super_complaint)
    # The rows that differ from "nothing published, due on the computed date": answered ones
    # (never chased; ~60,000 at national scale, so read as two numbers and a flag) and
    # extended ones (due on their own date).
    answered = defaultdict(set)
    extended = {}
    for recommendation_id, organisation_id, is_answered, extended_due_on in (
        responses.filter(chasing.answered_condition() | Q(extended_due_on__isnull=False))
        .annotate(is_answered=ExpressionWrapper(
            chasing.answered_condition(), output_field=BooleanField()
        ))
        .values_list("recommendation_id", "organisation_id", "is_answered", "extended_due_on")
    ):
        if is_answered:
            answered[recommendation_id].add(organisation_id)
        else:
            extended[recommendation_id, organisation_id] = extended_due_on
    by_kind = defaultdict(list)
    for organisation in organisations:
        by_kind[organisation.kind].append((organisation.pk, organisation))
    overdue = []
    for recommendation in recommendations:
        recommendation_id = recommendation.pk
        audience = audiences[recommendation_id]
        done = answered[recommendation_id]
        for kind, members in by_kind.items():
            computed = due_date(recommendation=recommendation, kind=kind)
            for organisation_id, organisation in members:
                if organisation_id in done or not audience.includes(organisation_id, kind):
                    continue
                state = deadline_state(
                    due_on=extended.get((recommendation_id, organisation_id), computed),
                    first_published_on=None, last_published_on=None, status="", closed=False,
                    today=today,
                )
                if state.is_overdue:
                    overdue.append((recommendation, organisation, state))
    return overdue


def _chasing_ladder(today, super_complaint, *, region="", kind="", page=1):
    chasers = Chaser.objects.order_by()
    if super_complaint is not None:
        chasers = chasers.filter(response__recommendation__super_complaint=super_complaint)
    reached = {
        (recommendation_id, organisation_id): (step, sent_on)
        for recommendation_id, organisation_id, step, sent_on in chasers.values_list(
            "response__recommendation_id", "response__organisation_id"
        ).annotate(step=Max("step"), sent_on=Max("sent_on"))
    }
    rows = []
    for recommendation, organisation, state in _overdue_unanswered(
        today, super_complaint, region=region, kind=kind
    ):
        step, sent_on = reached.get((recommendation.pk, organisation.pk), (0, None))
        rows.append(LadderRow(
            recommendation=recommendation, organisation=organisation, due_on=state.due_on,
            state=state, last_step=step, last_sent_on=sent_on,
        ))
    rows.sort(key=chasing.chase_order)
    # Every row is overdue: the answers to priority recommendations lead (issue 14, section 3).
    rows = priority_overdue_first(
        rows, recommendation=lambda row: row.recommendation, overdue=lambda row: True
    )
    counts = Counter(row.last_step for row in rows)
    by_step = [(chasing.NOT_CHASED, counts[0])] + [
        (chasing.SENT_LABELS[step], counts[step]) for step in ChaserStep
    ]
    first = (page - 1) * LADDER_LIMIT
    shown = rows[first:first + LADDER_LIMIT]
    for row in shown:
        row.url = response_url(row.recommendation, row.organisation)
    return Ladder(rows=shown, total=len(rows), by_step=by_step, first=first)
