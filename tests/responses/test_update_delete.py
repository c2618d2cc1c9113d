"""UpdateDeleteView: deleting a draft after confirming."""

from django.urls import reverse

from responses.models import ResponseUpdate
from tests.conftest import draft_update
from tests.responses.helpers import response_url


def test_a_contributor_deletes_a_draft_after_confirming(world, client, response):
    update = draft_update(world, response)
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

