"""
The deadline rules (responses/deadlines.py) at their boundaries, the SQL form agreeing with the
Python form, the first-published date recorded once, and the expected-responses selector.
"""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps as django_apps

from deadlines.selectors import expected_responses
from recommendations.models import Organisation, Recommendation, SuperComplaint
from responses.choices import ReviewOutcome, Status
from responses.deadlines import (
    DeadlineKind,
    deadline_kind_expression,
    deadline_state,
    due_date,
    due_date_expression,
    due_dates_by_kind,
    is_stale,
    with_deadline_aliases,
)
from responses.models import Response
from tests.conftest import REFERENCE_FIXTURES, loaddata, published_update, submitted_update

D = datetime.date
FORCE = Organisation.Kind.POLICE_FORCE
LPB = Organisation.Kind.LOCAL_POLICING_BODY
NATIONAL = Organisation.Kind.NATIONAL_BODY


def recommendation_of(published_on, *, due_on=None, days=56, months=6):
    """An unsaved recommendation of an unsaved super-complaint: enough for `due_date`."""
    super_complaint = SuperComplaint(
        report_published_on=published_on, comments_due_after_days=days,
        progress_update_due_after_months=months,
    )
    return Recommendation(super_complaint=super_complaint, due_on=due_on)


DUE = D(2021, 6, 17)  # Safe to share? (published 17 December 2020): forces' progress update


def state(today, *, due=DUE, first=None, last=None, status="", closed=False):
    return deadline_state(
        due_on=due, first_published_on=first, last_published_on=last, status=status,
        closed=closed, today=today, months=6,
    )


# --- due dates ---------------------------------------------------------------------------


def test_forces_and_national_bodies_are_due_the_progress_update_six_months_on():
    recommendation = recommendation_of(D(2020, 12, 17))
    assert due_date(recommendation=recommendation, kind=FORCE) == D(2021, 6, 17)
    assert due_date(recommendation=recommendation, kind=NATIONAL) == D(2021, 6, 17)


def test_local_policing_bodies_are_due_their_comments_56_days_on():
    assert due_date(recommendation=recommendation_of(D(2020, 12, 17)), kind=LPB) == D(2021, 2, 11)


def test_a_recommendations_own_date_wins_for_every_kind():
    recommendation = recommendation_of(D(2020, 12, 17), due_on=D(2025, 3, 27))
    for kind in (FORCE, LPB, NATIONAL):
        assert due_date(recommendation=recommendation, kind=kind) == D(2025, 3, 27)


def test_there_is_no_due_date_without_a_publication_date():
    recommendation = recommendation_of(None)
    assert due_date(recommendation=recommendation, kind=FORCE) is None
    assert due_date(recommendation=recommendation, kind=LPB) is None
    assert state(D(2030, 1, 1), due=None).kind == DeadlineKind.NO_DEADLINE
    assert state(D(2030, 1, 1), due=None).label == "No deadline"


@pytest.mark.parametrize(
    ("published", "months", "due"),
    [
        (D(2021, 1, 31), 1, D(2021, 2, 28)),  # 31 January + 1 month: end of February
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # ... in a leap year
        (D(2023, 8, 31), 6, D(2024, 2, 29)),  # six months on into a leap February
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # a leap day a year on
        (D(2024, 8, 31), 1, D(2024, 9, 30)),  # a 30-day month
        (D(2020, 12, 17), 6, D(2021, 6, 17)),  # across a year end
    ],
)
def test_months_are_calendar_months_clamped_to_the_month_end(published, months, due):
    recommendation = recommendation_of(published, months=months)
    assert due_date(recommendation=recommendation, kind=FORCE) == due


def test_days_count_the_leap_day():
    assert due_date(recommendation=recommendation_of(D(2024, 1, 10)), kind=LPB) == D(2024, 3, 6)
    assert due_date(recommendation=recommendation_of(D(2023, 1, 10)), kind=LPB) == D(2023, 3, 7)


def test_due_dates_by_kind_names_each_kind_once_per_date():
    recommendation = recommendation_of(D(2020, 12, 17))
    assert due_dates_by_kind(recommendation=recommendation, kinds={FORCE, LPB, NATIONAL}) == [
        (D(2021, 2, 11), "local policing bodies"),
        (D(2021, 6, 17), "police forces and national bodies"),
    ]
    own = recommendation_of(D(2020, 12, 17), due_on=D(2025, 3, 27))
    assert due_dates_by_kind(recommendation=own, kinds={FORCE, LPB}) == [
        (D(2025, 3, 27), "police forces and local policing bodies")
    ]


