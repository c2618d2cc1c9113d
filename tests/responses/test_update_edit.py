"""UpdateEditView: changing a draft or returned update, and every update it must refuse."""

import re

import pytest
from django.urls import reverse

from responses import services
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

    page = client.get(reverse("workflow:update_edit", args=[update.pk])).content.decode()

    assert "One\ntwo\n\n- a\n- b</textarea>" in page


@pytest.mark.parametrize("persona", ["other_contributor", "other_approver", "viewer", "reviewer"])
def test_other_users_cannot_edit_delete_or_sign_off_a_forces_update(
    world, client, response, persona
):
    update = submitted_update(world, response, narrative="<p>Original.</p>")
    a_draft = draft_update(world, response, narrative="<p>Draft text.</p>")
    client.force_login(getattr(world, persona))
    before = row_counts()

    assert client.get(reverse("workflow:update_edit", args=[a_draft.pk])).status_code == 403
    assert client.post(reverse("workflow:update_edit", args=[a_draft.pk]),
                       form_data(narrative="Hijacked.")).status_code == 403
    assert client.post(reverse("workflow:update_delete", args=[a_draft.pk])).status_code == 403
    for action in ("approve", "return"):
        page = client.post(reverse("workflow:update_sign_off", args=[update.pk]),
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
    edit_url = reverse("workflow:update_edit", args=[update.pk])

    page = client.get(edit_url, follow=True)
    assert "so it cannot be changed" in page.content.decode()
    assert page.redirect_chain[0][0] == f"{response_url(world)}#update-{update.pk}"

    page = client.post(edit_url, form_data(narrative="Rewritten history."))
    assert page.status_code == 409
    html = page.content.decode()
    assert "so it cannot be changed" in html
    assert "Rewritten history.</textarea>" in html

    assert client.get(reverse("workflow:update_delete", args=[update.pk])).status_code == 403
    assert client.post(reverse("workflow:update_delete", args=[update.pk])).status_code == 403
    update.refresh_from_db()
    assert update.narrative == "<p>On the record.</p>"
    assert update.state == WorkflowState.PUBLISHED
    assert ResponseUpdate.objects.count() == 1


def test_an_update_awaiting_sign_off_cannot_be_edited_or_deleted(world, client, response):
    update = submitted_update(world, response, narrative="<p>Sent.</p>")
    client.force_login(world.contributor)

    page = client.post(reverse("workflow:update_edit", args=[update.pk]),
                       form_data(narrative="Changed after submitting.", action="submit"))
    assert page.status_code == 409
    assert client.post(reverse("workflow:update_delete", args=[update.pk])).status_code == 403

    update.refresh_from_db()
    assert update.narrative == "<p>Sent.</p>"
    assert update.state == WorkflowState.AWAITING_SIGN_OFF



# A draft deleted while it was being edited


def _posted_back(page):
    """The hidden fields the edit form posts (its version and response)."""
    return dict(re.findall(r'type="hidden" name="(version|response)" value="(\d+)"', page.text))


def test_an_edit_of_a_draft_deleted_meanwhile_keeps_the_typed_text_to_save_as_new(
    world, client, response
):
    update = draft_update(world, response, narrative="<p>Old words.</p>")
    edit_url = reverse("workflow:update_edit", args=[update.pk])
    client.force_login(world.contributor)
    hidden = _posted_back(client.get(edit_url))
    assert hidden["response"] == str(response.pk)
    services.response_update_delete(update=update, user=world.approver)

    typed = form_data(narrative="An hour of careful writing.", **hidden)
    page = client.post(edit_url, typed)

    assert page.status_code == 409
    assert "This draft was deleted, perhaps by a colleague, while you were editing it" in page.text
    assert "An hour of careful writing.</textarea>" in page.text
    create_url = reverse("workflow:update_create", args=["safe-to-share", "1", "force-a"])
    assert f'action="{create_url}"' in page.text
    assert not ResponseUpdate.objects.exists()

    saved = client.post(create_url, typed)
    assert saved.status_code == 302
    assert ResponseUpdate.objects.get().narrative == "<p>An hour of careful writing.</p>"


def test_a_draft_deleted_while_the_edit_is_being_saved_keeps_the_typed_text(
    world, client, response, monkeypatch
):
    update = draft_update(world, response)
    edit = services.response_update_edit

    def deleted_first(**kwargs):
        services.response_update_delete(update=kwargs["update"], user=world.approver)
        return edit(**kwargs)

    monkeypatch.setattr(services, "response_update_edit", deleted_first)
    client.force_login(world.contributor)

    page = client.post(reverse("workflow:update_edit", args=[update.pk]),
                       form_data(narrative="Typed meanwhile.", version=update.version,
                                 response=response.pk))

    assert page.status_code == 409
    assert "This draft was deleted" in page.text
    assert "Typed meanwhile.</textarea>" in page.text


def test_the_text_of_a_deleted_draft_is_not_offered_to_another_organisation(
    world, client, response
):
    update = draft_update(world, response)
    services.response_update_delete(update=update, user=world.contributor)
    client.force_login(world.other_contributor)

    page = client.post(reverse("workflow:update_edit", args=[update.pk]),
                       form_data(narrative="Not theirs.", response=response.pk))

    assert page.status_code == 403
    assert not ResponseUpdate.objects.exists()
