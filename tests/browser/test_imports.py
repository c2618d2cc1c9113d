"""Issue 9's import journeys in a real browser, with axe on every page."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from responses.models import ResponseUpdate
from tests.imports.helpers import SEED_000

from .conftest import sign_in

pytestmark = pytest.mark.browser


def choose_and_upload(page, path):
    page.get_by_label("Organisation").select_option(label="South Yorkshire Police")
    page.get_by_label("Super-complaint").select_option(label="Safe to share?")
    page.get_by_label("Upload the export").set_input_files(path)
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()


def test_an_admin_imports_seed_000_after_reading_the_preview(demo_data, new_page,
                                                             check_accessibility):
    page = new_page()
    sign_in(page, "admin")
    page.get_by_role("link", name="Import data").click()
    check_accessibility(page, "imports-home")
    page.get_by_role("link", name="Import a monitoring-portal export").click()
    check_accessibility(page, "portal-upload")

    # The demo data already holds South Yorkshire's May 2021 positions (as "1 May 2021"): the
    # seed's "May 2021" rows are those, and nothing is published again (issue 22).
    choose_and_upload(page, SEED_000)
    rows = page.locator("table").first.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Nothing: already held: the update as of 1 May 2021")
    expect(page.get_by_text("there is nothing to import")).to_be_visible()
    check_accessibility(page, "portal-preview-already-held")

    # Held as of April instead, the May rows are new positions.
    ResponseUpdate.objects.filter(response__organisation__slug="south-yorkshire",
                                  as_of=datetime.date(2021, 5, 1)).update(
        as_of=datetime.date(2021, 4, 1))
    upload = page.url.split("/imports/")[0] + reverse("imports:portal_upload")
    page.goto(upload)
    choose_and_upload(page, SEED_000)
    expect(page.get_by_role("heading", name="Check what will be imported")).to_be_visible()
    rows = page.locator("table").first.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("#17527")
    expect(rows.nth(0)).to_contain_text("May 2021")
    expect(rows.nth(0)).to_contain_text("DCI Deborah Mahmood, in consultation with OPCC")
    check_accessibility(page, "portal-preview")
    assert not ResponseUpdate.objects.filter(imported_at__isnull=False).exists()

    page.get_by_role("button", name="Publish 3 updates").click()
    page.wait_for_load_state()
    # Publishing with no second approver is a decision stated, not a click.
    expect(page.get_by_role("link", name=re.compile("Confirm that you publish"))).to_be_visible()
    check_accessibility(page, "portal-preview-decision-missing")
    assert not ResponseUpdate.objects.filter(imported_at__isnull=False).exists()
    page.get_by_label("I have checked these positions", exact=False).check()
    page.get_by_role("button", name="Publish 3 updates").click()
    page.wait_for_load_state()
    banner = page.get_by_text("3 updates published from the monitoring-portal export")
    expect(banner).to_be_visible()
    expect(page.get_by_role("heading", name="South Yorkshire Police", level=1)).to_be_visible()
    check_accessibility(page, "portal-imported-organisation")

    table = page.locator("table", has=page.get_by_text("status on each Safe to share?"))
    table.get_by_role("link", name="Recommendation 1", exact=False).first.click()
    expect(page.get_by_text("Imported from the monitoring portal").first).to_be_visible()
    expect(page.get_by_role("heading", name="As of May 2021").first).to_be_visible()
    expect(page.get_by_text("#17527").first).to_be_visible()
    check_accessibility(page, "portal-imported-response")
    assert ResponseUpdate.objects.filter(imported_at__isnull=False).count() == 3


def test_an_upload_with_a_bad_row_shows_the_error_summary_naming_it(demo_data, new_page,
                                                                  check_accessibility, tmp_path):
    content = open(SEED_000, encoding="utf-8").read().replace(
        "<b>Recommendation 5</b>", "<b>Recommendation 99</b>")
    path = tmp_path / "export.txt"
    path.write_text(content, encoding="utf-8")
    page = new_page()
    sign_in(page, "force.approver")
    page.goto("/imports/portal/")

    choose_and_upload(page, str(path))

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text(
        "Row 6, column SUPER-COMPLAINT RECOMMENDATION: Safe to share? has no recommendation 99")
    # The choices survive the refusal.
    expect(page.get_by_label("Super-complaint")).to_have_value(
        page.get_by_label("Super-complaint").input_value())
    check_accessibility(page, "portal-upload-error")
    assert not ResponseUpdate.objects.filter(imported_at__isnull=False).exists()


def test_an_admin_loads_recommendations_from_a_spreadsheet(demo_data, new_page,
                                                           check_accessibility, tmp_path):
    path = tmp_path / "recommendations.csv"
    path.write_text(
        "number,order,title,text,notes,recipient groups,depends on,due date\n"
        '99,99,A new one,"Do the new thing.",,Chief constables,1,27/03/2027\n',
        encoding="utf-8",
    )
    page = new_page()
    sign_in(page, "admin")
    page.goto("/imports/recommendations/")
    check_accessibility(page, "recommendations-upload")
    page.get_by_label("Super-complaint").select_option(label="Safe to share?")
    page.get_by_label("Upload the recommendations").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Check the recommendations")).to_be_visible()
    expect(page.locator("tbody tr")).to_contain_text("Create")
    check_accessibility(page, "recommendations-preview")
    page.get_by_role("button", name="Save 1 recommendation").click()
    expect(page.get_by_text("1 recommendation created and 0 updated")).to_be_visible()
    expect(page.get_by_role("link", name="Recommendation 99", exact=False)).to_be_visible()
    check_accessibility(page, "recommendations-loaded")


def test_a_large_export_shows_its_progress_while_the_worker_checks_it(
    demo_data, new_page, check_accessibility, settings
):
    from django.core.management import call_command

    settings.IMPORT_BACKGROUND_ABOVE_KB = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The demo's May 2021 positions held as of April, so the seed's May rows are new (issue 22).
    ResponseUpdate.objects.filter(response__organisation__slug="south-yorkshire",
                                  as_of=datetime.date(2021, 5, 1)).update(
        as_of=datetime.date(2021, 4, 1))
    page = new_page()
    sign_in(page, "admin")
    page.get_by_role("link", name="Import data").click()
    page.get_by_role("link", name="Import a monitoring-portal export").click()
    choose_and_upload(page, SEED_000)
    expect(page.get_by_role("heading", name="Checking the file")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Reading")
    check_accessibility(page, "portal-progress")

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    # The page reloads itself and shows the preview once the worker has checked the file.
    expect(page.get_by_role("heading", name="Check what will be imported")).to_be_visible(
        timeout=10_000)
    expect(page.get_by_role("button", name="Publish 3 updates")).to_be_visible()