# --- states ------------------------------------------------------------------------------


def test_the_due_day_itself_is_not_overdue():
    assert state(DUE).kind == DeadlineKind.DUE
    assert state(DUE).label == "Due today"
    assert not state(DUE).is_overdue


def test_the_day_after_the_due_day_is_overdue():
    after = state(DUE + datetime.timedelta(days=1))
    assert after.kind == DeadlineKind.OVERDUE
    assert after.label == "Overdue by 1 day"
    assert after.tag_class == "govuk-tag--red"
    assert state(DUE + datetime.timedelta(days=12)).label == "Overdue by 12 days"


def test_before_the_due_day_it_counts_down():
    assert state(DUE - datetime.timedelta(days=1)).label == "Due in 1 day"
    assert state(DUE - datetime.timedelta(days=12)).label == "Due in 12 days"
    assert state(DUE - datetime.timedelta(days=30)).is_due_within(30)
    assert not state(DUE - datetime.timedelta(days=31)).is_due_within(30)


def test_a_first_update_published_on_the_due_day_is_on_time():
    answered = state(D(2021, 7, 1), first=DUE, last=DUE, status=Status.IN_PROGRESS)
    assert answered.kind == DeadlineKind.ANSWERED_ON_TIME
    assert answered.label == "Answered on time"


def test_a_first_update_published_the_day_after_is_late():
    late = state(D(2021, 7, 1), first=DUE + datetime.timedelta(days=1), last=DUE,
                 status=Status.IN_PROGRESS)
    assert late.kind == DeadlineKind.ANSWERED_LATE
    assert late.label == "Answered 1 day late"


def test_a_published_not_started_is_an_answer_not_overdue():
    answered = state(D(2021, 7, 1), first=D(2021, 5, 1), last=D(2021, 5, 1),
                     status=Status.NOT_STARTED)
    assert not answered.is_overdue


def test_a_position_is_stale_the_day_after_it_is_six_months_old():
    last = D(2021, 8, 31)  # six months on is 28 February 2022
    kwargs = {"first": D(2021, 5, 1), "last": last, "status": Status.IN_PROGRESS}
    assert state(D(2022, 2, 28), **kwargs).kind == DeadlineKind.ANSWERED_ON_TIME
    stale = state(D(2022, 3, 1), **kwargs)
    assert stale.kind == DeadlineKind.STALE
    assert stale.label == "Stale: no update for 6 months"


@pytest.mark.parametrize(
    ("status", "closed"),
    [(Status.COMPLETED, False), (Status.NOT_ACCEPTED, False), (Status.IN_PROGRESS, True)],
)
def test_finished_or_closed_positions_never_go_stale(status, closed):
    assert not is_stale(last_published_on=D(2015, 1, 1), status=status, closed=closed,
                        today=D(2030, 1, 1), months=6)


def test_the_stale_age_comes_from_the_setting(settings):
    settings.STALE_AFTER_MONTHS = 12
    kwargs = {"last_published_on": D(2021, 1, 1), "status": Status.IN_PROGRESS, "closed": False}
    assert not is_stale(today=D(2021, 12, 1), **kwargs)
    assert is_stale(today=D(2022, 1, 2), **kwargs)


def test_an_answer_is_on_time_or_late_by_the_day_it_first_answered_not_its_latest_position():
    """
    Every publication records the day (imports too, and a migration filled the rest), so the
    rule reads that day alone: a later position does not make an early answer late.
    """
    answered = state(D(2021, 7, 1), first=D(2021, 6, 1), last=D(2021, 7, 1),
                     status=Status.IN_PROGRESS)
    assert answered.kind == DeadlineKind.ANSWERED_ON_TIME
    late = state(D(2021, 7, 1), first=D(2021, 7, 1), last=D(2021, 6, 1),
                 status=Status.IN_PROGRESS)
    assert late.label == "Answered 14 days late"


# --- the SQL form says the same ------------------------------------------------------------


