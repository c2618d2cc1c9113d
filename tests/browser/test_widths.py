"""
Issue 22: the pages at the widths people read them, 1,280px (a reviewer's screen), 768px (a
tablet) and 320px (WCAG 1.4.10 reflow: a phone, or 1,280px zoomed to 400%), on the demo data
with the national reference data (97 organisations). On every page at every width: no
sideways scrolling of the page itself (a wide table scrolls inside its own labelled region),
axe finds nothing, and a screenshot is saved (BROWSER_ARTIFACTS_DIR).
"""

import pytest
from playwright.sync_api import expect

from recommendations.models import Organisation, SuperComplaint
from recommendations.selectors import expected_organisations_by_recommendation

from .conftest import sign_in

pytestmark = pytest.mark.browser

WIDTHS = (1280, 768, 320)
SUPER_COMPLAINT = "/super-complaints/safe-to-share"
RECOMMENDATION = f"{SUPER_COMPLAINT}/recommendations/1"
MATRIX = f"{SUPER_COMPLAINT}/matrix/"

# The pages of a signed-in reader, by who reads them: the OPCC analyst (a contributor of the
# South Yorkshire Mayor's office) and the national reviewer (who alone sees the chasing ladder).
SIGNED_IN = {
    "opcc.contributor": {
        "home": "/",
        "dashboard": "/dashboard/",
        "super-complaints": "/super-complaints/",
        "super-complaint": f"{SUPER_COMPLAINT}/",
        "comparison": f"{RECOMMENDATION}/",
        "side-by-side": f"{RECOMMENDATION}/compare/?organisation=south-yorkshire"
                        "&organisation=warwickshire",
        "matrix": MATRIX,
        "matrix-table": MATRIX + "?view=table",
        "matrix-table-by-organisation": MATRIX + "?view=table&orientation=organisations",
        "organisations": "/organisations/",
        "organisation": "/organisations/south-yorkshire/",
        "response": f"{RECOMMENDATION}/south-yorkshire/",
        "update-form": f"{SUPER_COMPLAINT}/recommendations/5/south-yorkshire-mayor/updates/new/",
        "account": "/accounts/",
    },
    "hmicfrs.reviewer": {
        "overview": "/overview/",
        "overview-region": "/overview/?region=Yorkshire+and+the+Humber",
    },
}

PUBLIC = {
    "public-home": "/public/",
    "public-super-complaint": "/public/super-complaints/safe-to-share/",
    "public-recommendation": "/public/super-complaints/safe-to-share/recommendations/1/",
    "public-response": "/public/super-complaints/safe-to-share/recommendations/1/south-yorkshire/",
    "public-organisations": "/public/organisations/",
    "public-organisation": "/public/organisations/south-yorkshire/",
    "public-response-page": "/public/super-complaints/safe-to-share/organisations/south-yorkshire"
                            "/response/",
    "public-letter": "/public/super-complaints/safe-to-share/organisations/south-yorkshire-mayor"
                     "/letter/",
    "public-overview": "/public/organisations/south-yorkshire/overview/",
    "sign-in": "/accounts/sign-in/",
    "api-docs": "/api/v1/docs/",
}


