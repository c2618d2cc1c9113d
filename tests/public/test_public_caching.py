"""
Public pages are kept on the server for signed-out visitors (public.caching): a change shows at
once, and nobody is served a page meant for somebody else.
"""

import datetime
import io
import re
import zipfile

import pytest
from django.urls import reverse

from recommendations.models import Organisation
from responses import services
from responses.choices import Status
from tests.conftest import published_update
from tests.public.helpers import public_urls


@pytest.fixture
def force_a_response(world):
    return services.response_get_or_create(recommendation=world.rec_1, organisation=world.force_a)


def test_a_kept_page_shows_a_new_public_update_at_once(world, client, force_a_response):
    published_update(world, force_a_response, narrative="<p>First words.</p>", public=True,
                     status=Status.IN_PROGRESS, as_of=datetime.date(2021, 3, 1))
    urls = public_urls(world)
    for name in ("organisation", "recommendation", "organisation feed"):
        assert client.get(urls[name]).status_code == 200  # now kept
    assert "First words." in client.get(urls["response"]).content.decode()

    published_update(world, force_a_response, narrative="<p>Second words.</p>", public=True,
                     status=Status.COMPLETED, as_of=datetime.date(2021, 4, 1))

    assert "Second words." in client.get(urls["response"]).content.decode()
    assert "Second words." in client.get(urls["organisation feed"]).content.decode()
    assert "Completed" in client.get(urls["organisation"]).content.decode()
    assert "Completed" in client.get(urls["recommendation"]).content.decode()


def test_a_kept_page_shows_an_edit_of_reference_data_at_once(world, client):
    url = reverse("public:organisation_list")
    assert "Force A Police" in client.get(url).content.decode()

    Organisation.objects.filter(pk=world.force_a.pk).update(name="Renamed Force Police")
    # QuerySet.update() does not touch updated_at: the admin's save() does.
    world.force_a.refresh_from_db()
    world.force_a.save()

    html = client.get(url).content.decode()
    assert "Renamed Force Police" in html and "Force A Police" not in html


def test_a_signed_in_reader_is_never_served_a_visitors_page(world, client):
    url = reverse("public:supercomplaint_list")
    assert "Sign in" in client.get(url).content.decode()

    client.force_login(world.contributor)
    html = client.get(url).content.decode()

    assert "Sign out" in html and "Your account" in html


def test_a_page_with_a_message_for_one_browser_is_never_kept(world, client,
                                                             django_assert_num_queries):
    url = reverse("public:supercomplaint_list")
    client.cookies["messages"] = "anything"  # a notice waiting for this browser
    client.get(url)
    del client.cookies["messages"]

    # The next visitor's page is rendered (its 2 queries and the fingerprint's).
    with django_assert_num_queries(3):
        client.get(url)


def test_a_letter_of_a_chosen_date_is_rendered_for_each_request(world, client, force_a_response,
                                                              django_assert_num_queries):
    published_update(world, force_a_response, narrative="<p>Done.</p>", public=True)
    url = public_urls(world)["letter"]
    client.get(url)

    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200


def _readable(response):
    """The text of a page, feed or document; a Word document's XML parts unzipped."""
    if response.content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(response.content)) as document:
            return "".join(document.read(name).decode() for name in document.namelist()
                           if name.endswith((".xml", ".rels")))
    return response.content.decode()


def test_no_kept_page_feed_or_document_takes_its_links_from_the_host_header(
        world, client, force_a_response, settings):
    # Django checks a Host's name against ALLOWED_HOSTS but not its port.
    settings.SITE_URL = "https://tracker.example.org"
    published_update(world, force_a_response, narrative="<p>Cleared.</p>", public=True)
    urls = public_urls(world)

    for name, url in urls.items():
        poisoned = client.get(url, HTTP_HOST="testserver:6666")
        assert poisoned.status_code == 200, name
        assert "6666" not in _readable(poisoned), name
        # The next visitor gets the kept copy: nothing of the first request's Host in it.
        assert "6666" not in _readable(client.get(url)), name

    feed = client.get(urls["organisation feed"], HTTP_HOST="testserver:6666").content.decode()
    links = re.findall(r'href="([^"]+)"', feed)
    assert links and all(link.startswith("https://tracker.example.org/public/") for link in links)
    assert (f'href="https://tracker.example.org{urls["organisation feed"]}"' in feed)
