"""
A recommendation's comparison table is rendered once for everyone with the same need to know
and kept in the cache under what it is drawn from (selectors.comparison.recommendation_get with
its fingerprint): a publication shows at once, and OFFICIAL-SENSITIVE text never reaches a
reader without a need to know through the cache.
"""

import pytest

from accounts.models import Membership
from responses.choices import WITHHELD_TEXT, Marking, Status
from tests.conftest import make_user, published_update, submitted_update
from tests.responses.helpers import QUERY_COUNTS, QUERY_COUNTS_CACHED

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


# The whole body is kept per kind of reader (comparison_reader): their organisations and
# roles, whether they are a national reviewer, and their need to know.


def test_an_update_submitted_for_sign_off_shows_at_once_in_the_readers_own_position(
    client, world, django_assert_num_queries
):
    url = world.rec_1.get_absolute_url()
    client.force_login(world.approver)
    client.get(url)
    with django_assert_num_queries(QUERY_COUNTS_CACHED["recommendation_detail"]):
        assert "awaiting sign-off" not in client.get(url).text

    # Submitting an update changes no response, only its updates (the fingerprint reads both).
    submitted_update(world, organisation=world.force_a, recommendation=world.rec_1)

    assert "awaiting sign-off</a>" in client.get(url).text


def test_what_is_kept_for_a_reviewer_or_a_member_is_not_shown_to_other_readers(client, world):
    url = world.rec_1.get_absolute_url()
    client.force_login(world.reviewer)
    assert "Mark as priority" in client.get(url).text
    client.force_login(world.contributor)
    page = client.get(url).text
    assert "Mark as priority" not in page
    assert "Your organisation's response" in page and "Add an update" in page

    client.force_login(world.other_contributor)  # Force B: its own position, not Force A's
    page = client.get(url).text
    assert "Force B Constabulary</h3>" in page and "Force A Police</h3>" not in page
    client.force_login(world.outsider)
    page = client.get(url).text
    assert "Your organisation" not in page and "Add an update" not in page


def test_readers_alike_share_what_is_kept(client, world, django_assert_num_queries):
    url = world.rec_1.get_absolute_url()
    client.force_login(world.contributor)
    client.get(url)
    colleague = make_user("alina", world.force_a, Membership.Role.CONTRIBUTOR)
    client.force_login(colleague)

    with django_assert_num_queries(QUERY_COUNTS_CACHED["recommendation_detail"]):
        page = client.get(url).text

    assert "Your organisation's response" in page


def test_a_made_up_parameter_is_rendered_afresh_not_kept(client, world, django_assert_num_queries):
    url = world.rec_1.get_absolute_url()
    client.force_login(world.contributor)
    client.get(url, {"made-up": "1"})

    # The table inside is kept (its key has the known filters only), and the recommendation
    # under its address; the body is not.
    with django_assert_num_queries(QUERY_COUNTS["recommendation_detail"] - 2):
        page = client.get(url, {"made-up": "1"})

    assert page.status_code == 200 and "Showing 2 organisations" in page.text


def test_a_kept_comparison_follows_a_new_number_at_once(client, world):
    client.force_login(world.contributor)
    old = world.rec_1.get_absolute_url()
    assert client.get(old).status_code == 200
    assert client.get(old).status_code == 200  # found through the kept recommendation

    world.rec_1.number = "1A"
    world.rec_1.save()

    assert client.get(old).status_code == 404
    assert client.get(world.rec_1.get_absolute_url()).status_code == 200
