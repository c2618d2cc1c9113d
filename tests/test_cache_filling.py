"""
Nobody can fill the shared cache by making up addresses (core.fragments, public.caching):
every page kept in the cache is kept only for the addresses its own links and forms make. A
made-up parameter, free text, a value no choice offers or a page that does not exist is
rendered afresh, and leaves no entry behind.

Every cached page is here: those drawn with `cached_fragment` and `cached_for_reader`
(responses.views), the tables kept apart inside them, the figures of
`reporting.figures.cached_figures` they use, and the public pages kept by
`public.caching` (for signed-out visitors and for signed-in readers).
"""

import datetime

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse

from responses.choices import Status
from tests.conftest import published_update
from tests.public.helpers import public_urls


def kept_entries():
    """How many entries the cache holds (the local-memory cache of the tests)."""
    cache = caches["default"]
    assert isinstance(cache, LocMemCache)
    return len(cache._cache)


# Addresses no link or form of any page makes.
MADE_UP = {
    "a made-up parameter": {"made-up": "1"},
    "a page past the last": {"page": "9999"},
    "a page number with a leading zero": {"page": "01"},
    "free text": {"q": "any words at all"},
    "free text of spaces": {"q": "   "},
    "a region that does not exist": {"region": "Atlantis"},
    "a region given twice": {"region": ["North East", "North East"]},
    "a kind that does not exist": {"kind": "pirates"},
    "a status that does not exist": {"status": "made-up"},
    "a status given twice": {"status": ["completed", "completed"]},
    "statuses out of the form's order": {"status": ["completed", "in_progress"]},
    "a deadline that does not exist": {"deadline": "someday"},
    "a sort that does not exist": {"sort": "shoe-size"},
    "a super-complaint that does not exist": {"super_complaint": "made-up"},
    "a layout that does not exist": {"orientation": "sideways", "view": "3d"},
}


@pytest.fixture
def data(world):
    """A published, public position of Force A on recommendation 1."""
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     status=Status.IN_PROGRESS, narrative="<p>Under way.</p>", public=True,
                     as_of=datetime.date(2021, 6, 1))
    return world


def signed_in_pages(world):
    sc, number = world.super_complaint.slug, world.rec_1.number
    return {
        "home": reverse("home"),
        "super-complaints": reverse("responses:supercomplaint_list"),
        "super-complaint": reverse("responses:supercomplaint_detail", args=[sc]),
        "recommendation": reverse("responses:recommendation_detail", args=[sc, number]),
        "response": reverse("workflow:response_detail", args=[sc, number, world.force_a.slug]),
        "matrix": reverse("responses:matrix", args=[sc]),
        "organisations": reverse("responses:organisation_list"),
        "organisation": reverse("responses:organisation_detail", args=[world.force_a.slug]),
        "dashboard": reverse("reporting:dashboard"),
        "organisation dashboard": reverse("reporting:dashboard_organisation",
                                          args=[world.force_b.slug]),
        "overview": reverse("reporting:overview"),
    }


SIGNED_IN_PAGES = [
    "home", "super-complaints", "super-complaint", "recommendation", "response", "matrix",
    "organisations", "organisation", "dashboard", "organisation dashboard", "overview",
]
PUBLIC_PAGES = [
    "super-complaints", "super-complaint", "recommendation", "organisations", "organisation",
    "response", "organisation feed", "super-complaint feed", "response page",
    "response page docx", "overview", "overview docx",
]


def entries_left_by_made_up_addresses(client, url):
    """The made-up addresses of MADE_UP that left an entry in the cache, once `url` is kept."""
    for _ in range(2):  # kept, and anything it keeps on the way settled
        assert client.get(url).status_code == 200
    filled = []
    for name, query in MADE_UP.items():
        before = kept_entries()
        page = client.get(url, query)
        assert page.status_code == 200, (name, page.status_code)
        if kept_entries() != before:
            filled.append(name)
    return filled


@pytest.mark.parametrize("page", SIGNED_IN_PAGES)
def test_a_made_up_address_of_a_signed_in_page_leaves_nothing_in_the_cache(client, data, page):
    client.force_login(data.contributor)

    assert entries_left_by_made_up_addresses(client, signed_in_pages(data)[page]) == []


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_a_made_up_address_of_a_public_page_leaves_nothing_in_the_cache(client, data, page):
    assert entries_left_by_made_up_addresses(client, public_urls(data)[page]) == []


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_a_made_up_address_of_a_public_page_read_signed_in_leaves_nothing_in_the_cache(
        client, data, page):
    client.force_login(data.contributor)

    assert entries_left_by_made_up_addresses(client, public_urls(data)[page]) == []


# The same pages keep the addresses their links and forms make: the count above can see a
# page being kept.

VALID_CHOICES = [
    ("organisations", {"region": "North East"}),
    ("organisations", {"kind": "police_force", "region": "", "q": ""}),
    ("recommendation", {"status": ["in_progress", "completed"], "sort": "status"}),
    ("matrix", {"view": "heat-map"}),
    ("matrix", {"orientation": "organisations", "region": "South West"}),
    ("matrix", {"view": "table", "orientation": "organisations"}),
    ("overview", {"page": "1", "region": "North East"}),
    ("organisation", {"deadline": "overdue"}),
    ("organisation", {"page": "1"}),
    ("overview", {"kind": "local_policing_body"}),
    ("organisation dashboard", {"super_complaint": "safe-to-share"}),
]


@pytest.mark.parametrize(("page", "query"), VALID_CHOICES)
def test_a_choice_a_page_offers_is_kept(client, data, page, query):
    client.force_login(data.contributor)
    url = signed_in_pages(data)[page]
    client.get(url)
    before = kept_entries()

    assert client.get(url, query).status_code == 200

    assert kept_entries() > before


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed out", "signed in"])
def test_a_page_of_a_public_page_with_pages_is_kept(client, data, signed_in):
    if signed_in:
        client.force_login(data.contributor)
    url = public_urls(data)["organisation"]
    client.get(url)
    before = kept_entries()

    assert client.get(url, {"page": "1"}).status_code == 200

    assert kept_entries() > before
