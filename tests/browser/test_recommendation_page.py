"""The recommendation and response pages at 1,280px and 375px, as a force lead uses them."""

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.browser

RECOMMENDATION = "/super-complaints/safe-to-share/recommendations/4/"


@pytest.mark.parametrize("width", [1280, 375])
def test_a_force_lead_finds_their_own_response_first_and_the_gaps_collapsed(
    demo_data, new_page, check_accessibility, width
):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "force.contributor")
    page.goto(RECOMMENDATION)
    check_accessibility(page, f"recommendation-{width}")

    own = page.get_by_role("region", name="Your organisation's response")
    expect(own).to_contain_text("South Yorkshire Police")
    add = own.get_by_role("button", name="Add an update")
    comparison = page.get_by_role("heading", name="Every organisation's position")
    assert add.bounding_box()["y"] < comparison.bounding_box()["y"]  # before the comparison

    gaps = page.locator("details.app-gaps")
    summary = gaps.locator("summary")
    expect(summary).to_contain_text("not responded")
    expect(gaps.get_by_role("link", name="Avon and Somerset Police")).to_be_hidden()
    summary.click()
    expect(gaps.get_by_role("link", name="Avon and Somerset Police")).to_be_visible()

    add.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("update")


@pytest.mark.parametrize("width", [1280, 375])
def test_the_response_page_at_both_widths(demo_data, new_page, check_accessibility, width):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "force.contributor")
    page.goto(RECOMMENDATION + "south-yorkshire/")
    expect(page.get_by_role("heading", level=2, name="Updates")).to_be_visible()
    check_accessibility(page, f"response-{width}")
