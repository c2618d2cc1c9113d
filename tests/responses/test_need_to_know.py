"""
OFFICIAL-SENSITIVE is need-to-know: the writing organisation, its paired force or local policing
body and the national reviewers read the text; every other signed-in user sees that a sensitive
update exists (status, date, marking) and not a word of it: not on the response page, the
comparison, side by side, home, the CSV or through the search.
"""

import csv
import io

import pytest
from django.urls import reverse

from responses.choices import Marking, Status
from tests.conftest import published_update
from tests.responses.helpers import response_url

SECRET = "Covert safeguarding arrangements"


@pytest.fixture
def sensitive(world):
    return published_update(
        world, organisation=world.force_a, recommendation=world.rec_1,
        status=Status.IN_PROGRESS, narrative=f"<p>{SECRET} with two charities.</p>",
        position_provided_by="DCC Jones", marking=Marking.OFFICIAL_SENSITIVE,
    )


def rec_url(world, name="responses:recommendation_detail"):
    return reverse(name, args=[world.super_complaint.slug, world.rec_1.number])


def pages(world):
    return {
        "response page": response_url(world),
        "comparison": rec_url(world),
        "side by side": rec_url(world, "responses:recommendation_compare")
        + "?organisation=force-a&organisation=force-b",
        "CSV": rec_url(world, "responses:recommendation_export"),
        "home": reverse("home"),
    }


def test_another_force_sees_that_it_exists_but_never_its_text(client, world, sensitive):
    client.force_login(world.other_contributor)
    for name, url in pages(world).items():
        text = client.get(url).content.decode()
        assert SECRET not in text, name
        assert "DCC Jones" not in text, name
    page = client.get(response_url(world)).text
    assert "OFFICIAL-SENSITIVE" in page and "In progress" in page  # that it exists, and how
    assert "the text is shown only to the organisation that wrote it" in page
    rows = list(csv.DictReader(io.StringIO(
        client.get(rec_url(world, "responses:recommendation_export")).content.decode("utf-8-sig")
    )))
    force_a = next(row for row in rows if row["Organisation"] == "Force A Police")
    assert force_a["Protective marking"] == "OFFICIAL-SENSITIVE"
    assert force_a["Latest published update"].startswith("OFFICIAL-SENSITIVE: the text is shown")


def test_searching_withheld_text_finds_nothing(client, world, sensitive):
    client.force_login(world.other_contributor)
    page = client.get(rec_url(world), {"q": "Covert"})
    assert [row.slug for row in page.context["comparison"].rows] == []
    client.force_login(world.reviewer)
    page = client.get(rec_url(world), {"q": "Covert"})
    assert [row.slug for row in page.context["comparison"].rows] == ["force-a"]


@pytest.mark.parametrize("reader", ["contributor", "viewer", "opcc_contributor", "reviewer"])
def test_the_organisation_its_paired_body_and_reviewers_read_it(client, world, sensitive,
                                                                reader):
    client.force_login(getattr(world, reader))
    for name in ("response page", "comparison", "side by side"):
        assert SECRET in client.get(pages(world)[name]).text, (reader, name)


def test_a_public_or_official_update_is_read_by_everyone(client, world):
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     narrative=f"<p>{SECRET}.</p>", marking=Marking.OFFICIAL)
    client.force_login(world.other_contributor)
    assert SECRET in client.get(response_url(world)).text
    assert SECRET in client.get(rec_url(world)).text


def test_the_home_pages_kept_latest_positions_never_lend_text_to_another_reader(client, world,
                                                                               sensitive):
    """The latest positions are kept rendered per need to know, not once for everybody."""
    client.force_login(world.reviewer)
    assert SECRET in client.get(reverse("home")).text  # rendered and kept for reviewers

    client.force_login(world.other_contributor)
    page = client.get(reverse("home")).text
    assert SECRET not in page
    assert "OFFICIAL-SENSITIVE: text withheld." in page
