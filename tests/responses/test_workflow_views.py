import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from responses import services
from responses.choices import Marking, ReviewOutcome, Status, WorkflowState
from responses.models import Response, ResponseReview, ResponseUpdate


def response_url(world, organisation=None, recommendation=None):
    recommendation = recommendation or world.rec_1
    organisation = organisation or world.force_a
    return reverse(
        "responses:response_detail",
        args=[world.super_complaint.slug, recommendation.number, organisation.slug],
    )


def create_url(world, organisation=None, recommendation=None):
    recommendation = recommendation or world.rec_1
    organisation = organisation or world.force_a
    return reverse(
        "responses:update_create",
        args=[world.super_complaint.slug, recommendation.number, organisation.slug],
    )


def review_url(world, organisation=None):
    return reverse(
        "responses:response_review",
        args=[world.super_complaint.slug, world.rec_1.number, (organisation or world.force_a).slug],
    )


def form_data(**overrides):
    data = {
        "as_of_day": "1",
        "as_of_month": "5",
        "as_of_year": "2021",
        "status": Status.IN_PROGRESS,
        "awaiting": "",
        "narrative": "Training has begun.",
        "position_provided_by": "DCI Smith, in consultation with OPCC",
        "marking": Marking.OFFICIAL,
        "lead": "",
        "portal_reference": "",
        "action": "draft",
    }
    data.update(overrides)
    return data


@pytest.fixture
def response(world):
    return services.response_get_or_create(recommendation=world.rec_1, organisation=world.force_a)


def draft(world, response, narrative="<p>Draft text.</p>", **fields):
    fields.setdefault("as_of", datetime.date(2021, 5, 1))
    fields.setdefault("status", Status.IN_PROGRESS)
    return services.response_update_create(
        response=response, author=world.contributor, narrative=narrative, **fields
    )


def submitted(world, response, **fields):
    fields.setdefault("as_of", datetime.date(2021, 5, 1))
    fields.setdefault("status", Status.IN_PROGRESS)
    return services.response_update_create(
        response=response, author=world.contributor, submit=True, **fields
    )


def published(world, response, **fields):
    update = submitted(world, response, **fields)
    return services.response_update_publish(update=update, approver=world.approver)


def row_counts():
    return (Response.objects.count(), ResponseUpdate.objects.count(),
            ResponseReview.objects.count())


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

    edit_url = reverse("responses:update_edit", args=[update.pk])
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
    page = client.post(reverse("responses:update_sign_off", args=[update.pk]),
                       {"action": "approve"})
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
    published(world, response, lead="DCI Jones", portal_reference="#1")
    client.force_login(world.contributor)

    page = client.get(create_url(world)).content.decode()

    today = timezone.localdate()
    assert f'name="as_of_year" type="text" inputmode="numeric" value="{today.year}"' in page
    assert 'value="DCI Jones"' in page


def test_editing_a_draft_puts_its_paragraphs_and_bullets_back_as_plain_text(
    world, client, response
):
    update = draft(world, response, narrative="<p>One<br>two</p><ul><li>a</li><li>b</li></ul>")
    client.force_login(world.contributor)

    page = client.get(reverse("responses:update_edit", args=[update.pk])).content.decode()

    assert "One\ntwo\n\n- a\n- b</textarea>" in page


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


@pytest.mark.parametrize("persona", ["other_contributor", "other_approver", "viewer", "reviewer"])
def test_other_users_cannot_edit_delete_or_sign_off_a_forces_update(
    world, client, response, persona
):
    update = submitted(world, response, narrative="<p>Original.</p>")
    a_draft = draft(world, response)
    client.force_login(getattr(world, persona))
    before = row_counts()

    assert client.get(reverse("responses:update_edit", args=[a_draft.pk])).status_code == 403
    assert client.post(reverse("responses:update_edit", args=[a_draft.pk]),
                       form_data(narrative="Hijacked.")).status_code == 403
    assert client.post(reverse("responses:update_delete", args=[a_draft.pk])).status_code == 403
    for action in ("approve", "return"):
        page = client.post(reverse("responses:update_sign_off", args=[update.pk]),
                           {"action": action, "comment": "No."})
        assert page.status_code == 403

    assert row_counts() == before
    update.refresh_from_db()
    a_draft.refresh_from_db()
    assert update.state == WorkflowState.AWAITING_SIGN_OFF
    assert a_draft.narrative == "<p>Draft text.</p>"


def test_an_approver_cannot_sign_off_their_own_update(world, client, response):
    update = services.response_update_create(
        response=response, author=world.approver, submit=True,
        as_of=datetime.date(2021, 5, 1), status=Status.COMPLETED,
    )
    client.force_login(world.approver)

    assert "Approve and publish" not in client.get(response_url(world)).content.decode()
    page = client.post(reverse("responses:update_sign_off", args=[update.pk]),
                       {"action": "approve"})

    assert page.status_code == 403
    update.refresh_from_db()
    assert update.state == WorkflowState.AWAITING_SIGN_OFF


