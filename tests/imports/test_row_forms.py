"""
The row forms: one form checks one row of a file, and names each problem by row and column as
the refusal of the whole file lists it.
"""

import datetime

import pytest

from imports.portal import PortalRowContext, PortalRowForm
from imports.services import ImportRefused, portal_import
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
                          position_above=(4, "DCI Jones", datetime.date(2021, 3, 1), "month"))
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
