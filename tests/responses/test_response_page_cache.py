"""
The response page's body is kept rendered for each reader (core.fragments.cached_for_reader)
under the fingerprint of what it is drawn from (core.caching's "response" scope): a
publication, review, upload or letter shows at once; nothing kept for one reader (a draft, an
action of their role, OFFICIAL-SENSITIVE text) reaches another; and its forms carry a CSRF token
masked afresh for each response, which the form then accepts.
"""

import re

from auditlog.context import set_actor
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from evidence import services as evidence_services
from responses import services
from responses.choices import Marking, ReviewOutcome, Status, WorkflowState
from responses.models import ResponseUpdate
from tests.conftest import draft_update, published_update, submitted_update
from tests.evidence.helpers import attach
from tests.responses.helpers import response_url, sign_off_data
from tests.responses.test_response_detail import RESPONSE_PAGE_QUERIES_CACHED

SECRET = "Covert tactics are described here."


def kept(client, world, django_assert_num_queries):
    """Read the page twice: the second comes from the cache."""
    client.get(response_url(world))
    with django_assert_num_queries(RESPONSE_PAGE_QUERIES_CACHED):
        return client.get(response_url(world)).content.decode()


def test_a_publication_shows_at_once_on_a_kept_page(
    world, client, response, django_assert_num_queries
):
    update = submitted_update(world, response, narrative="<p>Training finished.</p>")
    client.force_login(world.other_contributor)
    assert "Training finished." not in kept(client, world, django_assert_num_queries)

    services.response_update_publish(update=update, approver=world.approver)

    assert "Training finished." in client.get(response_url(world)).content.decode()


def test_a_review_an_upload_and_a_deleted_draft_show_at_once(
    world, client, response, django_assert_num_queries
):
    published_update(world, response, status=Status.COMPLETED)
    draft = draft_update(world, response, narrative="<p>Half written.</p>")
    client.force_login(world.contributor)
    page = kept(client, world, django_assert_num_queries)
    assert "Half written." in page and "Training records" not in page

    attach(world, draft, title="Training records")
    assert "Training records" in client.get(response_url(world)).content.decode()

    with set_actor(world.reviewer):
        evidence_services.response_review(response=response, reviewer=world.reviewer,
                                 outcome=ReviewOutcome.RETURNED, comment="Show the audit.")
    assert "Show the audit." in client.get(response_url(world)).content.decode()

    ResponseUpdate.objects.filter(pk=draft.pk).delete()  # as the admin would
    assert "Half written." not in client.get(response_url(world)).content.decode()


def test_a_members_draft_kept_for_them_is_not_shown_to_another_organisation(
    world, client, response, django_assert_num_queries
):
    draft_update(world, response, narrative="<p>Half written.</p>")
    client.force_login(world.contributor)
    assert "Half written." in kept(client, world, django_assert_num_queries)

    client.force_login(world.other_contributor)
    assert "Half written." not in client.get(response_url(world)).content.decode()


def test_an_approvers_action_kept_for_them_is_not_offered_to_the_updates_writer(
    world, client, response, django_assert_num_queries
):
    update = submitted_update(world, response, status=Status.COMPLETED)
    sign_off = reverse("workflow:update_sign_off", args=[update.pk])
    client.force_login(world.approver)
    assert sign_off in kept(client, world, django_assert_num_queries)

    # The writer may not sign off their own update (four eyes); a viewer may not at all.
    for member in (world.contributor, world.viewer):
        client.force_login(member)
        assert sign_off not in client.get(response_url(world)).content.decode()


def test_sensitive_text_kept_for_the_paired_body_is_withheld_from_other_forces(
    world, client, response, django_assert_num_queries
):
    published_update(world, response, marking=Marking.OFFICIAL_SENSITIVE,
                     narrative=f"<p>{SECRET}</p>")
    client.force_login(world.opcc_contributor)  # Force A's PCC: needs to know
    assert SECRET in kept(client, world, django_assert_num_queries)

    client.force_login(world.other_contributor)  # Force B: no need to know
    page = client.get(response_url(world)).content.decode()
    assert SECRET not in page
    assert "OFFICIAL-SENSITIVE" in page


def csrf_tokens(html):
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def test_a_kept_page_carries_a_fresh_csrf_token_that_its_form_accepts(world, response):
    update = submitted_update(world, response, status=Status.COMPLETED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.approver)

    first = csrf_tokens(client.get(response_url(world)).content.decode())
    second = csrf_tokens(client.get(response_url(world)).content.decode())

    assert first and second
    # Masked afresh on every response (against BREACH), never the one the page was kept with.
    assert set(first).isdisjoint(second)
    page = client.post(
        reverse("workflow:update_sign_off", args=[update.pk]),
        sign_off_data(update, csrfmiddlewaretoken=second[0]),
    )
    assert page.status_code == 302
    update.refresh_from_db()
    assert update.state == WorkflowState.PUBLISHED


def test_another_session_gets_a_token_of_its_own_secret(world, response):
    submitted_update(world, response, status=Status.COMPLETED)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(world.approver)
    second.force_login(world.approver)
    first.get(response_url(world))

    page = second.get(response_url(world))
    token = csrf_tokens(page.content.decode())[0]

    assert _unmask_cipher_token(token) == second.cookies["csrftoken"].value