@pytest.mark.parametrize(
    "published", [D(2021, 1, 31), D(2023, 8, 31), D(2024, 2, 29), D(2020, 12, 17)]
)
def test_the_sql_due_date_is_the_python_one(world, published):
    SuperComplaint.objects.filter(pk=world.super_complaint.pk).update(
        report_published_on=published
    )
    for organisation in (world.force_a, world.lpb_a):
        Response.objects.create(recommendation=world.rec_5, organisation=organisation)
    rows = Response.objects.select_related("recommendation__super_complaint", "organisation")
    assert rows.count() == 2  # a force's response and a local policing body's
    for row in rows.annotate(due=due_date_expression()):
        assert row.due == due_date(recommendation=row.recommendation, kind=row.organisation.kind)


def test_the_sql_deadline_kind_is_the_python_one_at_every_boundary(world):
    """Every combination of dates around the due day and the stale age, both ways."""
    force_due = D(2021, 6, 17)
    cases = []
    for first in (None, force_due, force_due + datetime.timedelta(days=1)):
        for status in ("", Status.IN_PROGRESS, Status.COMPLETED):
            for review in (ReviewOutcome.OPEN, ReviewOutcome.CLOSED):
                cases.append((first, status, review))
    organisations = []
    for i, (first, status, review) in enumerate(cases):
        organisation = Organisation.objects.create(
            slug=f"f-{i}", name=f"F {i}", short_name=f"F {i}", kind=FORCE
        )
        organisations.append(organisation)
        Response.objects.create(
            recommendation=world.rec_1, organisation=organisation, first_published_on=first,
            current_status=status if first else "",
            current_status_on=(first if first else None), review_outcome=review,
        )
    days = [force_due, force_due + datetime.timedelta(days=1),
            D(2021, 12, 17), D(2021, 12, 18), D(2021, 12, 19)]
    rows = Response.objects.select_related("recommendation__super_complaint", "organisation")
    assert rows.count() == len(cases) == 18
    for today in days:
        annotated = with_deadline_aliases(rows, months=6).annotate(
            kind_sql=deadline_kind_expression(today=today)
        )
        for row in annotated:
            expected = deadline_state(
                due_on=due_date(recommendation=row.recommendation, kind=row.organisation.kind),
                first_published_on=row.first_published_on,
                last_published_on=row.current_status_on, status=row.current_status,
                closed=row.review_outcome == ReviewOutcome.CLOSED, today=today, months=6,
            )
            assert row.kind_sql == expected.kind, (today, row.first_published_on,
                                                   row.current_status, row.review_outcome)


# --- the first publication is recorded once --------------------------------------------------


def test_the_first_publication_date_is_recorded_once(world, response):
    with time_machine.travel(datetime.datetime(2021, 6, 20, 12, tzinfo=datetime.UTC)):
        published_update(world, response, as_of=D(2021, 6, 1))
    with time_machine.travel(datetime.datetime(2021, 9, 1, 12, tzinfo=datetime.UTC)):
        published_update(world, response, as_of=D(2021, 8, 30))
    response.refresh_from_db()
    assert response.first_published_on == D(2021, 6, 20)
    assert response.current_status_on == D(2021, 8, 30)


def test_an_update_not_yet_signed_off_records_nothing(world, response):
    submitted_update(world, response)
    response.refresh_from_db()
    assert response.first_published_on is None


def test_the_migration_fills_the_date_from_existing_updates(world, response):
    published_update(world, response, as_of=D(2021, 6, 1))
    Response.objects.filter(pk=response.pk).update(first_published_on=None)
    migration = importlib.import_module(
        "responses.migrations.0008_response_first_published_on"
    )
    migration.record_first_published(django_apps, None)
    response.refresh_from_db()
    assert response.first_published_on is not None


def test_every_answered_response_of_the_demo_data_records_its_first_answer(db):
    """The rules read the day alone, so data loaded as published must carry it."""
    loaddata(*REFERENCE_FIXTURES, "demo_responses")
    answered = Response.objects.exclude(current_status="")
    assert answered.exists()
    assert not answered.filter(first_published_on__isnull=True).exists()


# --- expected responses ------------------------------------------------------------------------


