"""The response page lists each update's files, at a fixed number of queries."""

import datetime

import pytest

from responses import services as response_services
from responses.choices import Marking
from tests.conftest import draft_update
from tests.responses.helpers import add_updates, response_url
from tests.responses.test_response_detail import RESPONSE_PAGE_QUERIES

from .helpers import attach, download_url, files_url


def test_the_timeline_lists_each_file_with_what_a_reviewer_needs(world, client, response):
    update = draft_update(world, response, evidence_submitted=True)
    evidence = attach(world, update, title="Training records", name="training.pdf")
    client.force_login(world.contributor)

    html = client.get(response_url(world)).content.decode()

    assert "Evidence submitted to HMICFRS for review" in html
    assert "Training records" in html and "training.pdf" in html
    assert f"training.pdf – PDF, {evidence.size}\xa0bytes, OFFICIAL" in html
    assert "Uploaded by Alice" in html
    assert evidence.sha256 in html
    assert download_url(evidence) in html
    assert files_url(update) in html, "the draft's writer can attach or remove files"

    client.force_login(world.viewer)
    assert files_url(update) not in client.get(response_url(world)).content.decode()


def test_the_flag_alone_says_the_evidence_was_sent_another_way(world, client, response):
    draft_update(world, response, evidence_submitted=True)
    client.force_login(world.contributor)

    assert "sent another way: no file attached here" in client.get(
        response_url(world)
    ).content.decode()


def add_files(world, response, count):
    """`count` files on published updates, some OFFICIAL-SENSITIVE, cited by a review."""
    for number in range(count):
        update = draft_update(world, response, as_of=datetime.date(2021, 2, 1 + number % 27))
        attach(world, update, title=f"File {number}",
               marking=Marking.OFFICIAL_SENSITIVE if number % 3 == 0 else Marking.OFFICIAL)
        response_services.response_update_edit(update=update, editor=world.contributor,
                                               submit=True)
        response_services.response_update_publish(update=update, approver=world.approver)


@pytest.mark.parametrize("files", [0, 20])
@pytest.mark.parametrize("persona", ["approver", "contributor", "other_contributor", "reviewer"])
def test_the_response_page_makes_the_same_number_of_queries_with_0_or_20_files(
    world, client, response, django_assert_num_queries, files, persona
):
    add_files(world, response, files)
    add_updates(world, response, 4)  # drafts, an update awaiting sign-off and a review
    client.force_login(getattr(world, persona))

    with django_assert_num_queries(RESPONSE_PAGE_QUERIES):
        page = client.get(response_url(world))

    html = page.content.decode()
    assert page.status_code == 200
    shown = html.count('class="app-evidence__file"')
    assert shown == files
    if persona == "other_contributor" and files:
        assert "An OFFICIAL-SENSITIVE file" in html
