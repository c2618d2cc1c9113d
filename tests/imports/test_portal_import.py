"""The monitoring-portal import: planning, writing, all-or-nothing, and the real seed file."""

import datetime
from pathlib import Path

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from imports.portal import file_sha256, portal_plan
from imports.services import ImportRefused, portal_import
from recommendations.models import Organisation
from responses.choices import DatePrecision, Status, WorkflowState
from responses.deadlines import (
    DeadlineKind,
    deadline_kind_expression,
    response_deadline_state,
    with_deadline_aliases,
)
from responses.models import AWAITING_REQUIRED, Response, ResponseUpdate
from tests.conftest import REFERENCE_FIXTURES, loaddata, make_user, published_update

from .helpers import HEADERS, SEED_000, portal_file, portal_row, xlsx_file

MAY = "<p>DCI Smith, in consultation with OPCC</p> <p>May 2021</p>"


def second_approver(world):
    """Another approver of Force A, who signs off what `world.approver` imports."""
    from accounts.models import Membership

    user = getattr(world, "second_approver", None)
    if user is None:
        user = world.second_approver = make_user("beth", world.force_a, Membership.Role.APPROVER)
    return user


def run(world, content, user=None, organisation=None, signed_off_by=None):
    """Import as Force A's approver, signed off by its second approver, as the pages do."""
    return portal_import(content=content, organisation=organisation or world.force_a,
                         super_complaint=world.super_complaint, user=user or world.approver,
                         signed_off_by=signed_off_by or second_approver(world))


def test_the_real_seed_imports_as_published_month_dated_updates_once(db, client):
    loaddata(*REFERENCE_FIXTURES)
    syp = Organisation.objects.get(slug="south-yorkshire")
    content = Path(SEED_000).read_bytes()

    call_command("import_portal", SEED_000, organisation="south-yorkshire",
                 super_complaint="safe-to-share", verbosity=0)

    updates = ResponseUpdate.objects.filter(response__organisation=syp).select_related(
        "response__recommendation").order_by("response__recommendation__order")
    assert [(u.response.recommendation.number, u.response.portal_reference) for u in updates] == [
        ("1", "#17527"), ("4", "#17573"), ("5", "#17616"),
    ]
    for update in updates:
        assert update.state == WorkflowState.PUBLISHED
        assert (update.as_of, update.as_of_precision) == (datetime.date(2021, 5, 1), "month")
        assert update.response.lead == "DCI Deborah Mahmood, in consultation with OPCC"
        assert update.imported_sha256 == file_sha256(content)
        assert update.imported_at is not None
        assert update.response.current_update_id == update.pk
        assert update.response.current_status_precision == DatePrecision.MONTH
    assert "PVP Governance have reviewed" in updates[0].narrative
    # The audit trail records each imported update, with its import marks.
    entry = LogEntry.objects.get_for_object(updates[0]).get()
    assert entry.changes_dict["imported_sha256"][1] == file_sha256(content)

    call_command("import_portal", SEED_000, organisation="south-yorkshire",
                 super_complaint="safe-to-share", verbosity=0)
    assert ResponseUpdate.objects.count() == 3
    assert Response.objects.count() == 3

    client.force_login(make_user("reader"))
    page = client.get(updates[0].response.get_absolute_url())
    text = page.content.decode()
    assert "As of May 2021" in text
    assert "1 May 2021" not in text
    assert "Imported from the monitoring portal" in text


def test_dry_run_writes_nothing(db):
    loaddata(*REFERENCE_FIXTURES)
    call_command("import_portal", SEED_000, organisation="south-yorkshire",
                 super_complaint="safe-to-share", dry_run=True, verbosity=0)
    assert ResponseUpdate.objects.count() == 0


