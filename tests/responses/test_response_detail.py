"""ResponseDetailView: the response page, what it shows to whom, and its queries."""

import pytest
from django.urls import reverse

from responses import services
from responses.choices import Marking, Status
from tests.conftest import draft_update, published_update, submitted_update
from tests.responses.helpers import add_updates, create_url, response_url


def test_the_response_page_shows_the_response(world, client, response):
    world.rec_1.notes = "<p>Read with recommendation 2.</p>"
    world.rec_1.save()
    published_update(world, response, status=Status.NEARING_COMPLETION,
                     lead="DCI Smith", portal_reference="#17527",
                     narrative="<p>Nearly there.</p>", position_provided_by="DCC Jones",
                     marking=Marking.OFFICIAL_SENSITIVE)
    # A national reviewer has the need to know (test_need_to_know.py: who else has).
    client.force_login(world.reviewer)

    html = client.get(response_url(world)).content.decode()

    assert "<p>Stop sharing.</p>" in html
    assert "<p>Read with recommendation 2.</p>" in html
    assert "DCI Smith" in html and "#17527" in html
    assert "In progress – nearing completion" in html
    assert "As of 1 May 2021" in html
    assert "<p>Nearly there.</p>" in html
    assert "DCC Jones" in html
    assert "OFFICIAL-SENSITIVE" in html
    assert reverse("responses:organisation_detail", args=["force-a"]) in html
    assert reverse("responses:recommendation_detail", args=["safe-to-share", "1"]) in html
    # Reviewers review; they do not write for force A.
    assert "Add an update" not in html


def test_an_expected_organisation_without_a_response_shows_no_response_yet(world, client):
    client.force_login(world.contributor)

    page = client.get(response_url(world))

    assert page.status_code == 200
    assert "No response yet" in page.content.decode()
    assert "Add an update" in page.content.decode()


def test_an_organisation_not_expected_to_respond_is_not_found(world, client):
    client.force_login(world.contributor)

    # Recommendation 2 is for the Home Office only.
    assert client.get(response_url(world, recommendation=world.rec_2)).status_code == 404
    assert client.get(create_url(world, recommendation=world.rec_2)).status_code == 404
    assert client.get(response_url(world, organisation=world.inactive_force)).status_code == 404


def test_a_response_stays_visible_after_its_organisation_stops_being_expected(world, client):
    response = services.response_get_or_create(recommendation=world.rec_2,
                                               organisation=world.force_a)
    published_update(world, response, narrative="<p>Answered anyway.</p>")
    client.force_login(world.other_contributor)

    page = client.get(response_url(world, recommendation=world.rec_2))

    assert page.status_code == 200
    assert "Answered anyway." in page.content.decode()


def test_unpublished_updates_are_seen_only_inside_the_organisation(world, client, response):
    published_update(world, response, narrative="<p>Published words.</p>")
    draft_update(world, response, narrative="<p>Secret draft words.</p>")
    returned = submitted_update(world, response, narrative="<p>Returned words.</p>")
    services.response_update_return(update=returned, approver=world.approver, comment="Redo")
    submitted_update(world, response, narrative="<p>Waiting words.</p>")

    for persona in ("other_contributor", "reviewer", "opcc_contributor"):
        client.force_login(getattr(world, persona))
        html = client.get(response_url(world)).content.decode()
        assert "Published words." in html
        for hidden in ("Secret draft words.", "Waiting words.", "Returned words.", "Redo"):
            assert hidden not in html, (persona, hidden)

    for persona in ("approver", "viewer", "contributor"):
        client.force_login(getattr(world, persona))
        html = client.get(response_url(world)).content.decode()
        for shown in ("Published words.", "Secret draft words.", "Waiting words.",
                      "Returned words."):
            assert shown in html, (persona, shown)


def test_actions_follow_the_users_role(world, client, response):
    a_draft = draft_update(world, response)
    waiting = submitted_update(world, response)
    edit_url = reverse("workflow:update_edit", args=[a_draft.pk])
    sign_off_url = reverse("workflow:update_sign_off", args=[waiting.pk])

    client.force_login(world.contributor)
    html = client.get(response_url(world)).content.decode()
    assert edit_url in html and "Delete draft" in html and "Submit for sign-off" in html
    # One update already waits for an approver, so a new one is not offered until it is decided.
    assert "Add an update" not in html and "awaiting sign-off</a>" in html
    assert sign_off_url not in html

    client.force_login(world.approver)
    html = client.get(response_url(world)).content.decode()
    assert sign_off_url in html and "Return with a comment" in html

    client.force_login(world.viewer)
    html = client.get(response_url(world)).content.decode()
    assert "Add an update" not in html and edit_url not in html and sign_off_url not in html


def test_the_response_page_needs_a_signed_in_user(world, client, response):
    page = client.get(response_url(world))

    assert page.status_code == 302
    assert page.headers["Location"].startswith(reverse("login"))


# Queries


# Session, user, memberships, the response with its recommendation and organisation (one query;
# three for an organisation that has not responded), updates, reviews, the updates' evidence
# files, the files each review considered (evidence.selectors), history (the audit log entries
# with their actors and organisations, workflow.selectors.history), and the response's
# requests for more time with who asked and who decided (issue 14: one query), and the steps of
# its chasing ladder with their senders and bodies (issue 14, section 2: one query); on an
# empty cache, + the fingerprint the page's body is kept under (core.caching).
RESPONSE_PAGE_QUERIES = 12
# Once the body is kept for this reader: session, user, the fingerprint (the response, with its
# recommendation and organisation, kept under its address and checked against it) and
# memberships (who reads).
RESPONSE_PAGE_QUERIES_CACHED = 4


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.parametrize("persona", ["approver", "contributor", "other_contributor", "reviewer"])
def test_the_response_page_makes_the_same_number_of_queries_whatever_its_length(
    world, client, response, django_assert_num_queries, count, persona
):
    add_updates(world, response, count)
    client.force_login(getattr(world, persona))

    with django_assert_num_queries(RESPONSE_PAGE_QUERIES):
        page = client.get(response_url(world))

    assert page.status_code == 200
    assert page.content.decode().count('class="app-timeline-update') == (
        count if persona in {"approver", "contributor"} else (count + 1) // 2
    )

    with django_assert_num_queries(RESPONSE_PAGE_QUERIES_CACHED):
        again = client.get(response_url(world))

    assert again.content.decode().count('class="app-timeline-update') == (
        count if persona in {"approver", "contributor"} else (count + 1) // 2
    )



def test_a_kept_response_page_follows_a_new_address_at_once(world, client, response):
    client.force_login(world.contributor)
    old = response_url(world)
    assert client.get(old).status_code == 200
    assert client.get(old).status_code == 200  # found through the kept target

    world.force_a.slug = "force-a-constabulary"
    world.force_a.save()

    assert client.get(old).status_code == 404
    new = reverse("workflow:response_detail",
                  args=["safe-to-share", world.rec_1.number, "force-a-constabulary"])
    assert client.get(new).status_code == 200
