"""
The row forms: one form checks one row of a file, and names each problem by row and column as
the refusal of the whole file lists it.
"""

import datetime

import pytest

from imports.portal import PortalRowContext, PortalRowForm, Position
from imports.recommendations_sheet import RecommendationRowContext, RecommendationRowForm
from imports.services import ImportRefused, portal_import
from recommendations.models import RecipientGroup, Recommendation
from responses.choices import DatePrecision, Status
from responses.models import AWAITING_REQUIRED

from .helpers import HEADERS, portal_file, portal_row

MAY = "<p>DCI Smith, in consultation with OPCC</p> <p>May 2021</p>"


def portal_context(world):
    return PortalRowContext.load(organisation=world.force_a,
                                 super_complaint=world.super_complaint,
                                 response_column="FA RESPONSE")


def portal_cells(number=1, reference="#1", position=MAY, narrative="<p>Work under way.</p>",
                 **more):
    return {**dict(zip(HEADERS, portal_row(number, reference, position, narrative),
                       strict=True)), **more}


def test_a_good_portal_row_gives_the_update_it_will_publish(world):
    form = PortalRowForm(portal_cells(5, "<p>#17616</p>", STATUS="Completed"),
                         context=portal_context(world))

    assert form.is_valid(), form.errors
    row = form.cleaned_data
    assert row["recommendation"] == world.rec_5
    assert row["portal_reference"] == "#17616"
    assert row["position"].lead == "DCI Smith, in consultation with OPCC"
    assert (row["position"].as_of, row["position"].precision) == (datetime.date(2021, 5, 1),
                                                                  DatePrecision.MONTH)
    assert row["status"] == Status.COMPLETED


def test_a_portal_row_form_names_each_problem_by_row_and_column(world):
    form = PortalRowForm(
        portal_cells(1, "#" + "1" * 50, f"<p>{'Lead ' * 61}</p><p>June 2099</p>",
                     FORCE="Force B", STATUS="Finished"),
        context=portal_context(world),
    )

    assert not form.is_valid()
    assert [str(problem) for problem in form.problems(7)] == [
        "Row 7, column FORCE: This row is for Force B, not Force A Police",
        "Row 7, column REF: The reference must be 50 characters or fewer",
        "Row 7, column FORCE POSITION PROVIDED BY: The lead must be 300 characters or fewer",
        "Row 7, column FORCE POSITION PROVIDED BY: The date cannot be in the future",
        "Row 7, column STATUS: Use one of the statuses: Not started, In progress, In progress – "
        "nearing completion, Awaiting national guidance, Completed, Not accepted – no action to "
        "be taken",
    ]


def test_the_update_rules_are_reported_under_the_column_that_broke_them(world):
    form = PortalRowForm(portal_cells(STATUS="Not accepted", **{"FA RESPONSE": "<p></p>"}),
                         context=portal_context(world))
    assert [str(p) for p in form.problems(4)] == ["Row 4, column FA RESPONSE: The response is "
                                                  "empty"]

    form = PortalRowForm(portal_cells(STATUS="Awaiting national guidance", AWAITING=" "),
                         context=portal_context(world))
    assert [str(p) for p in form.problems(4)] == [f"Row 4, column AWAITING: {AWAITING_REQUIRED}"]


def test_an_empty_position_takes_the_row_above_and_a_dated_one_is_passed_down(world):
    context = portal_context(world)
    below = PortalRowForm(portal_cells(position=""), context=context,
                          position_above=Position("DCI Jones", datetime.date(2021, 3, 1),
                                                  DatePrecision.MONTH, from_row=4))
    assert below.is_valid()
    assert below.cleaned_data["position"].from_row == 4
    assert below.own_position is None

    # A position in the future is a problem of its row, but still the one the rows below take.
    future = PortalRowForm(portal_cells(position="<p>DCI Jones</p><p>June 2099</p>"),
                           context=context)
    assert not future.is_valid()
    assert future.own_position.as_of == datetime.date(2099, 6, 1)

    alone = PortalRowForm(portal_cells(position=""), context=context)
    assert [str(p) for p in alone.problems(4)] == [
        "Row 4, column FORCE POSITION PROVIDED BY: Give the lead and the month of this "
        "position, for example “DCI Smith / May 2021”"
    ]


