"""
UpdateCreateView: the new update form of a response, from the first draft to the workflow's
other pages, with its validation and who may use it.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from responses import services
from responses.choices import Marking, Status, WorkflowState
from responses.models import Response, ResponseUpdate
from tests.conftest import draft_update, published_update
from tests.responses.helpers import (
    add_updates,
    create_url,
    form_data,
    response_url,
    row_counts,
    sign_off_data,
)

# The whole workflow, through the pages


def test_contributor_drafts_edits_and_submits_then_approver_publishes(world, client):
    client.force_login(world.contributor)
    page = client.post(create_url(world), form_data(narrative="First go."))
    assert page.status_code == 302
    assert page.headers["Location"] == response_url(world)
    update = ResponseUpdate.objects.get()
    assert update.state == WorkflowState.DRAFT
    assert update.author == world.contributor
    assert update.narrative == "<p>First go.</p>"
    assert "Draft saved" in client.get(response_url(world)).content.decode()

    edit_url = reverse("workflow:update_edit", args=[update.pk])
    page = client.get(edit_url)
    assert "First go." in page.content.decode()
    page = client.post(edit_url, form_data(narrative="Second go.", status=Status.COMPLETED,
                                           action="submit"))
    assert page.status_code == 302
    update.refresh_from_db()
    assert update.state == WorkflowState.AWAITING_SIGN_OFF
    assert update.narrative == "<p>Second go.</p>"
    assert "Update submitted for sign-off" in client.get(response_url(world)).content.decode()

    client.force_login(world.approver)
    page = client.get(response_url(world))
    assert "Approve and publish" in page.content.decode()
    page = client.post(reverse("workflow:update_sign_off", args=[update.pk]),
                       sign_off_data(update))
    assert page.status_code == 302
    assert page.headers["Location"] == response_url(world)
    update.refresh_from_db()
    response = update.response
    response.refresh_from_db()
    assert update.state == WorkflowState.PUBLISHED
    assert update.signed_off_by == world.approver
    assert response.current_status == Status.COMPLETED
    assert response.current_status_on == datetime.date(2021, 5, 1)
    assert "Update published" in client.get(response_url(world)).content.decode()


# The form


def test_the_first_update_creates_the_response_with_its_lead_and_reference(world, client):
    client.force_login(world.contributor)
    assert not Response.objects.exists()

    client.post(create_url(world), form_data(lead="DCI Smith", portal_reference="#17527",
                                             action="submit"))

    response = Response.objects.get()
    assert (response.recommendation, response.organisation) == (world.rec_1, world.force_a)
    assert response.updates.count() == 1
    # Unsigned details stay on the update: nobody outside sees them before sign-off.
    assert (response.lead, response.portal_reference) == ("", "")
    update = response.updates.get()
    assert (update.lead, update.portal_reference) == ("DCI Smith", "#17527")

    services.response_update_publish(update=update, approver=world.approver)
    response.refresh_from_db()
    assert (response.lead, response.portal_reference) == ("DCI Smith", "#17527")


def test_the_form_starts_with_today_and_the_responses_lead(world, client, response):
    published_update(world, response, lead="DCI Jones", portal_reference="#1")
    client.force_login(world.contributor)

    page = client.get(create_url(world)).content.decode()

    today = timezone.localdate()
    assert f'name="as_of_year" type="text" inputmode="numeric" value="{today.year}"' in page
    assert 'value="DCI Jones"' in page


def test_sensitive_updates_cannot_be_public(world, client):
    client.force_login(world.contributor)

    page = client.post(create_url(world), form_data(marking=Marking.OFFICIAL_SENSITIVE,
                                                    public="on"))

    assert page.status_code == 200
    assert "cannot be shown on public pages" in page.content.decode()
    assert not ResponseUpdate.objects.exists()


# Validation: the GOV.UK error summary, and nothing typed is lost


def test_a_bad_date_keeps_everything_typed_and_links_to_the_day_input(world, client):
    client.force_login(world.contributor)
    narrative = "First paragraph\nsecond line\n\n- one\n- two"

    page = client.post(create_url(world), form_data(
        as_of_month="13", narrative=narrative, position_provided_by="DCI Brown", lead="Supt X",
    ))

    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html
    assert '<a href="#id_as_of_day">The date must be a real date</a>' in html
    assert f"{narrative}</textarea>" in html
    assert 'value="DCI Brown"' in html
    assert 'value="Supt X"' in html
    assert 'name="as_of_month" type="text" inputmode="numeric" value="13"' in html
    assert "<title>Error: " in html
    assert not Response.objects.exists()


def test_a_future_date_is_refused(world, client):
    client.force_login(world.contributor)
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)

    page = client.post(create_url(world), form_data(
        as_of_day=str(tomorrow.day), as_of_month=str(tomorrow.month),
        as_of_year=str(tomorrow.year),
    ))

    assert "The date cannot be in the future" in page.content.decode()
    assert not ResponseUpdate.objects.exists()


def test_a_missing_date_asks_for_it(world, client):
    client.force_login(world.contributor)

    page = client.post(create_url(world), form_data(as_of_day="", as_of_month="",
                                                    as_of_year=""))

    assert "Enter the date as of which this position is true" in page.content.decode()


def test_not_accepted_needs_an_explanation(world, client):
    client.force_login(world.contributor)

    page = client.post(create_url(world), form_data(status=Status.NOT_ACCEPTED, narrative=""))

    html = page.content.decode()
    assert '<a href="#id_narrative">Explain why no action will be taken</a>' in html
    assert not ResponseUpdate.objects.exists()


def test_awaiting_national_guidance_needs_what_is_awaited(world, client):
    client.force_login(world.contributor)

    page = client.post(create_url(world), form_data(status=Status.AWAITING_NATIONAL))

    assert '<a href="#id_awaiting">' in page.content.decode()
    assert not ResponseUpdate.objects.exists()

    client.post(create_url(world), form_data(status=Status.AWAITING_NATIONAL,
                                             awaiting="College of Policing guidance"))
    assert ResponseUpdate.objects.get().awaiting == "College of Policing guidance"


def test_what_is_awaited_is_dropped_for_other_statuses(world, client):
    client.force_login(world.contributor)

    client.post(create_url(world), form_data(status=Status.IN_PROGRESS, awaiting="Leftover"))

    assert ResponseUpdate.objects.get().awaiting == ""


# Who may write


@pytest.mark.parametrize("persona", ["other_contributor", "viewer", "reviewer", "outsider"])
def test_only_writers_of_the_organisation_can_open_or_post_the_new_update_form(
    world, client, persona
):
    client.force_login(getattr(world, persona))
    before = row_counts()

    assert client.get(create_url(world)).status_code == 403
    assert client.post(create_url(world), form_data(action="submit")).status_code == 403

    # A refused user leaves no empty response behind.
    assert row_counts() == before == (0, 0, 0)


def test_the_local_policing_body_cannot_write_for_its_force(world, client):
    client.force_login(world.opcc_contributor)

    assert client.post(create_url(world, recommendation=world.rec_5),
                       form_data()).status_code == 403
    assert not Response.objects.exists()


# Queries


# The new update form's queries, then the edit form's. Both draw the awaited recommendation's
# select (1 query, every recommendation with its super-complaint) and the national bodies' (1);
# the new update form finds the response with its recommendation and organisation (1, as the
# response page) and looks up the recommendation it depends on, to suggest it (1); the edit
# form lists the draft's evidence files (1).
FORM_PAGE_QUERIES = (7, 7)


@pytest.mark.parametrize("count", [1, 20])
def test_the_update_forms_make_the_same_number_of_queries_whatever_the_history(
    world, client, response, count
):
    add_updates(world, response, count)
    editable = draft_update(world, response)
    client.force_login(world.contributor)

    with CaptureQueriesContext(connection) as create_queries:
        assert client.get(create_url(world)).status_code == 200
    with CaptureQueriesContext(connection) as edit_queries:
        assert client.get(reverse("workflow:update_edit", args=[editable.pk])).status_code == 200

    # Pinned from the first run; the same with 20 updates of history as with 1.
    assert (len(create_queries), len(edit_queries)) == FORM_PAGE_QUERIES



def test_the_form_says_that_today_is_only_filled_in_as_a_starting_date(world, client):
    import html

    import time_machine

    client.force_login(world.contributor)
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        page = html.unescape(client.get(create_url(world)).text)
    assert "Today's date (24 11 2026) is filled in: change it if the position is from an" in page
    assert 'value="24"' in page and 'value="11"' in page and 'value="2026"' in page


# Duplicates: a form posted twice, and a second update awaiting sign-off


def _form_token(page):
    import re

    return re.search(r'name="form_token" value="([0-9a-f-]+)"', page.text).group(1)


def test_a_triple_click_on_save_draft_writes_one_draft(world, client):
    client.force_login(world.contributor)
    token = _form_token(client.get(create_url(world)))

    pages = [client.post(create_url(world), form_data(narrative="Once.", form_token=token))
             for _ in range(3)]

    assert [page.status_code for page in pages] == [302, 302, 302]
    assert {page.headers["Location"] for page in pages} == {response_url(world)}
    update = ResponseUpdate.objects.get()
    assert update.narrative == "<p>Once.</p>"
    assert "Draft saved" in client.get(response_url(world)).text


def test_a_double_click_on_submit_sends_one_update_for_sign_off(world, client):
    client.force_login(world.contributor)
    token = _form_token(client.get(create_url(world)))
    data = form_data(narrative="Once.", form_token=token, action="submit")

    first, second = client.post(create_url(world), data), client.post(create_url(world), data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert ResponseUpdate.objects.get().state == WorkflowState.AWAITING_SIGN_OFF


def test_a_saved_form_sent_again_with_other_text_is_kept_and_saved_only_when_asked(
    world, client
):
    client.force_login(world.contributor)
    token = _form_token(client.get(create_url(world)))
    client.post(create_url(world), form_data(narrative="First text.", form_token=token))

    # Back in the browser's history, changed, and saved again with the same form.
    again = client.post(create_url(world), form_data(narrative="Changed text.", form_token=token))

    assert again.status_code == 409
    assert "This form was saved once already" in again.text
    assert "Changed text.</textarea>" in again.text
    assert ResponseUpdate.objects.count() == 1
    fresh = _form_token(again)
    assert fresh != token
    saved = client.post(create_url(world), form_data(narrative="Changed text.", form_token=fresh))
    assert saved.status_code == 302
    assert sorted(ResponseUpdate.objects.values_list("narrative", flat=True)) == [
        "<p>Changed text.</p>", "<p>First text.</p>",
    ]


def test_only_one_update_of_a_response_awaits_sign_off(world, client, response):
    from tests.conftest import submitted_update

    submitted_update(world, response, narrative="<p>Waiting.</p>")
    client.force_login(world.contributor)

    page = client.post(create_url(world), form_data(narrative="A second one.", action="submit"))

    assert page.status_code == 200
    assert "Another update of this response is already awaiting sign-off" in page.text
    assert "A second one.</textarea>" in page.text
    assert ResponseUpdate.objects.count() == 1

    draft = draft_update(world, response, narrative="<p>Drafted.</p>")
    submit = client.post(reverse("workflow:update_submit", args=[draft.pk]),
                         {"version": draft.version})
    assert "Another update of this response is already awaiting sign-off" in submit.text
    draft.refresh_from_db()
    assert draft.state == WorkflowState.DRAFT
    assert ResponseUpdate.objects.awaiting_sign_off().count() == 1


def test_the_database_holds_one_update_awaiting_sign_off_per_response(world, response):
    from django.db import IntegrityError, transaction

    from tests.conftest import submitted_update

    waiting = submitted_update(world, response)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResponseUpdate.objects.create(
            response=response, as_of=waiting.as_of, status=waiting.status,
            state=WorkflowState.AWAITING_SIGN_OFF,
        )
    assert ResponseUpdate.objects.awaiting_sign_off().count() == 1
