"""UpdateDeleteView: deleting a draft after confirming, and never one saved since."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from responses import services
from responses.models import ResponseUpdate
from tests.conftest import draft_update
from tests.responses.helpers import response_url


def test_a_contributor_deletes_a_draft_after_confirming(world, client, response):
    update = draft_update(world, response)
    client.force_login(world.contributor)
    url = reverse("workflow:update_delete", args=[update.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Delete this draft?" in page.content.decode()
    assert ResponseUpdate.objects.filter(pk=update.pk).exists()

    page = client.post(url, {"version": update.version})
    assert page.headers["Location"] == response_url(world)
    assert not ResponseUpdate.objects.filter(pk=update.pk).exists()
    assert "Draft deleted" in client.get(response_url(world)).content.decode()



def _shown_version(page):
    return int(re.search(r'name="version" value="(\d+)"', page.text).group(1))


def test_a_delete_page_opened_before_a_colleague_saved_deletes_nothing(world, client, response):
    update = draft_update(world, response, narrative="<p>First words.</p>")
    url = reverse("workflow:update_delete", args=[update.pk])
    client.force_login(world.approver)
    opened = client.get(url)
    assert "First words." in opened.text

    services.response_update_edit(update=update, editor=world.contributor,
                                  narrative="<p>Alice's careful rewrite.</p>")
    refused = client.post(url, {"version": _shown_version(opened)})

    assert refused.status_code == 409
    assert "This draft was changed after you opened this page, so it has not been deleted" in (
        refused.text
    )
    assert "Alice&#x27;s careful rewrite." in refused.text or "Alice's careful rewrite." in (
        refused.text
    )
    assert ResponseUpdate.objects.get(pk=update.pk).narrative == "<p>Alice's careful rewrite.</p>"

    # Having seen the text as it is now, deleting it is deliberate.
    deleted = client.post(url, {"version": _shown_version(refused)})
    assert deleted.status_code == 302
    assert not ResponseUpdate.objects.filter(pk=update.pk).exists()


def test_a_file_attached_after_the_delete_page_was_opened_is_not_deleted_with_it(
    world, client, response
):
    from tests.evidence.helpers import attach

    update = draft_update(world, response)
    url = reverse("workflow:update_delete", args=[update.pk])
    client.force_login(world.approver)
    seen = _shown_version(client.get(url))
    attach(world, update, title="Training register")

    assert client.post(url, {"version": seen}).status_code == 409
    assert ResponseUpdate.objects.get(pk=update.pk).evidence_files.count() == 1


def test_the_delete_service_refuses_a_version_the_user_did_not_see(world, response):
    update = draft_update(world, response)
    services.response_update_edit(update=update, editor=world.contributor,
                                  narrative="<p>Saved since.</p>")

    with pytest.raises(ValidationError) as refused:
        services.response_update_delete(update=update, user=world.approver, expected_version=1)

    assert refused.value.code == "stale"
    assert ResponseUpdate.objects.filter(pk=update.pk).exists()


def test_a_delete_that_does_not_say_which_version_is_refused(world, client, response):
    update = draft_update(world, response)
    client.force_login(world.contributor)

    page = client.post(reverse("workflow:update_delete", args=[update.pk]))

    assert page.status_code == 400
    assert ResponseUpdate.objects.filter(pk=update.pk).exists()