def test_a_contributor_cannot_sign_off(world, client, response):
    update = services.response_update_create(
        response=response, author=world.approver, submit=True,
        as_of=datetime.date(2021, 5, 1), status=Status.COMPLETED,
    )
    client.force_login(world.contributor)

    page = client.post(reverse("responses:update_sign_off", args=[update.pk]),
                       {"action": "approve"})

    assert page.status_code == 403


def test_a_published_update_cannot_be_edited_or_deleted(world, client, response):
    update = published(world, response, narrative="<p>On the record.</p>")
    client.force_login(world.contributor)
    edit_url = reverse("responses:update_edit", args=[update.pk])

    page = client.get(edit_url, follow=True)
    assert "so it cannot be changed" in page.content.decode()
    assert page.redirect_chain[0][0] == f"{response_url(world)}#update-{update.pk}"

    page = client.post(edit_url, form_data(narrative="Rewritten history."))
    assert page.status_code == 409
    html = page.content.decode()
    assert "so it cannot be changed" in html
    assert "Rewritten history.</textarea>" in html

    assert client.get(reverse("responses:update_delete", args=[update.pk])).status_code == 403
    assert client.post(reverse("responses:update_delete", args=[update.pk])).status_code == 403
    update.refresh_from_db()
    assert update.narrative == "<p>On the record.</p>"
    assert update.state == WorkflowState.PUBLISHED
    assert ResponseUpdate.objects.count() == 1


def test_an_update_awaiting_sign_off_cannot_be_edited_or_deleted(world, client, response):
    update = submitted(world, response, narrative="<p>Sent.</p>")
    client.force_login(world.contributor)

    page = client.post(reverse("responses:update_edit", args=[update.pk]),
                       form_data(narrative="Changed after submitting.", action="submit"))
    assert page.status_code == 409
    assert client.post(reverse("responses:update_delete", args=[update.pk])).status_code == 403

    update.refresh_from_db()
    assert update.narrative == "<p>Sent.</p>"
    assert update.state == WorkflowState.AWAITING_SIGN_OFF


