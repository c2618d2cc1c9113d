"""
The response page's history: who did what, and when, in words, read from the audit log; draft
work only for the organisation's members; a fixed number of queries however long it is.
"""

import datetime
import html
import re

import pytest
from auditlog.context import set_actor
from django.urls import reverse

from accounts.models import Membership
from evidence import services as evidence_services
from responses import services
from responses.choices import ReviewOutcome, Status
from responses.models import ResponseUpdate
from tests.responses import helpers
from workflow.selectors.history import response_history

from .test_response_detail import RESPONSE_PAGE_QUERIES

pytestmark = pytest.mark.django_db


def page_url(world, organisation=None):
    return reverse("workflow:response_detail", args=[
        world.super_complaint.slug, world.rec_1.number, (organisation or world.force_a).slug,
    ])


def form_data(**overrides):
    return helpers.form_data(**{
        "narrative": "Secret draft wording.", "position_provided_by": "", **overrides,
    })


def history_text(page):
    """The history section's text, with tags and spacing flattened."""
    assert page.status_code == 200
    content = page.content.decode()
    if 'id="history"' not in content:
        return ""
    section = content.split('id="history"', 1)[1].split("</details>", 1)[0]
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", section).split()))


@pytest.fixture
def story(world, client):
    """
    Through the pages: Alice drafts (setting the lead), edits and submits; Bob publishes it;
    Alice submits a second, drafts a third and deletes it; Bob returns the second; Rita closes.
    """
    world.contributor.last_name = "Smith"
    world.contributor.save()
    world.approver.first_name, world.approver.last_name = "Bob", "Jones"
    world.approver.save()
    create = reverse("workflow:update_create",
                     args=[world.super_complaint.slug, "1", world.force_a.slug])

    client.force_login(world.contributor)
    client.post(create, form_data(lead="DCI Lead"))
    first = ResponseUpdate.objects.get()
    edit = reverse("workflow:update_edit", args=[first.pk])
    client.post(edit, form_data(lead="DCI Lead", narrative="Better secret wording.",
                                status=Status.COMPLETED))
    client.post(edit, form_data(lead="DCI New", narrative="Better secret wording.",
                                status=Status.COMPLETED, action="submit"))
    client.force_login(world.approver)
    client.post(reverse("workflow:update_sign_off", args=[first.pk]), helpers.sign_off_data(first))

    client.force_login(world.contributor)
    client.post(create, form_data(lead="DCI New", as_of_day="2", action="submit",
                                  narrative="Second secret."))
    second = ResponseUpdate.objects.exclude(pk=first.pk).get()
    client.post(create, form_data(lead="DCI New", as_of_day="3", narrative="Third secret."))
    third = ResponseUpdate.objects.exclude(pk__in=[first.pk, second.pk]).get()
    client.post(reverse("workflow:update_delete", args=[third.pk]), {"version": third.version})

    client.force_login(world.approver)
    client.post(reverse("workflow:update_sign_off", args=[second.pk]),
                helpers.sign_off_data(second, "return", comment="Say when."))

    client.force_login(world.reviewer)
    client.post(reverse("workflow:response_review",
                        args=[world.super_complaint.slug, "1", world.force_a.slug]),
                {"outcome": ReviewOutcome.CLOSED, "comment": ""})
    client.logout()
    return first.response


def test_members_read_the_whole_story_in_words(world, client, story):
    client.force_login(world.viewer)

    text = history_text(client.get(page_url(world)))

    for line in [
        "Rita (HMICFRS) closed the response (evidence accepted)",
        "Bob Jones (Force A Police) returned the update as of 2 May 2021 for changes",
        "Bob Jones (Force A Police) signed off the update as of 1 May 2021 (published)",
        "Alice Smith (Force A Police) deleted the draft update as of 3 May 2021",
        "Alice Smith (Force A Police) created a draft update as of 3 May 2021",
        "Alice Smith (Force A Police) wrote an update as of 2 May 2021 and submitted it for "
        "sign-off",
        # The lead stays on the update until it is published; then it is the response's.
        "Bob Jones (Force A Police) set the lead to “DCI New”",
        "Alice Smith (Force A Police) edited and submitted the update as of 1 May 2021 for "
        "sign-off",
        "Alice Smith (Force A Police) edited the draft update as of 1 May 2021 "
        "(narrative, status)",
        "Alice Smith (Force A Police) created a draft update as of 1 May 2021",
        "Alice Smith (Force A Police) started this response",
    ]:
        assert line in text, line
    # Newest first.
    assert text.index("closed the response") < text.index("started this response")
    assert "secret" not in text.lower()


