"""
Every public page, feed and document runs a fixed number of queries, pinned here, on the test
world (1x) and with ten times the organisations, answers and updates (10x).
"""

import datetime

import pytest
from django.urls import reverse

from recommendations.models import Organisation
from responses import services
from responses.choices import Status, WorkflowState
from responses.models import Response, ResponseUpdate
from tests.conftest import published_update
from tests.public.helpers import public_urls

# Anonymous visitors: the session is not read from the database (no cookie), so these are the
# page's own queries, plus the one of the fingerprint of the data that the page is kept on the
# server under (public.caching, core.caching's "data" scope). A letter of a chosen date
# is never kept, so it has the page's own queries only.
FINGERPRINT_QUERIES = 1
PUBLIC_QUERY_COUNTS = {
    "super-complaints": 2 + FINGERPRINT_QUERIES,
    "super-complaint": 4 + FINGERPRINT_QUERIES,
    "recommendation": 6 + FINGERPRINT_QUERIES,
    "organisations": 1 + FINGERPRINT_QUERIES,
    "organisation": 6 + FINGERPRINT_QUERIES,
    "response": 5 + FINGERPRINT_QUERIES,
    "organisation feed": 2 + FINGERPRINT_QUERIES,
    "super-complaint feed": 2 + FINGERPRINT_QUERIES,
    "response page": 7 + FINGERPRINT_QUERIES,
    "response page docx": 7 + FINGERPRINT_QUERIES,
    "overview": 7 + FINGERPRINT_QUERIES,
    "overview docx": 7 + FINGERPRINT_QUERIES,
    "letter": 9,
    "letter docx": 9,
}
# Signed-in readers of the public pages: the session and the user, then a visitor's queries;
# once kept, the session, the user and the fingerprint. Feeds and Word documents are kept once
# for everyone.
SESSION_QUERIES = 2
SIGNED_IN_PUBLIC_QUERY_COUNTS = {
    name: count + SESSION_QUERIES for name, count in PUBLIC_QUERY_COUNTS.items()
}
SIGNED_IN_PUBLIC_QUERY_COUNTS_KEPT = SESSION_QUERIES + FINGERPRINT_QUERIES

# A signed-in reader's documents: session, user and memberships, then the same queries.
# + the reader's memberships (whose OFFICIAL-SENSITIVE text they need to know), which the
# overview read already.
SIGNED_IN_QUERY_COUNTS = {"response page": 10, "overview": 10, "letter": 12}


def _answer(world, organisation, recommendation, updates):
    response = services.response_get_or_create(recommendation=recommendation,
                                               organisation=organisation)
    for day in range(1, updates + 1):
        published_update(world, response, author=world.contributor,
                         narrative=f"<p>Update {day}.</p>", public=True,
                         as_of=datetime.date(2021, 1, day))


def _grow(world, times):
    """Force A answers with `times` updates; `times` more forces answer publicly too."""
    _answer(world, world.force_a, world.rec_1, times)
    _answer(world, world.force_a, world.rec_5, times)
    for i in range(times):
        force = Organisation.objects.create(
            slug=f"grown-{times}-{i}", name=f"Grown {i} Police", short_name=f"Grown {i}",
            kind=Organisation.Kind.POLICE_FORCE,
        )
        for rec in (world.rec_1, world.rec_5):
            response = Response.objects.create(recommendation=rec, organisation=force)
            for day in range(1, times + 1):
                ResponseUpdate.objects.create(
                    response=response, as_of=datetime.date(2021, 2, day), public=True,
                    status=Status.IN_PROGRESS, narrative="<p>Bulk.</p>",
                    state=WorkflowState.PUBLISHED,
                )


def _signed_in_urls(world):
    sc = world.super_complaint.slug
    return {
        "response page": reverse("documents:response_page", args=[sc, "force-a"]),
        "overview": reverse("documents:overview", args=["force-a"]),
        "letter": reverse("documents:letter", args=[sc, "force-a-pcc"]) + "?date=2022-06-01",
    }


@pytest.mark.parametrize("times", [1, 10])
def test_public_pages_run_a_fixed_number_of_queries(world, client, django_assert_num_queries,
                                                    times):
    _grow(world, times)
    for name, url in public_urls(world).items():
        with django_assert_num_queries(PUBLIC_QUERY_COUNTS[name]):
            assert client.get(url).status_code == 200, name


@pytest.mark.parametrize("times", [1, 10])
def test_public_pages_kept_on_the_server_run_only_the_fingerprints(
    world, client, django_assert_num_queries, times
):
    _grow(world, times)
    for name, url in public_urls(world).items():
        first = client.get(url)
        with django_assert_num_queries(
            PUBLIC_QUERY_COUNTS[name] if "?" in url else FINGERPRINT_QUERIES
        ):
            again = client.get(url)
        assert again.status_code == 200, name
        assert again.content == first.content, name


@pytest.mark.parametrize("times", [1, 10])
def test_public_pages_read_signed_in_run_a_fixed_number_of_queries(
    world, client, django_assert_num_queries, times
):
    _grow(world, times)
    client.force_login(world.other_contributor)
    for name, url in public_urls(world).items():
        with django_assert_num_queries(SIGNED_IN_PUBLIC_QUERY_COUNTS[name]):
            assert client.get(url).status_code == 200, name


@pytest.mark.parametrize("times", [1, 10])
def test_public_pages_kept_for_signed_in_readers_run_only_the_session_and_fingerprint(
    world, client, django_assert_num_queries, times
):
    _grow(world, times)
    client.force_login(world.other_contributor)
    for name, url in public_urls(world).items():
        client.get(url)
        with django_assert_num_queries(
            SIGNED_IN_PUBLIC_QUERY_COUNTS[name] if "?" in url
            else SIGNED_IN_PUBLIC_QUERY_COUNTS_KEPT
        ):
            assert client.get(url).status_code == 200, name


def test_a_feed_or_document_kept_for_a_visitor_serves_a_signed_in_reader(
    world, client, django_assert_num_queries
):
    _grow(world, 1)
    urls = public_urls(world)
    documents = ["organisation feed", "super-complaint feed", "response page docx",
                 "overview docx"]
    kept = {name: client.get(urls[name]).content for name in documents}
    client.force_login(world.other_contributor)
    for name in documents:
        with django_assert_num_queries(SIGNED_IN_PUBLIC_QUERY_COUNTS_KEPT):
            assert client.get(urls[name]).content == kept[name], name


@pytest.mark.parametrize("times", [1, 10])
def test_signed_in_documents_run_a_fixed_number_of_queries(world, client,
                                                           django_assert_num_queries, times):
    _grow(world, times)
    client.force_login(world.other_contributor)
    for name, url in _signed_in_urls(world).items():
        with django_assert_num_queries(SIGNED_IN_QUERY_COUNTS[name]):
            assert client.get(url).status_code == 200, name
