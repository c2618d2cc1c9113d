"""Loading a super-complaint's recommendations from a CSV or XLSX spreadsheet."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from imports.models import ImportFile
from imports.recommendations_sheet import COLUMNS
from imports.services import ImportRefused, recommendations_import
from recommendations.models import Recommendation

from .helpers import xlsx_file

UPLOAD = reverse("imports:recommendations_upload")


def csv_file(rows, headers=COLUMNS):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode()


ROWS = [
    ["1", "1", "Stop sharing", "<p>Stop sharing now.</p>", "", "Chief constables", "", ""],
    ["2", "2", "Review the law", "Review it.", "Notes here.", "Home Office", "", "27/03/2025"],
    ["3a", "3", "Work together", "- One\n- Two", "", "Chief constables; Police and crime "
     "commissioners (or equivalents)", "1, 2", "2025-06-30"],
]


def load(world, content, user=None, **kwargs):
    return recommendations_import(content=content, super_complaint=world.super_complaint,
                                  user=user, **kwargs)


def test_a_csv_creates_and_updates_recommendations(world, admin_user):
    result = load(world, csv_file(ROWS), user=admin_user)

    assert (result.created, result.updated) == (1, 2)  # 1 and 2 exist in the test world
    rec_3a = Recommendation.objects.get(number="3a")
    assert rec_3a.text == "<ul><li>One</li><li>Two</li></ul>"
    assert {g.name for g in rec_3a.recipient_groups.all()} == {
        "Chief constables", "Police and crime commissioners (or equivalents)"}
    assert {r.number for r in rec_3a.depends_on.all()} == {"1", "2"}
    assert rec_3a.due_on == datetime.date(2025, 6, 30)
    world.rec_2.refresh_from_db()
    assert (world.rec_2.title, world.rec_2.notes, world.rec_2.due_on) == (
        "Review the law", "<p>Notes here.</p>", datetime.date(2025, 3, 27))
    # Recommendations not in the file are left alone.
    assert Recommendation.objects.filter(number="5").exists()

    again = load(world, csv_file(ROWS), user=admin_user)
    assert (again.created, again.updated) == (0, 0)
    assert [row.action for row in again.plan.rows] == ["No change"] * 3


def test_an_xlsx_with_real_dates_loads(world, admin_user):
    row = ["7", 7, "Seven", "Text.", None, "Home Office", None, datetime.datetime(2025, 3, 27)]
    load(world, xlsx_file([list(COLUMNS), row]), user=admin_user)
    assert Recommendation.objects.get(number="7").due_on == datetime.date(2025, 3, 27)


def test_problems_refuse_the_whole_file_by_row_and_column(world, admin_user):
    rows = [
        *ROWS,
        ["4", "x", "", "", "", "Chief constables; Nobody", "9", "31/02/2025"],
        ["1", "", "", "Again.", "", "Home Office", "", ""],
    ]
    with pytest.raises(ImportRefused) as refused:
        load(world, csv_file(rows), user=admin_user)
    assert refused.value.messages == [
        "Row 5, column order: The order must be a whole number, for example 3",
        "Row 5, column text: Enter the recommendation's text",
        "Row 5, column recipient groups: There is no recipient group called “Nobody”. Use one "
        "of: All recipients; Chief constables; Home Office; Police and crime commissioners (or "
        "equivalents)",
        "Row 5, column depends on: There is no recommendation 9 in Safe to share? or in this "
        "file",
        "Row 5, column due date: The due date must be a real date, for example 27 March 2025 "
        "or 2025-03-27",
        "Row 6, column number: Recommendation 1 is already in row 2",
    ]
    assert not Recommendation.objects.filter(number="3a").exists()


def test_only_admins_may_load(world, client):
    with pytest.raises(Exception, match="Only an administrator"):
        load(world, csv_file(ROWS), user=world.approver)
    client.force_login(world.approver)
    assert client.get(UPLOAD).status_code == 403
    assert client.get(reverse("imports:recommendations_template_csv")).status_code == 403


def test_the_command_loads_and_dry_runs(world, tmp_path):
    path = tmp_path / "recommendations.csv"
    path.write_bytes(csv_file(ROWS))
    call_command("import_recommendations", str(path), super_complaint="safe-to-share",
                 dry_run=True, verbosity=0)
    assert not Recommendation.objects.filter(number="3a").exists()
    call_command("import_recommendations", str(path), super_complaint="safe-to-share",
                 verbosity=0)
    assert Recommendation.objects.filter(number="3a").exists()
    path.write_bytes(csv_file([["x", "", "", "", "", "", "", ""]]))
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("import_recommendations", str(path), super_complaint="safe-to-share",
                     verbosity=0)


def test_an_admin_uploads_previews_and_confirms(client, world, admin_user):
    client.force_login(admin_user)
    page = client.post(UPLOAD, {"super_complaint": world.super_complaint.pk,
                                "file": SimpleUploadedFile("r.csv", csv_file(ROWS))})
    import_file = ImportFile.objects.get()
    preview = client.get(page["Location"])
    text = preview.content.decode()
    assert "Save 3 recommendations" in text
    assert "Create" in text and "Update: title, text" in text
    done = client.post(page["Location"], {"sha256": import_file.sha256})
    assert done["Location"] == world.super_complaint.get_absolute_url()
    assert Recommendation.objects.filter(number="3a").exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_template_downloads_and_loads_back(client, world, admin_user, file_format):
    client.force_login(admin_user)
    page = client.get(reverse(f"imports:recommendations_template_{file_format}"))
    assert page.status_code == 200
    content = page.content
    if file_format == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).active
        assert [c.value for c in sheet[1]] == list(COLUMNS)
    # The example row is made up (issue 22): uploaded unchanged it is refused, never written
    # over a real recommendation; with a number of the report's it loads.
    with pytest.raises(ImportRefused) as refused:
        load(world, content, user=admin_user, dry_run=True)
    assert refused.value.messages == [
        "Row 2, column number: This is the template's example row: replace it with a "
        "recommendation of the report, or delete it"]
    if file_format == "xlsx":
        workbook = load_workbook(io.BytesIO(content))
        workbook.active["A2"] = "9"
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
    else:
        content = content.replace(b"example-1", b"9")
    result = load(world, content, user=admin_user, dry_run=True)
    assert [row.number for row in result.plan.rows] == ["9"]
    assert Recommendation.objects.filter(number="1").get().title == world.rec_1.title


def test_query_counts_are_pinned(client, world, admin_user, django_assert_num_queries):
    client.force_login(admin_user)
    # Session, user, the user's and their groups' permissions (granted, not staff status alone),
    # the super-complaints to choose from.
    with django_assert_num_queries(5):
        assert client.get(UPLOAD).status_code == 200
    for count in (3, 30):
        rows = [[f"{i + 10}", "", "", "Text.", "", "Home Office", "1", ""] for i in range(count)]
        page = client.post(UPLOAD, {"super_complaint": world.super_complaint.pk,
                                    "file": SimpleUploadedFile("r.csv", csv_file(rows))})
        # Session, user, the permissions (two), the upload, what its kept plan depends on: the
        # plan was made once, at upload, not on every view.
        with django_assert_num_queries(6):
            assert client.get(page["Location"]).status_code == 200


def test_a_blank_order_keeps_an_existing_recommendations_place(world, admin_user):
    load(world, csv_file([["5", "", "", "<p>Together.</p>", "", "Chief constables; Police and "
                           "crime commissioners (or equivalents)", "", ""]]), user=admin_user)
    world.rec_5.refresh_from_db()
    assert world.rec_5.order == 5