def page_scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def check_at_every_width(page, name, url, check_accessibility):
    """Open `url` at each width: nothing wider than the window, axe clean, a screenshot each."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response.status == 200, (name, response.status)
        assert "{#" not in page.locator("body").inner_text()  # no template comment on show
        assert page_scroll_width(page) <= width, (
            f"{name} scrolls sideways at {width}px: {page_scroll_width(page)}px wide"
        )
        check_accessibility(page, f"width-{name}-{width}")


@pytest.mark.parametrize(
    ("username", "name"),
    [(username, name) for username, pages in SIGNED_IN.items() for name in pages],
)
def test_signed_in_pages_fit_every_width(demo_data, new_page, check_accessibility, username,
                                         name):
    page = new_page()
    sign_in(page, username)
    check_at_every_width(page, name, SIGNED_IN[username][name], check_accessibility)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_fit_every_width(demo_data, new_page, check_accessibility, name):
    page = new_page()
    check_at_every_width(page, name, PUBLIC[name], check_accessibility)


def test_the_comparison_gives_the_narrative_a_readable_width(demo_data, new_page):
    """At 1,280px each narrative is at least 45 characters wide (it was about 50px), and at
    320px it still has the width of the column."""
    page = new_page()
    sign_in(page, "opcc.contributor")
    for width, least in ((1280, 45), (320, 20)):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{RECOMMENDATION}/")
        narratives = page.locator(".app-comparison__narrative")
        expect(narratives.first).to_be_visible()
        # The narrowest narrative, in characters of its own font ("0" is 1ch).
        characters = narratives.evaluate_all("""els => Math.min(...els.map(el => {
            const probe = document.createElement("span");
            probe.style.cssText = "display:inline-block;width:1ch;padding:0;border:0";
            el.append(probe);
            const ch = probe.getBoundingClientRect().width;
            probe.remove();
            return el.getBoundingClientRect().width / ch;
        }))""")
        assert characters >= least, (width, characters)
        # Every organisation's block: its name, its details and the narrative under them.
        first = page.locator(".app-comparison__item").first
        assert first.locator("h3 a").is_visible()
        assert first.locator("dt", has_text="Status").is_visible()
        assert page_scroll_width(page) <= width


def test_the_matrix_shows_the_whole_country_on_a_1280px_screen(demo_data, new_page,
                                                              check_accessibility):
    """The default view, the heat map, fits 1,280px with every organisation expected to answer
    (the national reference data): nothing to scroll sideways, no box of its own to scroll down
    in; its heading row stays in view while the page scrolls; the reader's organisation is
    first and marked."""
    super_complaint = SuperComplaint.objects.get(slug="safe-to-share")
    expected = expected_organisations_by_recommendation(list(super_complaint.recommendations.all()))
    organisations = {o.pk for group in expected.values() for o in group}
    assert Organisation.objects.count() == 97  # the national reference data
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "opcc.contributor")
    page.goto(MATRIX)
    check_accessibility(page, "matrix-default-national-1280")

    table = page.locator("table.app-heat-map")
    rows = table.locator("tbody:not(.app-heat-map__own) th[scope=row]")
    assert rows.count() == len(organisations)
    wrapper = page.get_by_role("region", name="Compact comparison matrix")
    assert wrapper.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert wrapper.evaluate("el => el.scrollHeight <= el.clientHeight + 1")  # no inner scroll
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280
    assert page_scroll_width(page) <= 1280
    # Every recommendation is a column, and the regions head their organisations.
    assert table.locator("thead th").count() == super_complaint.recommendations.count() + 1
    region = table.locator("th.app-heat-map__region", has_text="Yorkshire and the Humber")
    expect(region).to_be_visible()

    # The reader's own organisation first, under its own heading, marked by a bar.
    own = table.locator("tbody.app-heat-map__own")
    expect(own.locator("th.app-heat-map__region")).to_have_text("Your organisation")
    expect(own.locator("th[scope=row]")).to_have_text("South Yorkshire Mayor")
    assert own.bounding_box()["y"] < rows.first.bounding_box()["y"]
    border = own.locator("th[scope=row]").evaluate("el => getComputedStyle(el).borderLeftWidth")
    assert border == "5px"

    # The heading row stays on screen while the page scrolls down the country.
    heading = table.locator("thead th").first
    page.mouse.wheel(0, 1500)
    page.wait_for_timeout(200)
    assert page.evaluate("window.scrollY") > 1000
    assert abs(heading.bounding_box()["y"]) < 2

    # Each cell: a coloured code whose full status is its accessible name.
    cell = table.locator("td a").first
    assert cell.evaluate("el => el.textContent").startswith(cell.evaluate(
        "el => el.firstChild.textContent"
    ))
    assert len(cell.evaluate("el => el.firstChild.textContent")) <= 2


def test_the_full_matrix_scrolls_sideways_only(demo_data, new_page, check_accessibility):
    """The full table on demand: one scrollbar each way (its box sideways, the page down)."""
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "opcc.contributor")
    page.goto(MATRIX)
    page.get_by_role("link", name="Show the full table").click()
    expect(page.get_by_role("link", name="Show the compact view")).to_be_visible()
    page.get_by_role("link", name="Show organisations as rows").click()
    wrapper = page.get_by_role("region", name="Comparison matrix, scrolls sideways")
    expect(wrapper).to_be_visible()
    assert wrapper.evaluate("el => el.scrollHeight <= el.clientHeight + 1")  # no inner scroll
    assert page_scroll_width(page) <= 1280
    check_accessibility(page, "matrix-full-by-organisation-1280")


def test_chart_labels_stay_readable_on_a_phone(demo_data, new_page):
    page = new_page()
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, "opcc.contributor")
    page.goto("/dashboard/")
    labels = page.locator(".app-chart .app-chart__label")
    expect(labels.first).to_be_attached()
    smallest = labels.evaluate_all(
        "els => Math.min(...els.map(el => el.getBoundingClientRect().height))"
    )
    assert smallest >= 10  # were about 7px
    assert page_scroll_width(page) <= 320
