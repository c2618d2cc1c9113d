"""The public pages and the printable documents in a real browser, with axe; print screenshots."""

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.browser

PUBLIC_PAGES = {
    "public-super-complaints": "/public/",
    "public-super-complaint": "/public/super-complaints/safe-to-share/",
    "public-recommendation": "/public/super-complaints/safe-to-share/recommendations/5/",
    "public-organisations": "/public/organisations/",
    "public-organisation": "/public/organisations/south-yorkshire-mayor/",
    "public-response": "/public/super-complaints/safe-to-share/recommendations/5/warwickshire/",
}

DOCUMENTS = {
    "document-response-page": (
        "/public/super-complaints/safe-to-share/organisations/warwickshire-pcc/response/"
    ),
    "document-overview": "/public/organisations/warwickshire/overview/",
    "document-letter": (
        "/public/super-complaints/safe-to-share/organisations/south-yorkshire-mayor/letter/"
        "?date=2022-01-14"
    ),
}


def test_a_visitor_reads_the_public_pages_and_axe_finds_nothing(demo_data, new_page,
                                                               check_accessibility):
    page = new_page()
    page.goto("/")
    page.get_by_role("link", name="public responses by super-complaint").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Public responses to police super-complaints"
    )
    for name, url in PUBLIC_PAGES.items():
        page.goto(url)
        check_accessibility(page, name)
    page.goto(PUBLIC_PAGES["public-recommendation"])
    expect(page.get_by_text("No public response yet").first).to_be_visible()
    page.goto(PUBLIC_PAGES["public-organisation"])
    expect(page.get_by_text("Dr Alan Billings, South Yorkshire Police and Crime Commissioner"))\
        .to_be_visible()


def test_the_documents_pass_axe_and_print_with_the_marking_and_no_navigation(
    demo_data, new_page, check_accessibility
):
    page = new_page()
    for name, url in DOCUMENTS.items():
        page.goto(url)
        check_accessibility(page, name)
        page.emulate_media(media="print")
        expect(page.locator(".govuk-service-navigation")).to_be_hidden()
        expect(page.locator(".app-no-print")).to_be_hidden()
        expect(page.locator(".app-marking--top")).to_have_text("OFFICIAL")
        expect(page.locator(".app-marking--bottom")).to_have_text("OFFICIAL")
        page.screenshot(path=str(check_accessibility.directory / f"{name}-print.png"),
                        full_page=True)
        # The paginated print, with the marking in every page's top and bottom margin.
        page.pdf(path=str(check_accessibility.directory / f"{name}.pdf"), format="A4")
        page.emulate_media(media="screen")


def test_a_signed_in_reader_makes_a_redacted_document(demo_data, new_page, check_accessibility):
    page = new_page()
    sign_in(page, "other.contributor")
    page.goto("/documents/super-complaints/safe-to-share/organisations/west-mercia-pcc/response/")
    expect(page.locator(".app-marking--top")).to_have_text("OFFICIAL - REDACTED")
    check_accessibility(page, "document-response-page-redacted")
    page.emulate_media(media="print")
    page.screenshot(
        path=str(check_accessibility.directory / "document-response-page-redacted-print.png"),
        full_page=True,
    )