def test_a_contributor_deletes_a_draft_after_confirming(world, client, response):
    update = draft(world, response)
    client.force_login(world.contributor)
    url = reverse("responses:update_delete", args=[update.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Delete this draft?" in page.content.decode()
    assert ResponseUpdate.objects.filter(pk=update.pk).exists()

    page = client.post(url)
    assert page.headers["Location"] == response_url(world)
    assert not ResponseUpdate.objects.filter(pk=update.pk).exists()
    assert "Draft deleted" in client.get(response_url(world)).content.decode()


# Returning and reviewing


def test_an_approver_returns_an_update_and_the_contributor_sees_why(world, client, response):
    update = submitted(world, response)
    client.force_login(world.approver)

    page = client.post(reverse("responses:update_sign_off", args=[update.pk]),
                       {"action": "return", "comment": "Add the training dates."})

    assert page.headers["Location"] == response_url(world)
    update.refresh_from_db()
    assert update.state == WorkflowState.RETURNED
    assert "Update returned to Force A" in client.get(response_url(world)).content.decode()

    client.force_login(world.contributor)
    html = client.get(response_url(world)).content.decode()
    assert "<strong>Returned:</strong> Add the training dates." in html
    assert reverse("responses:update_edit", args=[update.pk]) in html
    edit = client.get(reverse("responses:update_edit", args=[update.pk])).content.decode()
    assert "Add the training dates." in edit


def test_returning_without_a_comment_shows_an_error_and_keeps_the_update(
    world, client, response
):
    update = submitted(world, response, narrative="<p>Awaiting a decision.</p>")
    client.force_login(world.approver)

    page = client.post(reverse("responses:update_sign_off", args=[update.pk]),
                       {"action": "return", "comment": "   "})

    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html
    anchor = f"#id_return_{update.pk}_comment"
    assert f'<a href="{anchor}">Say why the update is being returned</a>' in html
    assert "Awaiting a decision." in html
    assert "<title>Error: " in html
    update.refresh_from_db()
    assert update.state == WorkflowState.AWAITING_SIGN_OFF


def test_a_reviewer_closes_a_published_response(world, client, response):
    published(world, response)
    client.force_login(world.reviewer)
    assert "Review this response" in client.get(response_url(world)).content.decode()

    page = client.post(review_url(world), {"outcome": ReviewOutcome.CLOSED,
                                           "comment": "Evidence seen."})

    assert page.headers["Location"] == response_url(world)
    response.refresh_from_db()
    assert response.review_outcome == ReviewOutcome.CLOSED
    html = client.get(response_url(world)).content.decode()
    assert "Response closed" in html
    assert "Evidence seen." in html


def test_returning_a_response_needs_a_comment(world, client, response):
    published(world, response)
    client.force_login(world.reviewer)

    page = client.post(review_url(world), {"outcome": ReviewOutcome.RETURNED, "comment": ""})

    assert '<a href="#id_review_comment">Say what more evidence is needed</a>' in (
        page.content.decode()
    )
    response.refresh_from_db()
    assert response.review_outcome == ReviewOutcome.OPEN
    assert not ResponseReview.objects.exists()


@pytest.mark.parametrize("persona", ["contributor", "approver", "other_contributor", "outsider"])
def test_only_reviewers_can_review(world, client, response, persona):
    published(world, response)
    client.force_login(getattr(world, persona))

    assert "Review this response" not in client.get(response_url(world)).content.decode()
    page = client.post(review_url(world), {"outcome": ReviewOutcome.CLOSED})

    assert page.status_code == 403
    response.refresh_from_db()
    assert response.review_outcome == ReviewOutcome.OPEN


def test_sign_off_and_review_only_take_posts(world, client, response):
    update = submitted(world, response)
    client.force_login(world.approver)

    assert client.get(reverse("responses:update_sign_off", args=[update.pk])).status_code == 405
    assert client.get(review_url(world)).status_code == 405


# The response page


def test_the_response_page_shows_the_response(world, client, response):
    world.rec_1.notes = "<p>Read with recommendation 2.</p>"
    world.rec_1.save()
    published(world, response, status=Status.NEARING_COMPLETION,
              lead="DCI Smith", portal_reference="#17527",
              narrative="<p>Nearly there.</p>", position_provided_by="DCC Jones",
              marking=Marking.OFFICIAL_SENSITIVE)
    client.force_login(world.other_contributor)

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
    # Charlie writes for force B, not force A.
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
    published(world, response, narrative="<p>Answered anyway.</p>")
    client.force_login(world.other_contributor)

    page = client.get(response_url(world, recommendation=world.rec_2))

    assert page.status_code == 200
    assert "Answered anyway." in page.content.decode()


def test_unpublished_updates_are_seen_only_inside_the_organisation(world, client, response):
    published(world, response, narrative="<p>Published words.</p>")
    draft(world, response, narrative="<p>Secret draft words.</p>")
    submitted(world, response, narrative="<p>Waiting words.</p>")
    returned = submitted(world, response, narrative="<p>Returned words.</p>")
    services.response_update_return(update=returned, approver=world.approver, comment="Redo")

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
    a_draft = draft(world, response)
    waiting = submitted(world, response)
    edit_url = reverse("responses:update_edit", args=[a_draft.pk])
    sign_off_url = reverse("responses:update_sign_off", args=[waiting.pk])

    client.force_login(world.contributor)
    html = client.get(response_url(world)).content.decode()
    assert "Add an update" in html and edit_url in html and "Delete draft" in html
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


def add_updates(world, response, count):
    """Write `count` updates: odd days published, the others drafts or awaiting sign-off."""
    for day in range(1, count + 1):
        update = services.response_update_create(
            response=response, author=world.contributor, submit=day % 4 != 2,
            as_of=datetime.date(2021, 1, day), status=Status.IN_PROGRESS,
            narrative=f"<p>Update {day}.</p>",
        )
        if day % 2 == 1:
            services.response_update_publish(update=update, approver=world.approver)
    services.response_review(response=response, reviewer=world.reviewer,
                             outcome=ReviewOutcome.RETURNED, comment="More.")


# Session, user, memberships, recommendation, organisation, response, updates, reviews, history
# (the audit log entries with their actors and organisations, responses.selectors.history).
RESPONSE_PAGE_QUERIES = 9


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


def test_a_refusal_says_why(client, world):
    """The 403 page carries the reason the service gave, not only a generic refusal."""
    response = services.response_get_or_create(recommendation=world.rec_1,
                                               organisation=world.force_a)
    update = services.response_update_create(
        response=response, author=world.approver, submit=True,
        as_of=datetime.date(2021, 5, 1), status=Status.COMPLETED,
    )
    client.force_login(world.approver)
    page = client.post(reverse("responses:update_sign_off", args=[update.pk]),
                       {"action": "approve"})
    assert page.status_code == 403
    assert "You cannot sign off an update you wrote yourself." in page.text


@pytest.mark.parametrize("count", [1, 20])
def test_the_update_forms_make_the_same_number_of_queries_whatever_the_history(
    world, client, response, count
):
    add_updates(world, response, count)
    editable = draft(world, response)
    client.force_login(world.contributor)

    with CaptureQueriesContext(connection) as create_queries:
        assert client.get(create_url(world)).status_code == 200
    with CaptureQueriesContext(connection) as edit_queries:
        assert client.get(reverse("responses:update_edit", args=[editable.pk])).status_code == 200

    # Pinned from the first run; the same with 20 updates of history as with 1.
    assert (len(create_queries), len(edit_queries)) == FORM_PAGE_QUERIES


FORM_PAGE_QUERIES = (6, 4)
