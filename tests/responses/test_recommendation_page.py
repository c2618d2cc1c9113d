"""The recommendation page as a force lead uses it: their own response first, the gaps in one
line, status tags that stay on one line."""

import datetime

from django.urls import reverse

from responses.choices import Status
from tests.conftest import published_update, submitted_update

OWN = "Your organisation's response"


def page_of(client, world, rec=None, **filters):
    rec = rec or world.rec_1
    url = reverse("responses:recommendation_detail", args=[world.super_complaint.slug, rec.number])
    return client.get(url, filters).text


def create_url(world, organisation, rec=None):
    rec = rec or world.rec_1
    return reverse("workflow:update_create",
                   args=[world.super_complaint.slug, rec.number, organisation.slug])


def test_a_contributor_sees_their_own_response_first_with_add_an_update(client, world):
    client.force_login(world.contributor)
    html = page_of(client, world)
    own = html.index(OWN)
    assert own < html.index("Every organisation's position")
    panel = html[own:html.index("Every organisation's position")]
    assert "Force A Police" in panel
    assert create_url(world, world.force_a) in panel
    assert "Force B" not in panel


def test_the_own_response_shows_whatever_the_filters(client, world):
    client.force_login(world.contributor)
    html = page_of(client, world, region="South West")  # Force A is in the North East
    assert OWN in html and create_url(world, world.force_a) in html


def test_a_viewer_sees_their_response_but_no_add_an_update(client, world):
    client.force_login(world.viewer)
    html = page_of(client, world)
    assert OWN in html
    assert create_url(world, world.force_a) not in html
    assert "View Force A's response" in html


def test_while_an_update_awaits_sign_off_it_says_so_instead_of_offering_another(client, world):
    submitted_update(world, organisation=world.force_a, recommendation=world.rec_1)
    client.force_login(world.contributor)
    html = page_of(client, world)
    assert "awaiting sign-off</a>" in html
    assert create_url(world, world.force_a) not in html


def test_people_outside_the_expected_organisations_get_no_own_panel(client, world):
    client.force_login(world.reviewer)
    assert OWN not in page_of(client, world)
    client.force_login(world.contributor)
    assert OWN not in page_of(client, world, world.rec_2)  # addressed to the Home Office only


def test_organisations_that_have_not_responded_are_one_collapsed_line(client, world):
    published_update(world, organisation=world.force_a, recommendation=world.rec_5,
                     status=Status.IN_PROGRESS)
    client.force_login(world.reviewer)
    html = page_of(client, world, world.rec_5)
    start = html.index('<ol class="app-comparison"')
    listed = html[start:html.index("</ol>", start)]
    assert "Force A Police" in listed
    assert "Force B Constabulary" not in listed and "Force A PCC" not in listed
    details = html[html.index('<details class="govuk-details app-gaps"'):]
    assert "2 organisations have not responded" in details
    assert "Force B Constabulary" in details and "Force A PCC" in details
    assert '<details class="govuk-details app-gaps">' in html  # closed: the list comes first


def test_the_gaps_list_is_open_when_nobody_has_responded(client, world):
    client.force_login(world.reviewer)
    html = page_of(client, world, world.rec_5)
    assert 'class="app-comparison"' not in html[html.index("Every organisation"):]
    assert '<details class="govuk-details app-gaps" open>' in html
    assert "3 organisations have not responded" in html


def test_long_status_labels_are_short_on_screen_and_whole_for_screen_readers(client, world):
    published_update(world, organisation=world.force_b, recommendation=world.rec_1,
                     author=world.other_contributor, approver=world.other_approver,
                     as_of=datetime.date(2021, 3, 1), status=Status.AWAITING_NATIONAL,
                     awaiting="College of Policing guidance")
    client.force_login(world.reviewer)
    html = page_of(client, world)
    assert '<span aria-hidden="true">Awaiting guidance</span>' in html
    assert '<span class="govuk-visually-hidden">Awaiting national guidance</span>' in html
    assert "app-tag--nowrap" in html
