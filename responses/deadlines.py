"""
Deadlines, computed from the data and never typed (issue 8, DESIGN.md section 3): the one home
of "when is an answer due" and "is it due, overdue, answered on time or late, or stale".

Two forms of the same rules live side by side here, so they cannot drift apart unnoticed:

- plain Python (`due_date`, `deadline_state`), for pages that show a few hundred rows;
- SQL expressions (`due_date_expression`, `deadline_kind_expression`) that the dashboards and
  the overview aggregate with GROUP BY at national scale. `tests/responses/test_deadlines.py`
  checks that both give the same answer at every boundary.

The dates the rules read:

- due date: an approved extension's date (`Response.extended_due_on`, issue 14); else the
  recommendation's own `due_on`; else the super-complaint's comments deadline
  (publication + `comments_due_after_days`) for local policing bodies and its progress-update
  deadline (publication + `progress_update_due_after_months`) for everyone else; none while the
  report has no publication date.
- first published: `Response.first_published_on`, the day it first answered: its first
  sign-off, or an imported position's date (`services.response_record_publication`, which
  every publication goes through, so a published response always has it).
- last published: `Response.current_status_on`, the date of the current published position.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce

from recommendations.models import Organisation, add_months

from .choices import ReviewOutcome, Status

# Statuses after which nothing more is expected, so a position cannot go stale.
FINAL_STATUSES = (Status.COMPLETED, Status.NOT_ACCEPTED)

# How far ahead "due soon" looks on the filters.
DUE_SOON_DAYS = 30


class DeadlineKind(models.TextChoices):
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    ANSWERED_ON_TIME = "answered_on_time", "Answered on time"
    ANSWERED_LATE = "answered_late", "Answered late"
    STALE = "stale", "Stale"
    NO_DEADLINE = "no_deadline", "No deadline"


# GOV.UK Frontend tag modifiers ("" is the plain, blue tag).
DEADLINE_TAG_CLASSES = {
    DeadlineKind.DUE: "",
    DeadlineKind.OVERDUE: "govuk-tag--red",
    DeadlineKind.ANSWERED_ON_TIME: "govuk-tag--green",
    DeadlineKind.ANSWERED_LATE: "govuk-tag--yellow",
    DeadlineKind.STALE: "govuk-tag--orange",
    DeadlineKind.NO_DEADLINE: "govuk-tag--grey",
}


class DeadlineFilter(models.TextChoices):
    """The deadline filters of the comparison and the organisation page."""

    OVERDUE = "overdue", "Overdue"
    DUE_SOON = "due_soon", f"Due within {DUE_SOON_DAYS} days"
    STALE = "stale", "Stale"


def deadline_matches(state, value):
    """Whether a DeadlineState passes the deadline filter `value` ("" lets everything through)."""
    if value == DeadlineFilter.OVERDUE:
        return state.is_overdue
    if value == DeadlineFilter.DUE_SOON:
        return state.is_due_within(DUE_SOON_DAYS)
    if value == DeadlineFilter.STALE:
        return state.is_stale
    return True


def priority_overdue_first(items, *, recommendation=lambda item: item,
                           overdue=lambda item: item.deadline.is_overdue):
    """
    Return `items` with the overdue answers to priority recommendations first, then everything
    else, each part in the order it was given: the one home of "priority overdue items lead
    every list of overdue items" (issue 14, section 3).

    Sort a list in its usual order first, then pass it here (a stable sort: nothing else
    moves). `recommendation` finds an item's Recommendation (the item itself by default) and
    `overdue` whether the item is overdue (its `deadline` DeadlineState by default).
    """
    return sorted(items, key=lambda item: not (recommendation(item).priority and overdue(item)))


def stale_after_months():
    """The age (in months) after which an unfinished position is stale: `STALE_AFTER_MONTHS`."""
    return settings.STALE_AFTER_MONTHS


def due_date(*, recommendation, kind, extended_to=None):
    """
    Return the date an organisation of `kind` must first answer `recommendation` by, or None
    when there is no deadline yet (the report has no publication date and no own date is set).

    `extended_to` is the response's `extended_due_on` (the latest approved extension, issue 14):
    when set it is the due date, and the computed one stays the "original" date.

    `recommendation.super_complaint` must be loaded (select_related) by the caller.
    """
    if extended_to:
        return extended_to
    if recommendation.due_on:
        return recommendation.due_on
    super_complaint = recommendation.super_complaint
    if kind == Organisation.Kind.LOCAL_POLICING_BODY:
        return super_complaint.comments_due_on
    return super_complaint.progress_update_due_on


KIND_DUE_LABELS = {
    Organisation.Kind.POLICE_FORCE: "police forces",
    Organisation.Kind.LOCAL_POLICING_BODY: "local policing bodies",
    Organisation.Kind.NATIONAL_BODY: "national bodies",
}


def due_dates_by_kind(*, recommendation, kinds):
    """
    Return [(date, "police forces and national bodies"), ...]: the due dates that apply to the
    given kinds of organisation, one entry per distinct date, earliest first.
    """
    by_date = {}
    for kind in Organisation.Kind.values:
        if kind in kinds:
            by_date.setdefault(due_date(recommendation=recommendation, kind=kind), []).append(
                KIND_DUE_LABELS[kind]
            )
    return sorted(
        ((day, " and ".join(labels)) for day, labels in by_date.items() if day),
        key=lambda item: item[0],
    )


def _days(count):
    return f"{count} day" if count == 1 else f"{count} days"


def _plural(count, word):
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# A span of this many days or more reads in months and years: "Overdue by 1997 days" means
# nothing at a glance, "Overdue by 5 years and 5 months" does (issue 22).
DAYS_BEFORE_MONTHS = 60
DAYS_IN_A_MONTH = 365.25 / 12


def _span(count, start=None):
    """
    A number of days as people say it: "12 days" under two months, else whole months and years
    ("2 months", "1 year", "5 years and 5 months"), rounded down: counted on the calendar from
    `start` when the span's first day is known, else in average months.
    """
    if count < DAYS_BEFORE_MONTHS:
        return _days(count)
    if start is not None:
        end = start + datetime.timedelta(days=count)
        months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    else:
        months = int(count // DAYS_IN_A_MONTH)
    years, months = divmod(months, 12)
    parts = [_plural(years, "year")] if years else []
    if months:
        parts.append(_plural(months, "month"))
    return " and ".join(parts)


@dataclass(frozen=True)
class DeadlineState:
    """Where an expected response stands against its deadline, in words and as a tag."""

    kind: str
    days: int | None = None  # until due, overdue by, late by, or since the last position
    due_on: datetime.date | None = None
    # The last position's date, for a stale one: its span is counted on the calendar from it.
    since: datetime.date | None = None

    @property
    def label(self):
        if self.kind == DeadlineKind.DUE:
            return "Due today" if self.days == 0 else f"Due in {_days(self.days)}"
        if self.kind == DeadlineKind.OVERDUE:
            return f"Overdue by {_span(self.days, self.due_on)}"
        if self.kind == DeadlineKind.ANSWERED_LATE:
            return f"Answered {_span(self.days, self.due_on)} late"
        if self.kind == DeadlineKind.STALE:
            return f"Stale: no update for {_span(self.days, self.since)}"
        return DeadlineKind(self.kind).label

    @property
    def tag_class(self):
        return DEADLINE_TAG_CLASSES[self.kind]

    @property
    def flag(self):
        """
        The state in a word where a grid of statuses must flag it ("Overdue", "Stale"), else
        blank: the matrix has a cell per organisation and recommendation, and the days are on
        the comparison and response pages.
        """
        if self.kind in (DeadlineKind.OVERDUE, DeadlineKind.STALE):
            return DeadlineKind(self.kind).label
        return ""

    @property
    def is_overdue(self):
        return self.kind == DeadlineKind.OVERDUE

    @property
    def is_stale(self):
        return self.kind == DeadlineKind.STALE

    def is_due_within(self, days):
        """Unanswered and due within `days` days (today counts)."""
        return self.kind == DeadlineKind.DUE and self.days <= days

    def __str__(self):
        return self.label


def is_stale(*, last_published_on, status, closed, today, months=None):
    """
    An unfinished position (not completed, not "not accepted", not closed by a reviewer) whose
    date is more than `months` (default `STALE_AFTER_MONTHS`) calendar months before today.
    Exactly that many months old is not yet stale.
    """
    if not last_published_on or closed or status in FINAL_STATUSES:
        return False
    months = stale_after_months() if months is None else months
    return add_months(last_published_on, months) < today


def deadline_state(
    *, due_on, first_published_on, last_published_on, status, closed, today, months=None
):
    """
    Return the DeadlineState of an expected response.

    - Nothing published: "due in N days" up to and including the due day, "overdue by N days"
      from the day after; "no deadline" when there is no due date. A missing Response row is
      passed as nothing published.
    - Published: "stale" when `is_stale`; otherwise "answered on time" when the first update was
      published on or before the due day, "answered N days late" after it.
    """
    if not first_published_on:
        if due_on is None:
            return DeadlineState(DeadlineKind.NO_DEADLINE)
        if today <= due_on:
            return DeadlineState(DeadlineKind.DUE, (due_on - today).days, due_on)
        return DeadlineState(DeadlineKind.OVERDUE, (today - due_on).days, due_on)
    if is_stale(
        last_published_on=last_published_on, status=status, closed=closed, today=today,
        months=months,
    ):
        return DeadlineState(DeadlineKind.STALE, (today - last_published_on).days, due_on,
                             since=last_published_on)
    if due_on is None or first_published_on <= due_on:
        return DeadlineState(DeadlineKind.ANSWERED_ON_TIME, None, due_on)
    return DeadlineState(DeadlineKind.ANSWERED_LATE, (first_published_on - due_on).days, due_on)


def response_deadline_state(*, recommendation, organisation, response, today, months=None):
    """The DeadlineState of `organisation`'s answer to `recommendation` (`response` may be None)."""
    return deadline_state(
        due_on=due_date(
            recommendation=recommendation, kind=organisation.kind,
            extended_to=response.extended_due_on if response else None,
        ),
        first_published_on=response.first_published_on if response else None,
        last_published_on=response.current_status_on if response else None,
        status=response.current_status if response else "",
        closed=bool(response and response.review_outcome == ReviewOutcome.CLOSED),
        today=today,
        months=months,
    )