def test_a_windows_1252_file_imports_with_its_characters(world):
    narrative = "<p>Officers’ training – complete for 95% of staff.</p>"
    content = portal_file([portal_row(1, "#1", MAY, narrative)], encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    run(world, content)

    update = ResponseUpdate.objects.get()
    assert update.narrative == narrative


def test_a_utf8_file_with_a_byte_order_mark_imports(world):
    content = b"\xef\xbb\xbf" + portal_file([portal_row(1, "#1", MAY)]).lstrip()
    run(world, content)
    assert Response.objects.get().portal_reference == "#1"


def test_columns_in_another_order_import_the_same(world):
    content = portal_file([portal_row(1, "#1", MAY), portal_row(5, "#5", "")], order=[3, 2, 0, 1])

    run(world, content)

    responses = Response.objects.order_by("recommendation__order")
    assert [(r.recommendation.number, r.portal_reference, r.lead) for r in responses] == [
        ("1", "#1", "DCI Smith, in consultation with OPCC"),
        ("5", "#5", "DCI Smith, in consultation with OPCC"),
    ]


@pytest.mark.parametrize("column", ["FORCE A RESPONSE", "Response", "force response"])
def test_a_differently_named_response_column_is_found(world, column):
    content = portal_file([portal_row(1, "#1", MAY)], headers=[*HEADERS[:3], column])
    run(world, content)
    assert ResponseUpdate.objects.get().narrative == "<p>Work under way.</p>"


def test_a_response_column_named_after_another_force_is_refused(world):
    content = portal_file([portal_row(1, "#1", MAY)], headers=[*HEADERS[:3], "FORCE B RESPONSE"])
    with pytest.raises(ImportRefused) as refused:
        run(world, content)
    assert "Force B Constabulary's responses, not Force A Police's" in str(refused.value)
    assert not Response.objects.exists()


def test_an_xlsx_export_imports(world):
    run(world, xlsx_file([HEADERS, portal_row(1, "#1", MAY)]))
    assert ResponseUpdate.objects.get().as_of_precision == DatePrecision.MONTH


def test_one_bad_row_deep_in_the_file_refuses_it_all_and_names_the_row(world):
    rows = [portal_row(1 if i % 2 else 5, f"#{i}", f"<p>Lead</p><p>{i % 12 + 1}/2021</p>",
                       f"<p>Update {i}.</p>") for i in range(60)]
    rows[47] = portal_row(9, "#47", MAY)  # no recommendation 9

    with pytest.raises(ImportRefused) as refused:
        run(world, portal_file(rows))

    # Two blank lines and the header come first: data row 48 is line 51 of the file.
    assert [str(p) for p in refused.value.plan.problems] == [
        "Row 51, column SUPER-COMPLAINT RECOMMENDATION: Safe to share? has no recommendation 9"
    ]
    assert not Response.objects.exists()
    assert not ResponseUpdate.objects.exists()


def test_every_problem_is_listed_by_row_and_column(world):
    rows = [
        portal_row(1, "#1", "<p>Lead</p><p>Mayy 2021</p>"),
        portal_row(2, "#2", MAY),  # addressed to the Home Office only
        portal_row(1, "", MAY, ""),
        portal_row(5, "#5", "<p>Lead</p><p>June 2099</p>"),
    ]
    with pytest.raises(ImportRefused) as refused:
        run(world, portal_file(rows))
    assert [str(p) for p in refused.value.plan.problems] == [
        "Row 4, column FORCE POSITION PROVIDED BY: The date cannot be read: give a month and "
        "year, for example “May 2021”, or a full date",
        "Row 5, column SUPER-COMPLAINT RECOMMENDATION: Recommendation 2 is not addressed to "
        "Force A Police",
        "Row 6, column REF: Enter the portal reference, for example #17527",
        "Row 6, column FA RESPONSE: The response is empty",
        "Row 7, column FORCE POSITION PROVIDED BY: The date cannot be in the future",
    ]


def test_a_missing_column_refuses_the_file(world):
    content = portal_file([portal_row(1, "#1", MAY)[1:]], headers=HEADERS[1:])
    with pytest.raises(ImportRefused) as refused:
        run(world, content)
    assert "Row 3: The header row has no “REF” column" in refused.value.messages


def test_a_row_for_another_force_refuses_the_file(world):
    headers = [*HEADERS, "FORCE"]
    rows = [[*portal_row(1, "#1", MAY), "Force A"], [*portal_row(5, "#5", MAY), "Force B"]]
    with pytest.raises(ImportRefused) as refused:
        run(world, portal_file(rows, headers=headers))
    assert refused.value.messages == ["Row 5, column FORCE: This row is for Force B, not "
                                      "Force A Police"]


def test_a_file_that_is_not_a_table_is_refused(world):
    with pytest.raises(ImportRefused) as refused:
        run(world, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert refused.value.messages[0].startswith("The file must be a spreadsheet")


def test_html_is_sanitised(world):
    content = portal_file([portal_row(1, "#1", MAY, '<p onclick="x()">Done<script>alert(1)'
                                                   "</script></p>")])
    run(world, content)
    assert ResponseUpdate.objects.get().narrative == "<p>Done</p>"


def test_an_import_never_edits_a_published_update_nor_rolls_the_status_back(world):
    newer = published_update(world, recommendation=world.rec_1, organisation=world.force_a,
                             as_of=datetime.date(2022, 1, 10), status=Status.COMPLETED,
                             lead="DCS Jones", portal_reference="#1")
    before = ResponseUpdate.objects.values().get(pk=newer.pk)

    run(world, portal_file([portal_row(1, "#1", MAY)]))

    assert ResponseUpdate.objects.values().get(pk=newer.pk) == before
    response = Response.objects.get()
    assert response.updates.count() == 2
    assert (response.current_update_id, response.current_status) == (newer.pk, Status.COMPLETED)
    assert response.lead == "DCS Jones"


def test_a_later_row_without_a_position_takes_the_one_above(world):
    content = portal_file([portal_row(1, "#1", MAY), portal_row(5, "#5", "")])
    plan = portal_plan(content=content, organisation=world.force_a,
                       super_complaint=world.super_complaint)
    assert [(r.lead, r.as_of_display, r.position_from_row) for r in plan.rows] == [
        ("DCI Smith, in consultation with OPCC", "May 2021", None),
        ("DCI Smith, in consultation with OPCC", "May 2021", 4),
    ]


def test_the_same_row_twice_in_a_file_is_published_once(world):
    content = portal_file([portal_row(1, "#1", MAY), portal_row(1, "#1", MAY)])
    result = run(world, content)
    assert result.created_updates == 1
    assert [row.skip_reason for row in result.plan.rows] == ["", "Same as row 4"]


def test_the_command_lists_the_problems_and_writes_nothing(world, tmp_path, capsys):
    path = tmp_path / "export.txt"
    path.write_bytes(portal_file([portal_row(9, "#9", MAY)]))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_portal", str(path), organisation="force-a",
                     super_complaint="safe-to-share")
    assert "Row 4, column SUPER-COMPLAINT RECOMMENDATION" in capsys.readouterr().err
    assert not ResponseUpdate.objects.exists()


def test_the_service_refuses_anyone_but_an_approver_of_the_organisation(world):
    from django.core.exceptions import PermissionDenied

    content = portal_file([portal_row(1, "#1", MAY)])
    for user in (world.contributor, world.other_approver, world.reviewer, world.outsider):
        with pytest.raises(PermissionDenied):
            run(world, content, user=user)
    assert not ResponseUpdate.objects.exists()


def test_an_export_is_signed_off_by_a_second_approver_of_the_organisation(world):
    from django.core.exceptions import PermissionDenied

    content = portal_file([portal_row(1, "#1", MAY)])
    # Alone, or "signed off" by themselves, an approver publishes nothing (four eyes).
    for signer in (world.approver, None):
        with pytest.raises(PermissionDenied, match="without a second approver"):
            portal_import(content=content, organisation=world.force_a,
                          super_complaint=world.super_complaint, user=world.approver,
                          signed_off_by=signer)
    # Nor does someone who is not an approver of the organisation sign it off.
    for signer in (world.contributor, world.other_approver, world.reviewer):
        with pytest.raises(PermissionDenied):
            run(world, content, signed_off_by=signer)
    assert not ResponseUpdate.objects.exists()

    run(world, content)

    update = ResponseUpdate.objects.get()
    assert update.state == WorkflowState.PUBLISHED
    assert (update.imported_by, update.signed_off_by) == (world.approver, world.second_approver)


def test_staff_status_alone_does_not_publish_an_export(world):
    from django.core.exceptions import PermissionDenied

    staff = make_user("stan", is_staff=True)
    content = portal_file([portal_row(1, "#1", MAY)])
    with pytest.raises(PermissionDenied, match="permission to publish imports"):
        portal_import(content=content, organisation=world.force_a,
                      super_complaint=world.super_complaint, user=staff)
    assert not ResponseUpdate.objects.exists()



def test_an_xlsx_with_an_xml_entity_bomb_is_refused_not_expanded(world):
    import zipfile
    from io import BytesIO

    content = BytesIO(xlsx_file([HEADERS, portal_row(1, "#1", MAY)]))
    bomb = BytesIO()
    with zipfile.ZipFile(content) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><worksheet', 1)
            target.writestr(item, data)
    with pytest.raises(ImportRefused) as refused:
        run(world, bomb.getvalue())
    assert refused.value.messages[0].startswith("The file must be a spreadsheet")


def test_a_status_column_sets_each_rows_status_with_the_update_rules(world):
    headers = [*HEADERS, "STATUS", "AWAITING"]
    rows = [
        [*portal_row(1, "#1", MAY), "Completed", ""],
        [*portal_row(5, "#5", MAY), "Awaiting national guidance", "College of Policing"],
    ]
    run(world, portal_file(rows, headers=headers))
    assert sorted(ResponseUpdate.objects.values_list("status", "awaiting")) == [
        (Status.AWAITING_NATIONAL, "College of Policing"), (Status.COMPLETED, ""),
    ]


def test_a_status_the_update_rules_refuse_is_a_row_problem(world):
    headers = [*HEADERS, "STATUS"]
    rows = [[*portal_row(1, "#1", MAY), "Awaiting national guidance"],
            [*portal_row(5, "#5", MAY), "Finished"]]
    with pytest.raises(ImportRefused) as refused:
        run(world, portal_file(rows, headers=headers))
    assert refused.value.messages == [
        f"Row 4, column AWAITING: {AWAITING_REQUIRED}",
        "Row 5, column STATUS: Use one of the statuses: Not started, In progress, In progress – "
        "nearing completion, Awaiting national guidance, Completed, Not accepted – no action to "
        "be taken",
    ]


def test_an_over_long_awaiting_cell_is_a_row_problem(world):
    rows = [[*portal_row(1, "#1", MAY), "Awaiting national guidance", "x" * 301]]
    with pytest.raises(ImportRefused) as refused:
        run(world, portal_file(rows, headers=[*HEADERS, "STATUS", "AWAITING"]))
    assert refused.value.messages == [
        "Row 4, column AWAITING: Ensure this value has at most 300 characters (it has 301)."
    ]


def test_an_older_position_fills_an_empty_reference_but_keeps_the_current_lead(world):
    published_update(world, recommendation=world.rec_1, organisation=world.force_a,
                     as_of=datetime.date(2022, 1, 10), lead="DCS Jones")

    run(world, portal_file([portal_row(1, "#1", MAY)]))

    response = Response.objects.get()
    assert (response.portal_reference, response.lead) == ("#1", "DCS Jones")


# --- published as a sign-off publishes ----------------------------------------------------------

# Safe to share? was published 17 December 2020: forces' answers were due 17 June 2021.
OCTOBER_2021 = datetime.date(2021, 10, 1)


def position(month):
    return f"<p>DCI Smith, in consultation with OPCC</p> <p>{month}</p>"


def test_an_import_records_when_each_response_first_answered_and_its_deadline_reads_it(
    world, client
):
    """
    An imported position was published on the portal on its date: the earliest of a response's
    is the day it first answered, recorded as a sign-off records its own, and the deadline
    (in Python on the pages, in SQL for the figures) reads it.
    """
    run(world, portal_file([
        portal_row(1, "#1", position("September 2021"), "<p>Later.</p>"),
        portal_row(1, "#1", MAY),
        portal_row(5, "#5", position("July 2021")),
    ]))

    responses = Response.objects.select_related("recommendation__super_complaint",
                                                "organisation")
    assert {r.recommendation.number: r.first_published_on for r in responses} == {
        "1": datetime.date(2021, 5, 1), "5": datetime.date(2021, 7, 1),
    }
    assert {
        r.recommendation.number: response_deadline_state(
            recommendation=r.recommendation, organisation=r.organisation, response=r,
            today=OCTOBER_2021,
        ).label
        for r in responses
    } == {"1": "Answered on time", "5": "Answered 14 days late"}
    in_sql = with_deadline_aliases(responses).annotate(
        kind=deadline_kind_expression(today=OCTOBER_2021)
    )
    assert {r.recommendation.number: r.kind for r in in_sql} == {
        "1": DeadlineKind.ANSWERED_ON_TIME, "5": DeadlineKind.ANSWERED_LATE,
    }

    client.force_login(world.outsider)
    with time_machine.travel(datetime.datetime(2021, 10, 1, 12, tzinfo=datetime.UTC), tick=False):
        page = client.get(world.rec_5.get_absolute_url())
    assert ">Answered 14 days late</strong>" in page.text


def test_an_older_imported_position_moves_the_first_answer_back_and_a_newer_one_does_not(world):
    with time_machine.travel(datetime.datetime(2021, 9, 1, 12, tzinfo=datetime.UTC)):
        published_update(world, recommendation=world.rec_1, organisation=world.force_a,
                         as_of=datetime.date(2021, 8, 30))
    response = Response.objects.get()
    assert response.first_published_on == datetime.date(2021, 9, 1)  # the sign-off's day

    run(world, portal_file([portal_row(1, "#1", MAY)]))
    response.refresh_from_db()
    assert response.first_published_on == datetime.date(2021, 5, 1)

    run(world, portal_file([portal_row(1, "#1", position("January 2022"))]))
    response.refresh_from_db()
    assert response.first_published_on == datetime.date(2021, 5, 1)
    assert response.current_status_on == datetime.date(2022, 1, 1)


def test_a_month_row_over_an_update_held_as_an_exact_date_of_that_month_is_not_published_again(
        world):
    """The bug of issue 22: "May 2021" rows re-published beside updates held as "1 May 2021"."""
    held = published_update(world, recommendation=world.rec_1, organisation=world.force_a,
                            as_of=datetime.date(2021, 5, 1), status=Status.COMPLETED,
                            narrative="<p>Done, entered by hand.</p>", portal_reference="#1")

    result = run(world, portal_file([
        portal_row(1, "#1", MAY, "<p>Work under way, as the portal has it.</p>"),
    ]))

    assert result.created_updates == 0
    assert [row.skip_reason for row in result.plan.rows] == [
        "Already held: the update as of 1 May 2021 (Completed)"]
    assert result.plan.rows[0].held_update == held
    response = Response.objects.get()
    assert list(response.updates.values_list("pk", flat=True)) == [held.pk]
    assert response.current_status == Status.COMPLETED


def test_an_exact_date_row_over_a_month_held_is_recognised_and_another_month_is_new(world):
    published_update(world, recommendation=world.rec_1, organisation=world.force_a,
                     as_of=datetime.date(2021, 5, 1), as_of_precision=DatePrecision.MONTH,
                     status=Status.IN_PROGRESS, portal_reference="#1")

    plan = portal_plan(content=portal_file([
        portal_row(1, "#1", "<p>DCI Smith</p><p>14/05/2021</p>", "<p>Other words.</p>"),
        portal_row(1, "#1", "<p>DCI Smith</p><p>June 2021</p>", "<p>Next month.</p>"),
    ]), organisation=world.force_a, super_complaint=world.super_complaint)

    assert [row.skip_reason for row in plan.rows] == [
        "Already held: the update as of May 2021 (In progress)", ""]
