"""
Public pages are kept on the server for signed-out visitors and for signed-in readers, feeds and
documents for everyone (public.caching): a change shows at once, and nobody is served a page
meant for somebody else.
"""

import datetime
import io
import re
import zipfile

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from recommendations.models import Organisation
from responses import services
from responses.choices import Status
from tests.conftest import make_user, published_update
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


def test_a_visitor_is_never_served_a_signed_in_readers_page(world, client):
    url = reverse("public:supercomplaint_list")
    reader = Client()
    reader.force_login(world.contributor)
    reader.get(url)
    assert "Sign out" in reader.get(url).content.decode()  # kept for signed-in readers

    html = client.get(url).content.decode()

    assert "Sign in" in html and "Sign out" not in html and "Your account" not in html


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


def csrf_tokens(html):
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def without_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


# The HTML pages kept (a letter of a chosen date never is), with the site's navigation; and the
# feeds and Word documents, without.
PAGES = ["super-complaints", "super-complaint", "recommendation", "organisations",
         "organisation", "response", "response page", "overview"]
DOCUMENTS = ["organisation feed", "super-complaint feed", "response page docx", "overview docx",
             "letter docx"]


@pytest.fixture
def distinctive_reader(world):
    """A signed-in reader whose name, username and address appear nowhere else."""
    return make_user("zebedee", world.force_a, Membership.Role.CONTRIBUTOR,
                     last_name="Quixotic", email="zebedee.quixotic@force-a.example")


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_nothing_of_a_signed_in_reader_reaches_a_visitor_or_another_reader(
        world, force_a_response, distinctive_reader):
    published_update(world, force_a_response, narrative="<p>Cleared.</p>", public=True)
    first, other, visitor = _signed_in(distinctive_reader), _signed_in(world.reviewer), Client()

    for name, url in public_urls(world).items():
        for _ in range(2):  # kept for them, and read from what was kept
            assert first.get(url).status_code == 200, name
        pages = {"visitor": visitor.get(url), "another reader": other.get(url)}

        for whose, page in pages.items():
            text = _readable(page)
            for trace in ("Zebedee", "zebedee", "Quixotic"):
                assert trace not in text, (name, whose, trace)
        for token in csrf_tokens(_readable(pages["another reader"])):
            assert _unmask_cipher_token(token) == other.cookies["csrftoken"].value, name


def test_a_signed_in_reader_is_served_what_they_would_be_rendered_afresh(
        world, force_a_response, distinctive_reader):
    published_update(world, force_a_response, narrative="<p>Cleared.</p>", public=True)
    first, other = _signed_in(distinctive_reader), _signed_in(world.reviewer)

    urls = public_urls(world)
    for name in PAGES:
        url = urls[name]
        first.get(url)  # kept for signed-in readers
        kept = other.get(url).content.decode()
        cache.clear()
        fresh = other.get(url).content.decode()

        assert "Sign out" in kept, name
        assert without_tokens(kept) == without_tokens(fresh), name


def test_a_feed_or_document_is_the_same_for_a_signed_in_reader_as_for_a_visitor(
        world, force_a_response, distinctive_reader):
    published_update(world, force_a_response, narrative="<p>Cleared.</p>", public=True)
    urls = public_urls(world)

    for name in DOCUMENTS:
        # Each drawn afresh (the letter of a chosen date is never kept; the others: emptied).
        cache.clear()
        for_the_reader = _signed_in(distinctive_reader).get(urls[name])
        cache.clear()
        for_a_visitor = Client().get(urls[name])

        assert _readable(for_the_reader) == _readable(for_a_visitor), name
        assert for_the_reader["Content-Type"] == for_a_visitor["Content-Type"], name


def test_a_kept_signed_in_page_carries_a_fresh_token_its_sign_out_form_accepts(world):
    url = reverse("public:organisation_list")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.contributor)

    first = csrf_tokens(client.get(url).content.decode())
    second = csrf_tokens(client.get(url).content.decode())  # kept

    assert first and second
    # Masked afresh on every response (against BREACH), never the one the page was kept with.
    assert set(first).isdisjoint(second)
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": second[0]}).status_code == 302
    assert "Sign in" in client.get(url).content.decode()


def test_a_message_for_a_signed_in_reader_is_shown_to_them_once_and_never_kept(world, client):
    url = reverse("public:supercomplaint_list")
    client.force_login(world.contributor)
    client.get(url)
    client.get(url)  # kept for signed-in readers
    client.cookies[CookieStorage.cookie_name] = CookieStorage(None)._encode(
        [_message("Your update was saved.")]
    )

    assert "Your update was saved." in client.get(url).content.decode()
    assert "Your update was saved." not in client.get(url).content.decode()
    another_reader = _signed_in(world.other_contributor)
    assert "Your update was saved." not in another_reader.get(url).content.decode()


def _message(text):
    from django.contrib.messages.storage.base import Message

    return Message(constants.SUCCESS, text)


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