def test_a_refused_file_lists_the_problems_its_row_forms_found(world):
    rows = [portal_row(1, "#" + "1" * 51, MAY), portal_row(5, "#5", "")]
    with pytest.raises(ImportRefused) as refused:
        portal_import(content=portal_file(rows), organisation=world.force_a,
                      super_complaint=world.super_complaint, user=None, by_command=True)
    # The second row takes the first's position: only the first row's reference is wrong.
    assert refused.value.messages == [
        "Row 4, column REF: The reference must be 50 characters or fewer",
    ]


def recommendation_form(world, *, row=2, index=1, **cells):
    context = RecommendationRowContext(
        super_complaint=world.super_complaint,
        existing={r.number.lower(): r for r in Recommendation.objects.all()},
        groups={g.name.lower(): g for g in RecipientGroup.objects.all()},
        first_row_of={"1": 2, "7": 3, "3a!": 2, "x" * 21: 2},
    )
    given = {"number": "7", "text": "Text.", "recipient groups": "Chief constables", **cells}
    return RecommendationRowForm(given, context=context, row=row, index=index)


def test_a_good_recommendation_row_gives_the_recommendation_it_will_write(world):
    form = recommendation_form(world, row=3, index=2, number="Recommendation 7",
                               title="  Stop   sharing ", **{"depends on": "1 and 5",
                                                            "due date": "by 27 March 2025"})
    assert form.is_valid(), form.errors
    row = form.cleaned_data
    assert (row["number"], row["order"], row["title"], row["text"]) == (
        "7", 2, "Stop sharing", "<p>Text.</p>")
    assert row["recipient_groups"] == [world.chief_constables]
    assert row["depends_on"] == ["1", "5"]
    assert row["due_on"] == datetime.date(2025, 3, 27)


def test_a_row_of_an_existing_recommendation_is_checked_on_a_copy(world):
    form = recommendation_form(world, number="1", title="New title")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["order"] == world.rec_1.order  # no order given: it keeps its place
    world.rec_1.refresh_from_db()
    assert form.existing.title == world.rec_1.title != "New title"


def test_a_recommendation_row_form_names_each_problem_by_row_and_column(world):
    form = recommendation_form(world, row=9, number="3a!", order="-3", title="T" * 301,
                               text=" ", **{"recipient groups": "Nobody; Chief constables",
                                            "depends on": "3a!, 12", "due date": "May 2025"})
    assert not form.is_valid()
    assert [str(problem) for problem in form.problems(9)] == [
        "Row 9, column number: A number is letters, digits, dots and dashes, 20 characters at "
        "most",
        "Row 9, column order: The order must be a whole number, for example 3",
        "Row 9, column title: The title must be 300 characters or fewer",
        "Row 9, column text: Enter the recommendation's text",
        "Row 9, column recipient groups: There is no recipient group called “Nobody”. Use one "
        "of: All recipients; Chief constables; Home Office; Police and crime commissioners (or "
        "equivalents)",
        "Row 9, column depends on: A recommendation cannot depend on itself",
        "Row 9, column depends on: There is no recommendation 12 in Safe to share? or in this "
        "file",
        "Row 9, column due date: The due date must be a real date, for example 27 March 2025 or "
        "2025-03-27",
    ]


def test_a_number_too_long_is_one_problem_not_two(world):
    form = recommendation_form(world, number="x" * 21)
    assert [str(problem) for problem in form.problems(2)] == [
        "Row 2, column number: A number is letters, digits, dots and dashes, 20 characters at "
        "most",
    ]
