"""Downloads from the pages and the API's documentation, in a real browser, with axe."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_reader_downloads_the_filtered_matrix_as_xlsx(demo_data, new_page, check_accessibility):
    page = new_page()
    sign_in(page, "force.contributor")
    page.goto("/super-complaints/safe-to-share/matrix/?kind=police_force")
    check_accessibility(page, "matrix-with-download")
    page.get_by_label("Excel (XLSX)").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "safe-to-share-matrix.xlsx"
    with open(download.path(), "rb") as file:
        sheet = load_workbook(file).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Recommendation"
    assert rows[0][-1] == "Protective marking"
    assert "South Yorkshire Police" in rows[0]
    assert "Mayor of South Yorkshire" not in rows[0]  # the filter was kept
    assert sheet.freeze_panes == "A2"


def test_the_api_documentation_page_works_signed_out_under_the_csp(
    demo_data, new_page, check_accessibility
):
    page = new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto("/api/v1/docs/")
    expect(page.get_by_role("heading", name="Open-data API")).to_be_visible()
    expect(page.get_by_text("/api/v1/responses/").first).to_be_visible()
    check_accessibility(page, "api-docs")
    page.get_by_role("link", name="as JSON").click()
    assert "openapi" in page.content()
    assert violations == []