def test_another_organisation_sees_only_published_work_and_public_details(
    world, client, story
):
    client.force_login(world.other_contributor)

    text = history_text(client.get(page_url(world)))

    assert "Bob Jones (Force A Police) signed off the update as of 1 May 2021 (published)" in text
    assert "Rita (HMICFRS) closed the response (evidence accepted)" in text
    assert "Bob Jones (Force A Police) set the lead to “DCI New”" in text
    for hidden in ("draft", "submitted", "returned", "deleted", "edited", "2 May 2021",
                   "3 May 2021", "started this response", "secret", "Secret", "DCI Lead"):
        assert hidden not in text, hidden


def test_the_paired_body_and_reviewers_are_outsiders_for_drafts_too(world, story):
    for user in (world.opcc_contributor, world.reviewer):
        lines = [entry.what for entry in response_history(response=story, user=user)]
        assert len(lines) == 3, (user, lines)  # the sign-off, the lead and the review
        assert not any("draft" in line or "submitted" in line for line in lines), user


def test_people_are_named_by_their_organisation_for_this_response(world, story):
    """A user in several organisations is named by the response's own when they belong to it."""
    Membership.objects.create(user=world.approver, organisation=world.force_b,
                              role=Membership.Role.VIEWER)
    Membership.objects.create(user=world.approver, organisation=world.hmicfrs,
                              role=Membership.Role.VIEWER)

    history = response_history(response=story, user=world.approver)

    assert {e.organisation for e in history if e.who == "Bob Jones"} == {"Force A Police"}


def test_typed_values_are_escaped(world, client):
    client.force_login(world.contributor)
    client.post(reverse("workflow:update_create",
                        args=[world.super_complaint.slug, "1", world.force_a.slug]),
                form_data(lead="<script>alert(1)</script>", action="submit"))
    client.force_login(world.approver)
    client.post(reverse("workflow:update_sign_off", args=[ResponseUpdate.objects.get().pk]),
                helpers.sign_off_data(ResponseUpdate.objects.get()))

    page = client.get(page_url(world)).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_no_history_section_before_a_response_exists(world, client):
    client.force_login(world.contributor)

    assert history_text(client.get(page_url(world))) == ""


def test_changes_made_by_commands_are_named_as_such(world):
    response = services.response_get_or_create(recommendation=world.rec_1,
                                               organisation=world.force_a)
    response.lead = "DCI X"
    response.save()

    history = response_history(response=response, user=world.contributor)

    assert history[0].who == "An import or system task"
    assert history[0].organisation == ""
    assert history[0].what == "set the lead to “DCI X”"


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.parametrize("persona", ["contributor", "other_contributor"])
def test_the_history_costs_one_query_whatever_its_length(
    world, client, django_assert_num_queries, count, persona
):
    response = services.response_get_or_create(recommendation=world.rec_1,
                                               organisation=world.force_a)
    for day in range(1, count + 1):
        with set_actor(world.contributor):
            update = services.response_update_create(
                response=response, author=world.contributor, submit=True,
                as_of=datetime.date(2021, 1, day), status=Status.IN_PROGRESS,
            )
        with set_actor(world.approver):
            services.response_update_publish(update=update, approver=world.approver)
    with set_actor(world.reviewer):
        evidence_services.response_review(response=response, reviewer=world.reviewer,
                                 outcome=ReviewOutcome.RETURNED, comment="More.")
    client.force_login(getattr(world, persona))

    with django_assert_num_queries(RESPONSE_PAGE_QUERIES):
        page = client.get(page_url(world))

    text = history_text(page)
    assert text.count("signed off the update") == count
    assert text.count("wrote an update") == (count if persona == "contributor" else 0)
    assert "Rita (HMICFRS) returned the response for more evidence" in text
