"""
Issue 8 in a real browser: an OPCC user opens their dashboard, reads a chart's table and
downloads the figures; the overview and the deadline filters; axe on every new page, and
screenshots of the dashboard and the overview.
"""

import csv
import io

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_an_opcc_user_reads_their_dashboard_and_downloads_the_figures(
    demo_data, new_page, check_accessibility
):
    page = new_page()
    sign_in(page, "opcc.contributor")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mayor of South Yorkshire (South Yorkshire Mayoral Combined Authority) and "
        "South Yorkshire Police"
    )
    check_accessibility(page, "dashboard")

    # Each chart is an image with a name, and its figures are in a table beside it.
    charts = page.get_by_role("img")
    expect(charts).to_have_count(3)
    summary_table = page.locator("#summary-table")
    expect(summary_table.get_by_role("rowheader", name="England and Wales")).to_be_visible()
    expect(summary_table.get_by_role("rowheader", name="South Yorkshire Police")).to_be_visible()
    page.get_by_text("Show the trend as a table").click()
    expect(page.locator("#trend-table")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()  # CSV, the first choice
    download = download_info.value
    assert download.suggested_filename.startswith("south-yorkshire-mayor-dashboard-")
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert rows[0] == ["Area", "Super-complaint", "Measure", "Value", "Protective marking"]
    areas = {row[0] for row in rows[1:]}
    assert {"South Yorkshire Police", "Yorkshire and the Humber", "England and Wales"} <= areas
    assert any(area.startswith("Mayor of South Yorkshire") for area in areas)

    # The charts narrow to one super-complaint.
    page.get_by_label("Show the charts for").select_option(label="Safe to share?")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_text("Share of the answers expected of each area, Safe to share?")) \
        .to_be_visible()
    check_accessibility(page, "dashboard-one-super-complaint")

    # A second visit says since when it counts the changes.
    page.reload()
    expect(page.get_by_text("Published since you last opened this dashboard")).to_be_visible()

    # From the overview, every organisation's dashboard is a link away.
    page.get_by_role("link", name="Overview", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    check_accessibility(page, "overview")
    page.get_by_label("Kind of organisation").select_option("police_force")
    page.get_by_role("button", name="Apply filters").click()
    page.locator("#league-table").get_by_role("link").first.click()
    expect(page.get_by_text("Download every figure on this page")).to_be_visible()
    check_accessibility(page, "dashboard-other-organisation")


def test_a_force_user_filters_their_organisation_page_by_deadline(
    demo_data, new_page, check_accessibility
):
    page = new_page()
    sign_in(page, "force.contributor")
    page.goto("/organisations/south-yorkshire/")
    page.get_by_label("Show recommendations by deadline").select_option("overdue")
    page.get_by_role("button", name="Show").click()
    check_accessibility(page, "organisation-overdue")
    tags = page.locator("td strong.govuk-tag--red").all_inner_texts()
    assert tags, "South Yorkshire's demo answers include overdue ones"
    for tag in tags:
        assert tag.startswith("Overdue by")
