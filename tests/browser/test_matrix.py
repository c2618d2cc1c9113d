"""The comparison matrix at 1,280px: its full table shows that it scrolls and keeps its first
column in view; its compact heat map (the default) fits every organisation on the screen. The
widths of every layout: test_widths.py."""

import pytest
from playwright.sync_api import expect

from responses.choices import Status

from .conftest import sign_in

pytestmark = pytest.mark.browser

MATRIX = "/super-complaints/safe-to-share/matrix/"


def wrapper_of(page):
    return page.get_by_role("region", name="Comparison matrix, scrolls sideways")


def test_the_full_matrix_keeps_its_first_column_in_view_while_scrolled(
    demo_data, new_page, check_accessibility
):
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "opcc.contributor")
    page.goto(MATRIX + "?view=table")
    expect(page.get_by_text("scroll it sideways")).to_be_visible()
    check_accessibility(page, "matrix-1280")
    wrapper = wrapper_of(page)
    assert wrapper.evaluate("el => el.scrollWidth > el.clientWidth")  # it does scroll
    first_heading = page.locator(".app-matrix tbody tr:first-child th").first
    left_before = first_heading.bounding_box()["x"]

    wrapper.evaluate("el => el.scrollBy(600, 0)")
    page.wait_for_timeout(100)

    assert wrapper.evaluate("el => el.scrollLeft") > 0
    assert abs(first_heading.bounding_box()["x"] - left_before) < 1  # sticky: still there
    # Down is the page's scroll alone: the box has none of its own (no double scrollbars).
    assert wrapper.evaluate("el => el.scrollHeight <= el.clientHeight + 1")


def test_the_heat_map_fits_every_force_on_a_1280px_screen(demo_data, new_page,
                                                         check_accessibility):
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "opcc.contributor")
    page.goto(MATRIX + "?kind=police_force")
    check_accessibility(page, "matrix-heat-map-1280")
    wrapper = page.get_by_role("region", name="Compact comparison matrix")
    rows = page.locator(".app-heat-map tbody:not(.app-heat-map__own) th[scope=row]")
    assert rows.count() >= 43  # every force of England and Wales
    assert wrapper.evaluate("el => el.scrollWidth <= el.clientWidth")  # no sideways scrolling

    # Each code has a key, and its full status for assistive technology and on focus.
    expect(page.get_by_role("term").first).to_be_visible()
    cell = page.locator(".app-heat-map td a").first
    status = cell.locator("span")
    assert status.bounding_box()["width"] <= 1  # visually hidden: the code alone on screen
    assert status.text_content().strip() in {label for _, label in Status.choices} | {
        "No response yet"
    } or "," in status.text_content()  # "In progress, stale"
    cell.focus()
    assert status.bounding_box()["width"] > 20  # shown beside the code

    page.get_by_role("link", name="Show the full table").click()
    expect(wrapper_of(page)).to_be_visible()


def test_the_heat_map_reads_well_on_a_phone(demo_data, new_page, check_accessibility):
    page = new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, "opcc.contributor")
    page.goto(MATRIX)
    check_accessibility(page, "matrix-heat-map-375")
    expect(page.locator(".app-heat-map")).to_be_visible()


def test_the_full_matrix_on_a_phone_scrolls_inside_its_box(demo_data, new_page,
                                                           check_accessibility):
    page = new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, "opcc.contributor")
    page.goto(MATRIX + "?view=table&orientation=organisations")
    check_accessibility(page, "matrix-375")
    # The page itself never scrolls sideways: only the matrix's own box does.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert wrapper_of(page).evaluate("el => el.scrollWidth > el.clientWidth")
