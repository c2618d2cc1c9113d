"""Every page's rows download as CSV, XLSX and JSON: the same rows, typed, marked and safe."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from responses.choices import Marking, Status
from tests.conftest import draft_update, published_update
from tests.responses.helpers import QUERY_COUNTS
from tests.responses.test_browse_views import grow

FORMATS = ("csv", "xlsx", "json")


@pytest.fixture
def answered(world):
    """Force A completed rec 1 (OFFICIAL-SENSITIVE); Force B has a draft only."""
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     as_of=datetime.date(2021, 5, 1), status=Status.COMPLETED,
                     marking=Marking.OFFICIAL_SENSITIVE, lead="DCI Smith",
                     narrative="<p>=HYPERLINK(\"http://evil\")</p>")
    draft_update(world, organisation=world.force_b, recommendation=world.rec_1,
                 author=world.other_contributor, as_of=datetime.date(2021, 6, 1),
                 status=Status.IN_PROGRESS, narrative="<p>Secret draft wording.</p>")
    return world


EXPORTS = {
    "recommendation_export": lambda w: reverse(
        "responses:recommendation_export", args=[w.super_complaint.slug, w.rec_1.number]
    ),
    "matrix_export": lambda w: reverse("responses:matrix_export", args=[w.super_complaint.slug]),
    "organisation_export": lambda w: reverse(
        "responses:organisation_export", args=[w.force_a.slug]
    ),
    "supercomplaint_export": lambda w: reverse(
        "responses:supercomplaint_export", args=[w.super_complaint.slug]
    ),
}


def table(response):
    """The downloaded rows, whatever the format, as lists of values (XLSX values typed)."""
    content_type = response["Content-Type"]
    if content_type.startswith("text/csv"):
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    if content_type.startswith("application/json"):
        document = json.loads(response.content)
        return [document["columns"], *([row[c] for c in document["columns"]]
                                       for row in document["rows"])]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def column(rows, name):
    index = rows[0].index(name)
    return [row[index] for row in rows[1:]]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_every_export_downloads_in_every_format_with_a_marking_column(
    client, answered, export, fmt
):
    client.force_login(answered.reviewer)
    response = client.get(EXPORTS[export](answered), {"format": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    assert response["Cache-Control"] == "no-store"
    rows = table(response)
    assert "Protective marking" in rows[0]
    assert "OFFICIAL-SENSITIVE" in column(rows, "Protective marking")
    assert "Secret draft wording" not in response.content.decode("utf-8", errors="replace")


@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_exports_need_a_signed_in_user(client, answered, export):
    response = client.get(EXPORTS[export](answered), {"format": "xlsx"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_xlsx_round_trips_with_dates_as_dates_a_frozen_filtered_header_and_widths(
    client, answered
):
    client.force_login(answered.reviewer)
    response = client.get(EXPORTS["recommendation_export"](answered), {"format": "xlsx"})
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    # 15 columns since "Due date before extension" and "Priority" (issue 14).
    assert sheet.auto_filter.ref == "A1:O3"
    assert all(cell.font.bold for cell in sheet[1])
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    as_of = column(rows, "As of")
    assert isinstance(as_of[0], datetime.datetime)
    assert as_of[0].date() == datetime.date(2021, 5, 1)
    assert as_of[1] is None  # Force B: nothing published
    assert sheet.cell(row=2, column=rows[0].index("As of") + 1).is_date
    assert column(rows, "Lead") == ["DCI Smith", None]
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLM"]
    assert all(8 <= width <= 60 for width in widths)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_spreadsheet_exports_neutralise_formulas_in_cells_and_headers(client, answered, fmt):
    answered.force_b.name = "=cmd|' /C calc'!A0"
    answered.force_b.save()
    client.force_login(answered.reviewer)
    response = client.get(EXPORTS["matrix_export"](answered), {"format": fmt})
    rows = table(response)
    assert "'=cmd|' /C calc'!A0" in rows[0]

    response = client.get(EXPORTS["recommendation_export"](answered), {"format": fmt})
    rows = table(response)
    assert column(rows, "Latest published update")[1] == "'=HYPERLINK(\"http://evil\")"
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_json_export_has_typed_rows_keyed_by_column(client, answered):
    client.force_login(answered.reviewer)
    response = client.get(EXPORTS["recommendation_export"](answered), {"format": "json"})
    document = json.loads(response.content)
    assert document["title"] == "Safe to share? – Recommendation 1"
    first = document["rows"][0]
    assert first["Organisation"] == "Force A Police"
    assert first["As of"] == "2021-05-01"
    assert first["Status"] == "Completed"
    assert first["Protective marking"] == "OFFICIAL-SENSITIVE"
    assert first["Due date"] == "2021-06-17"
    assert first["Deadline"].startswith("Answered ")
    # A formula is harmless in JSON: the text stays as written.
    assert first["Latest published update"] == "=HYPERLINK(\"http://evil\")"
    assert document["rows"][1]["As of"] is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_has_exactly_the_filtered_rows(client, answered, fmt):
    client.force_login(answered.reviewer)
    response = client.get(EXPORTS["recommendation_export"](answered),
                          {"status": "none", "format": fmt})
    assert column(table(response), "Organisation") == ["Force B Constabulary"]


def test_an_unknown_format_downloads_csv(client, answered):
    client.force_login(answered.reviewer)
    response = client.get(EXPORTS["recommendation_export"](answered), {"format": "exe"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_the_matrix_export_follows_the_orientation_and_filters(client, answered):
    client.force_login(answered.reviewer)
    response = client.get(EXPORTS["matrix_export"](answered),
                          {"orientation": "organisations", "kind": "police_force",
                           "format": "xlsx"})
    rows = table(response)
    assert rows[0] == ["Organisation", "Recommendation 1", "Recommendation 2",
                       "Recommendation 5", "Protective marking"]
    assert rows[1] == ["Force A Police", "Completed", "Not applicable", "No response yet",
                       "OFFICIAL-SENSITIVE"]
    assert rows[2] == ["Force B Constabulary", "No response yet", "Not applicable",
                       "No response yet", None]


def test_the_organisation_export_has_every_recommendation_that_applies(client, answered):
    client.force_login(answered.reviewer)
    rows = table(client.get(EXPORTS["organisation_export"](answered), {"format": "json"}))
    assert column(rows, "Recommendation") == ["1", "5"]
    assert column(rows, "Status") == ["Completed", "No response yet"]
    assert column(rows, "Latest published update")[0] == "=HYPERLINK(\"http://evil\")"
    assert column(rows, "Due date") == ["2021-06-17", "2021-06-17"]
    assert column(rows, "Deadline")[1].startswith("Overdue by ")


def test_the_organisation_export_never_shows_its_own_draft_either(client, answered):
    """An export is of published positions: a draft stays on the response page."""
    client.force_login(answered.other_contributor)
    response = client.get(
        reverse("responses:organisation_export", args=[answered.force_b.slug]),
        {"format": "csv"},
    )
    assert "Secret draft wording" not in response.content.decode("utf-8-sig")
    assert column(table(response), "Status")[0] == "No response yet"


def test_the_super_complaint_export_has_progress_and_recipients(client, answered):
    client.force_login(answered.reviewer)
    rows = table(client.get(EXPORTS["supercomplaint_export"](answered), {"format": "xlsx"}))
    assert column(rows, "Recommendation") == ["1", "2", "5"]
    assert column(rows, "Expected responses") == [2, 1, 3]
    assert column(rows, "Completed") == [1, 0, 0]
    assert column(rows, "Addressed to")[2] == (
        "Chief constables; Police and crime commissioners (or equivalents)"
    )
    assert column(rows, "Protective marking") == ["OFFICIAL-SENSITIVE", None, None]
    assert column(rows, "Due date")[2] == datetime.datetime(2021, 2, 11)
    assert column(rows, "Due dates by kind")[2] == (
        "11 February 2021 (local policing bodies); 17 June 2021 (police forces)"
    )


PAGES = {
    "recommendation_export": lambda w: reverse(
        "responses:recommendation_detail", args=[w.super_complaint.slug, w.rec_1.number]
    ),
    "matrix_export": lambda w: reverse("responses:matrix", args=[w.super_complaint.slug]),
    "organisation_export": lambda w: w.force_a.get_absolute_url(),
    "supercomplaint_export": lambda w: w.super_complaint.get_absolute_url(),
}


@pytest.mark.parametrize("export", sorted(PAGES))
def test_each_page_offers_a_download_choice_that_keeps_its_filters(client, answered, export):
    client.force_login(answered.reviewer)
    response = client.get(PAGES[export](answered), {"region": "North East", "page": "1"})
    text = response.text
    assert f'action="{EXPORTS[export](answered)}"' in text
    assert 'name="format" type="radio" value="xlsx"' in text
    assert '<input type="hidden" name="region" value="North East">' in text
    assert 'name="page"' not in text.split('class="app-download')[1].split("</form>")[0]


@pytest.mark.parametrize("factor", [1, 10])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_exports_run_a_fixed_number_of_queries(client, answered, django_assert_num_queries,
                                               export, fmt, factor):
    grow(answered, factor)
    client.force_login(answered.approver)
    url = EXPORTS[export](answered)
    with django_assert_num_queries(QUERY_COUNTS[export]):
        response = client.get(url, {"format": fmt})
    assert response.status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_dashboard_figures_download_in_every_format_marked_official(
    client, answered, django_assert_num_queries, fmt
):
    client.force_login(answered.reviewer)
    url = reverse("reporting:dashboard_export", args=[answered.force_a.slug])
    with django_assert_num_queries(QUERY_COUNTS["dashboard_export"]):
        response = client.get(url, {"format": fmt})
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    rows = table(response)
    assert rows[0] == ["Area", "Super-complaint", "Measure", "Value", "Protective marking"]
    assert set(column(rows, "Protective marking")) == {"OFFICIAL"}
    assert "Force A Police" in column(rows, "Area")


def test_the_dashboard_offers_the_download_choice(client, answered):
    client.force_login(answered.reviewer)
    page = client.get(reverse("reporting:dashboard_organisation", args=[answered.force_a.slug]))
    url = reverse("reporting:dashboard_export", args=[answered.force_a.slug])
    assert f'action="{url}"' in page.text
    assert "Download every figure on this page" in page.text


def test_the_organisation_export_keeps_the_deadline_filter(client, answered):
    client.force_login(answered.reviewer)
    rows = table(client.get(EXPORTS["organisation_export"](answered),
                            {"deadline": "overdue", "format": "json"}))
    assert column(rows, "Recommendation") == ["5"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("export", ["recommendation_export", "organisation_export"])
def test_an_export_withholds_sensitive_text_from_readers_without_a_need_to_know(
    client, answered, export, fmt
):
    client.force_login(answered.outsider)
    response = client.get(EXPORTS[export](answered), {"format": fmt})
    rows = table(response)
    texts = column(rows, "Latest published update")
    assert not any("HYPERLINK" in str(text) for text in texts)
    assert any(str(text).startswith("OFFICIAL-SENSITIVE: the text is shown only") for text in texts)
    assert "OFFICIAL-SENSITIVE" in column(rows, "Protective marking")
