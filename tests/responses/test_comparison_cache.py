"""
A recommendation's comparison table is rendered once for everyone with the same need to know
and kept in the cache under what it is drawn from (selectors.comparison.recommendation_get with
its fingerprint): a publication shows at once, and OFFICIAL-SENSITIVE text never reaches a
reader without a need to know through the cache.
"""

import pytest

from responses.choices import WITHHELD_TEXT, Marking, Status
from tests.conftest import published_update
from tests.responses.helpers import QUERY_COUNTS_CACHED

SECRET = "Covert tactics are described here."


@pytest.fixture
def sensitive(world):
    """Force A published an OFFICIAL-SENSITIVE position on rec 1."""
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     status=Status.IN_PROGRESS, marking=Marking.OFFICIAL_SENSITIVE,
                     narrative=f"<p>{SECRET}</p>")
    return world


def test_a_cached_comparison_shows_a_publication_at_once(client, world,
                                                         django_assert_num_queries):
    url = world.rec_1.get_absolute_url()
    client.force_login(world.approver)
    assert "Reviewed the policy." not in client.get(url).text
    with django_assert_num_queries(QUERY_COUNTS_CACHED["recommendation_detail"]):
        client.get(url)

    published_update(world, organisation=world.force_b, recommendation=world.rec_1,
                     author=world.other_contributor, approver=world.other_approver,
                     status=Status.IN_PROGRESS, narrative="<p>Reviewed the policy.</p>")

    page = client.get(url).text
    assert "Reviewed the policy." in page
    assert "Showing 2 organisations" in page


def test_sensitive_text_cached_for_its_writers_is_withheld_from_others(client, sensitive):
    url = sensitive.rec_1.get_absolute_url()
    client.force_login(sensitive.contributor)  # Force A: may read its own text
    assert SECRET in client.get(url).text

    client.force_login(sensitive.other_contributor)  # Force B: no need to know
    page = client.get(url).text
    assert SECRET not in page
    assert WITHHELD_TEXT in page

    client.force_login(sensitive.reviewer)  # national reviewers read every text
    assert SECRET in client.get(url).text


def test_the_comparison_is_cached_per_filter(client, world):
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     status=Status.COMPLETED, narrative="<p>Done.</p>")
    url = world.rec_1.get_absolute_url()
    client.force_login(world.outsider)
    assert "Showing 2 organisations" in client.get(url).text
    assert "Showing 1 organisation." in client.get(url, {"status": "completed"}).text
    assert "Showing 1 organisation." in client.get(url, {"region": "South West"}).text