# The same rules in SQL, over the Response table (for aggregates). Date arithmetic differs
# between the databases, hence the two small functions with one form for each.


class AddDays(models.Func):
    """`date + days` (days an integer expression)."""

    output_field = models.DateField()
    arity = 2

    def as_postgresql(self, compiler, connection, **extra_context):
        day, days = self.get_source_expressions()
        day_sql, day_params = compiler.compile(day)
        days_sql, days_params = compiler.compile(days)
        return f"(({day_sql}) + CAST(({days_sql}) AS integer))", (*day_params, *days_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        day, days = self.get_source_expressions()
        day_sql, day_params = compiler.compile(day)
        days_sql, days_params = compiler.compile(days)
        return f"date({day_sql}, '+' || ({days_sql}) || ' days')", (*day_params, *days_params)


class AddMonths(models.Func):
    """
    `date + months` calendar months, clamped to the end of a short month as `add_months` is
    (31 January + 1 month = 28 or 29 February).
    """

    output_field = models.DateField()
    arity = 2

    def as_postgresql(self, compiler, connection, **extra_context):
        # PostgreSQL's interval arithmetic already clamps to the end of the month.
        day, months = self.get_source_expressions()
        day_sql, day_params = compiler.compile(day)
        months_sql, months_params = compiler.compile(months)
        interval = f"make_interval(months => CAST(({months_sql}) AS integer))"
        sql = f"CAST(({day_sql}) + {interval} AS date)"
        return sql, (*day_params, *months_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        day, months = self.get_source_expressions()
        day_sql, day_params = compiler.compile(day)
        months_sql, months_params = compiler.compile(months)
        # date() rolls an overflowing day into the next month; the last day of the target
        # month is the ceiling, and the smaller of the two is the clamped date.
        sql = (
            f"min(date({day_sql}, '+' || ({months_sql}) || ' months'), "
            f"date({day_sql}, 'start of month', '+' || (({months_sql}) + 1) || ' months', "
            f"'-1 day'))"
        )
        return sql, (*day_params, *months_params, *day_params, *months_params)


def due_date_expression(prefix="", *, extended=True):
    """
    The due date of a Response row as SQL (`prefix` "answer__" and the like to reach a
    Response through a relation): the rule of `due_date`, an approved extension first.
    `extended=False` gives the date as computed, before any extension (the "original" date).
    """
    recommendation = f"{prefix}recommendation__"
    published = F(f"{recommendation}super_complaint__report_published_on")
    extension = [F(f"{prefix}extended_due_on")] if extended else []
    return Coalesce(
        *extension,
        F(f"{recommendation}due_on"),
        Case(
            When(
                **{f"{prefix}organisation__kind": Organisation.Kind.LOCAL_POLICING_BODY},
                then=AddDays(
                    published, F(f"{recommendation}super_complaint__comments_due_after_days")
                ),
            ),
            default=AddMonths(
                published, F(f"{recommendation}super_complaint__progress_update_due_after_months")
            ),
            output_field=models.DateField(),
        ),
        output_field=models.DateField(),
    )


def stale_condition(*, today, prefix=""):
    """The rule of `is_stale` as a Q over a Response row; needs the alias `stale_from`."""
    return (
        Q(**{f"{prefix}current_status_on__isnull": False})
        & ~Q(**{f"{prefix}current_status__in": FINAL_STATUSES})
        & ~Q(**{f"{prefix}review_outcome": ReviewOutcome.CLOSED})
        & Q(stale_from__lt=today)
    )


def stale_from_expression(*, months=None, prefix=""):
    """The day a position stops being fresh: its date + `months` months (alias `stale_from`)."""
    months = stale_after_months() if months is None else months
    return AddMonths(F(f"{prefix}current_status_on"), Value(months))


def first_published_expression(prefix=""):
    """The day a Response row first answered (alias `first_published`)."""
    return F(f"{prefix}first_published_on")


def deadline_kind_expression(*, today, prefix=""):
    """
    The `kind` of `deadline_state` as SQL over a Response row. Needs the aliases `due_date`,
    `first_published` and `stale_from` (see `with_deadline_aliases`).
    """
    unanswered = Q(first_published__isnull=True)
    return Case(
        When(unanswered & Q(due_date__isnull=True), then=Value(DeadlineKind.NO_DEADLINE)),
        When(unanswered & Q(due_date__gte=today), then=Value(DeadlineKind.DUE)),
        When(unanswered, then=Value(DeadlineKind.OVERDUE)),
        When(stale_condition(today=today, prefix=prefix),
             then=Value(DeadlineKind.STALE)),
        When(Q(due_date__isnull=True) | Q(first_published__lte=F("due_date")),
             then=Value(DeadlineKind.ANSWERED_ON_TIME)),
        default=Value(DeadlineKind.ANSWERED_LATE),
        output_field=models.CharField(),
    )


def with_deadline_aliases(queryset, *, months=None, prefix=""):
    """
    Alias `due_date`, `computed_due_date` (before any extension), `first_published` and
    `stale_from` on a queryset of Response rows.
    """
    return queryset.alias(
        due_date=due_date_expression(prefix),
        computed_due_date=due_date_expression(prefix, extended=False),
        first_published=first_published_expression(prefix),
        stale_from=stale_from_expression(months=months, prefix=prefix),
    )
