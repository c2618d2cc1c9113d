"""
The comparison matrix is rendered once for every reader and kept in the cache under what its
cells are drawn from (the fingerprint selectors.comparison.matrix_get returns): whatever
changes a cell shows at once.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse

from evidence import services as evidence_services
from recommendations.models import Organisation
from responses.choices import (
    STATUS_TAG_CLASSES,
    ReviewOutcome,
    Status,
    heat_map_legend,
    matrix_cell_class,
    status_tag_class,
)
from responses.models import Response
from tests.conftest import published_update
from tests.responses.helpers import QUERY_COUNTS_CACHED


@pytest.fixture
def matrix_url(world):
    """The full table of status labels, whose cells these tests read."""
    return reverse("responses:matrix", args=[world.super_complaint.slug]) + "?view=table"


def cell(html, recommendation, organisation):
    """The text of one cell's link ("" when the cell is blank)."""
    found = re.search(
        rf'href="\.\./recommendations/{recommendation}/{organisation}/">(.*?)</a>', html
    )
    return found.group(1) if found else ""


def test_a_cached_matrix_shows_a_publication_at_once(client, world, matrix_url,
                                                     django_assert_num_queries):
    client.force_login(world.outsider)
    assert cell(client.get(matrix_url).text, 1, "force-a").startswith("No response yet")
    with django_assert_num_queries(QUERY_COUNTS_CACHED["matrix_table"]):
        assert cell(client.get(matrix_url).text, 1, "force-a").startswith("No response yet")

    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     status=Status.IN_PROGRESS, as_of=datetime.date(2021, 5, 1))

    assert cell(client.get(matrix_url).text, 1, "force-a").startswith("In progress")


def test_a_cached_matrix_shows_a_review_at_once(client, world, matrix_url):
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     status=Status.COMPLETED, as_of=datetime.date(2021, 5, 1))
    client.force_login(world.outsider)
    assert cell(client.get(matrix_url).text, 1, "force-a") == "Completed"

    evidence_services.response_review(
        response=Response.objects.get(organisation=world.force_a, recommendation=world.rec_1),
        reviewer=world.reviewer, outcome=ReviewOutcome.CLOSED, comment="Evidence accepted.",
    )

    assert cell(client.get(matrix_url).text, 1, "force-a") == "Completed<small>Closed</small>"


def test_a_cached_matrix_shows_a_renamed_organisation_and_new_recipients_at_once(
    client, world, matrix_url
):
    client.force_login(world.outsider)
    html = client.get(matrix_url).text
    assert ">Force B</a></th>" in html
    assert cell(html, 2, "force-a") == ""  # rec 2 is for the Home Office only

    Organisation.objects.filter(pk=world.force_b.pk).update(short_name="Force Bee")
    world.force_b.refresh_from_db()
    world.force_b.save()  # an edit (in the admin) moves updated_at
    world.rec_2.recipient_groups.add(world.chief_constables)

    html = client.get(matrix_url).text
    assert ">Force Bee</a></th>" in html
    assert cell(html, 2, "force-a").startswith("No response yet")


def test_the_matrix_is_cached_per_filter_and_layout(client, world):
    url = reverse("responses:matrix", args=[world.super_complaint.slug])
    client.force_login(world.outsider)
    client.get(url)
    forces = client.get(url, {"kind": "police_force"}).text
    assert ">Force A PCC</a>" not in forces
    heat_map = client.get(url).text
    assert 'class="govuk-table app-heat-map' in heat_map
    table = client.get(url, {"view": "table"}).text
    assert "app-heat-map" not in table
    assert ">Rec 1</a></th>" in table and "Recommendations are rows." in table
    by_organisation = client.get(url, {"view": "table", "orientation": "organisations"}).text
    assert '<th scope="row"><a href="/organisations/force-a/">Force A</a></th>' in by_organisation


def test_the_matrix_styles_colour_each_status_as_its_tag():
    """Each cell class (choices.matrix_cell_class) extends its status's GOV.UK tag modifier."""
    styles = (Path(__file__).resolve().parents[2] / "static/scss/_matrix.scss").read_text()
    extended = {}
    rule = re.compile(r"((?:\s*\.s-[a-z]+,?)+)\s*\{\s*@extend \.(govuk-tag--\w+);")
    for selectors, modifier in rule.findall(styles):
        for name in re.findall(r"s-[a-z]+", selectors):
            extended[name] = modifier
    cases = [(code, False) for code in Status.values] + [("", False), (Status.COMPLETED, True)]
    for status, closed in cases:
        css = matrix_cell_class(status, closed)
        modifier = status_tag_class(Status.COMPLETED if closed else status)
        assert extended.get(css, "") == modifier, (css, modifier)
    assert STATUS_TAG_CLASSES[Status.IN_PROGRESS] == ""  # the plain tag: no modifier
    assert {css for _, _, css in heat_map_legend()} <= set(extended) | {"s-ip"}


@pytest.mark.parametrize("layout, pinned", [
    ({}, "matrix"),
    ({"view": "heat-map"}, "matrix"),
    ({"view": "table"}, "matrix_table"),
    ({"view": "table", "orientation": "organisations"}, "matrix_table"),
])
def test_every_layout_comes_from_the_cache_once_drawn(client, world, layout, pinned,
                                                      django_assert_num_queries):
    url = reverse("responses:matrix", args=[world.super_complaint.slug])
    client.force_login(world.outsider)
    drawn = client.get(url, layout).text
    with django_assert_num_queries(QUERY_COUNTS_CACHED[pinned]):
        again = client.get(url, layout).text
    start = drawn.index('<p class="govuk-body" role="status">')  # the matrix (the CSRF
    assert again[start:] == drawn[start:]  # token of the sign-out form above differs)


def test_a_made_up_parameter_is_rendered_afresh_not_kept(client, world, django_assert_num_queries):
    url = reverse("responses:matrix", args=[world.super_complaint.slug])
    client.force_login(world.outsider)
    client.get(url, {"made-up": "<b>1</b>"})

    with django_assert_num_queries(QUERY_COUNTS_CACHED["matrix"] + 1):  # the regions
        page = client.get(url, {"made-up": "<b>1</b>"})

    assert page.status_code == 200
    assert "<b>1</b>" not in page.text  # escaped where the download form echoes it
