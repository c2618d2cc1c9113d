"""UpdateEditView: changing a draft or returned update, and every update it must refuse."""

import pytest
from django.urls import reverse

from responses.choices import WorkflowState
from responses.models import ResponseUpdate
from tests.conftest import draft_update, published_update, submitted_update
from tests.responses.helpers import form_data, response_url, row_counts, sign_off_data


def test_editing_a_draft_puts_its_paragraphs_and_bullets_back_as_plain_text(
    world, client, response
):
    update = draft_update(world, response,
                          narrative="<p>One<br>two</p><ul><li>a</li><li>b</li></ul>")
    client.force_login(world.contributor)

    page = client.get(reverse("responses:update_edit", args=[update.pk])).content.decode()

    assert "One\ntwo\n\n- a\n- b</textarea>" in page


@pytest.mark.parametrize("persona", ["other_contributor", "other_approver", "viewer", "reviewer"])
def test_other_users_cannot_edit_delete_or_sign_off_a_forces_update(
    world, client, response, persona
):
    update = submitted_update(world, response, narrative="<p>Original.</p>")
    a_draft = draft_update(world, response, narrative="<p>Draft text.</p>")
    client.force_login(getattr(world, persona))
    before = row_counts()

    assert client.get(reverse("responses:update_edit", args=[a_draft.pk])).status_code == 403
    assert client.post(reverse("responses:update_edit", args=[a_draft.pk]),
                       form_data(narrative="Hijacked.")).status_code == 403
    assert client.post(reverse("responses:update_delete", args=[a_draft.pk])).status_code == 403
    for action in ("approve", "return"):
        page = client.post(reverse("responses:update_sign_off", args=[update.pk]),
                           sign_off_data(update, action, comment="No."))
        assert page.status_code == 403

    assert row_counts() == before
    update.refresh_from_db()
    a_draft.refresh_from_db()
    assert update.state == WorkflowState.AWAITING_SIGN_OFF
    assert a_draft.narrative == "<p>Draft text.</p>"


def test_a_published_update_cannot_be_edited_or_deleted(world, client, response):
    update = published_update(world, response, narrative="<p>On the record.</p>")
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
    update = submitted_update(world, response, narrative="<p>Sent.</p>")
    client.force_login(world.contributor)

    page = client.post(reverse("responses:update_edit", args=[update.pk]),
                       form_data(narrative="Changed after submitting.", action="submit"))
    assert page.status_code == 409
    assert client.post(reverse("responses:update_delete", args=[update.pk])).status_code == 403

    update.refresh_from_db()
    assert update.narrative == "<p>Sent.</p>"
    assert update.state == WorkflowState.AWAITING_SIGN_OFF