def test_every_expected_pair_is_listed_and_a_missing_row_is_overdue(
    world, django_assert_num_queries
):
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     as_of=D(2021, 5, 1))
    Response.objects.filter(organisation=world.force_a).update(first_published_on=D(2021, 5, 2))
    with django_assert_num_queries(4):
        rows = expected_responses(today=D(2021, 7, 1))
    pairs = {(row.organisation.slug, row.recommendation.number): row for row in rows}
    # Forces answer 1 and 5, the Home Office 2, the local policing body 5; nobody inactive.
    assert set(pairs) == {
        ("force-a", "1"), ("force-a", "5"), ("force-b", "1"), ("force-b", "5"),
        ("force-a-pcc", "5"), ("home-office", "2"),
    }
    assert pairs["force-a", "1"].state.kind == DeadlineKind.ANSWERED_ON_TIME
    assert pairs["force-b", "1"].response is None
    assert pairs["force-b", "1"].state.label == "Overdue by 14 days"
    assert pairs["force-a-pcc", "5"].due_on == D(2021, 2, 11)
    assert pairs["force-a-pcc", "5"].state.is_overdue
    assert pairs["force-b", "1"].url.endswith("/recommendations/1/force-b/")


def test_expected_responses_narrow_to_organisations_and_a_super_complaint(
    world, django_assert_num_queries
):
    other = SuperComplaint.objects.create(
        slug="other", title="Other", short_title="Other", complainants="Someone",
    )
    Recommendation.objects.create(super_complaint=other, number="1", text="<p>x</p>") \
        .recipient_groups.add(world.chief_constables)
    with django_assert_num_queries(4):
        rows = expected_responses(
            organisation_ids=[world.force_b.pk], super_complaint=world.super_complaint,
            today=D(2021, 6, 1),
        )
    assert [(r.organisation.slug, r.recommendation.number) for r in rows] == [
        ("force-b", "1"), ("force-b", "5")
    ]
    assert rows[0].state.label == "Due in 16 days"
    everything = expected_responses(organisation_ids=[world.force_b.pk], today=D(2021, 6, 1))
    undated = [r for r in everything if r.recommendation.super_complaint == other]
    assert undated[0].state.kind == DeadlineKind.NO_DEADLINE
    assert expected_responses(organisation_ids=[], today=D(2021, 6, 1)) == []


def test_services_are_not_needed_to_read_deadlines(world):
    """The selector reads only: it writes no Response rows for the gaps."""
    expected_responses(today=D(2021, 7, 1))
    assert not Response.objects.exists()


def test_an_approved_extension_is_the_due_date_in_sql_and_python_alike(world):
    """The extended date wins over the recommendation's own date and the computed one."""
    world.rec_5.due_on = D(2021, 3, 1)
    world.rec_5.save()
    extended = D(2021, 9, 30)
    Response.objects.create(
        recommendation=world.rec_5, organisation=world.force_a, extended_due_on=extended
    )
    Response.objects.create(recommendation=world.rec_5, organisation=world.lpb_a)
    rows = Response.objects.select_related("recommendation__super_complaint", "organisation")
    dates = {}
    for row in with_deadline_aliases(rows).annotate(
        due=due_date_expression(), original=due_date_expression(extended=False)
    ):
        python = due_date(recommendation=row.recommendation, kind=row.organisation.kind,
                          extended_to=row.extended_due_on)
        assert row.due == python
        dates[row.organisation.slug] = (row.due, row.original)
    assert dates == {
        "force-a": (extended, D(2021, 3, 1)),
        "force-a-pcc": (D(2021, 3, 1), D(2021, 3, 1)),
    }


def test_a_long_overdue_span_reads_in_years_and_months_a_short_one_in_days():
    """Issue 22: "Overdue by 1997 days" says nothing at a glance."""
    from responses.deadlines import DeadlineKind, DeadlineState

    due = datetime.date(2021, 6, 17)
    assert DeadlineState(DeadlineKind.OVERDUE, 1997, due).label == "Overdue by 5 years and 5 months"
    assert DeadlineState(DeadlineKind.OVERDUE, 59, due).label == "Overdue by 59 days"
    assert DeadlineState(DeadlineKind.OVERDUE, 365, due).label == "Overdue by 1 year"
    assert DeadlineState(DeadlineKind.ANSWERED_LATE, 92, due).label == "Answered 3 months late"
    assert DeadlineState(DeadlineKind.STALE, 400, due).label == (
        "Stale: no update for 1 year and 1 month")
