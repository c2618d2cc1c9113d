"""
The fingerprints of core.caching, built from what each app registers, say the same as the
fingerprints they replace and change with every write a kept page shows.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import caching
from deadlines import services as deadline_services
from responses.models import ResponseUpdate
from tests.conftest import draft_update, published_update


def test_every_scope_has_its_parts_registered_by_the_apps():
    for scope in ("data", "organisations", "super_complaint", "recommendation", "response"):
        assert caching.parts(scope), scope


def test_an_unknown_scope_is_refused():
    with pytest.raises(KeyError, match="no part is registered"):
        caching.fingerprint("nonsense")


def test_each_scope_changes_with_a_write_in_it_and_not_with_one_elsewhere(world):
    update = published_update(world, recommendation=world.rec_1, organisation=world.force_a)
    response = update.response
    arguments = {"super_complaint": world.super_complaint.pk, "recommendation": world.rec_1.pk,
                 "response": response.pk, "organisation": world.force_a.pk}
    before = {scope: caching.fingerprint(scope, **arguments)
              for scope in ("data", "super_complaint", "recommendation", "response")}

    draft_update(world, response)  # a draft: seen on the response page and its comparison

    after = {scope: caching.fingerprint(scope, **arguments) for scope in before}
    assert after["response"] != before["response"]
    assert after["recommendation"] != before["recommendation"]
    assert ResponseUpdate.objects.filter(response=response).count() == 2

    # A publication for another recommendation keeps this recommendation's and response's.
    published_update(world, recommendation=world.rec_5, organisation=world.force_b,
                     author=world.other_contributor, approver=world.other_approver)
    again = {scope: caching.fingerprint(scope, **arguments) for scope in before}
    assert again["response"] == after["response"]
    assert again["recommendation"] == after["recommendation"]
    assert again["data"] != after["data"]
    assert again["super_complaint"] != after["super_complaint"]


def test_a_request_for_more_time_and_a_chasing_letter_change_the_data_scope(world):
    """Both show on the overview: no service need touch the response to make them show."""
    import datetime

    from recommendations.models import OfficeHolder

    world.rec_1.due_on = datetime.date(2021, 2, 12)
    world.rec_1.save()
    OfficeHolder.objects.create(organisation=world.force_a, name="Jane Grey",
                                title="Chief Constable", started_on=datetime.date(2019, 1, 1))
    before = caching.fingerprint("data")
    deadline_services.extension_request(
        user=world.contributor, recommendation=world.rec_1, organisation=world.force_a,
        requested_due_on=datetime.date(2021, 4, 30), reason="Sick leave.",
        today=datetime.date(2021, 2, 12),
    )
    after_request = caching.fingerprint("data")
    assert after_request != before
    deadline_services.chaser_send(reviewer=world.reviewer, recommendation=world.rec_5,
                         organisation=world.force_a, step=1, today=datetime.date(2022, 3, 1))
    assert caching.fingerprint("data") != after_request


def test_the_organisations_scope_changes_with_their_own_answers_only(world):
    """Home's summaries and an organisation's page stay kept while others publish."""
    own = {"organisations": [world.force_a.pk]}
    before = caching.fingerprints("data", "organisations", **own)
    assert before["organisations"] and before["data"]

    published_update(world, recommendation=world.rec_5, organisation=world.force_b,
                     author=world.other_contributor, approver=world.other_approver)
    elsewhere = caching.fingerprints("data", "organisations", **own)
    assert elsewhere["data"] != before["data"]
    assert elsewhere["organisations"] == before["organisations"]

    published_update(world, recommendation=world.rec_1, organisation=world.force_a)
    theirs = caching.fingerprints("data", "organisations", **own)
    assert theirs["organisations"] != elsewhere["organisations"]
    # Either of several organisations changes it, read in the same one query.
    both = caching.fingerprint("organisations", organisations=[world.force_a.pk, world.force_b.pk])
    assert both != caching.fingerprint("organisations", organisations=[world.force_a.pk])
    # The same as asking for one scope at a time.
    assert caching.fingerprint("organisations", **own) == theirs["organisations"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_the_fingerprint_query_is_prepared_and_still_logged_on_postgresql(world):
    for _ in range(caching.PREPARE_AFTER + 2):
        with CaptureQueriesContext(connection) as captured:
            before = caching.fingerprints("data", "organisations", organisations=[world.force_a.pk])
        assert captured.captured_queries[0]["sql"].startswith("SELECT 0, COUNT(*)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any(statement.startswith("SELECT 0, COUNT(*)") for statement in prepared)
    # The prepared plan sees every write, as the plain query did.
    published_update(world, organisation=world.force_a, recommendation=world.rec_5)
    after = caching.fingerprints("data", "organisations", organisations=[world.force_a.pk])
    assert after["organisations"] != before["organisations"]


def test_a_scope_argument_must_be_a_pk(world):
    with pytest.raises(ValueError):
        caching.fingerprint("super_complaint", super_complaint="1 OR 1=1")


@pytest.fixture
def fresh_code_version():
    caching.code_version.cache_clear()
    yield
    caching.code_version.cache_clear()


def test_a_page_kept_by_one_release_is_never_the_next_releases(settings, fresh_code_version):
    settings.RELEASE = "2026.12.1"
    old = caching.cache_key("public-page", "visitor", "/public/")
    caching.code_version.cache_clear()
    settings.RELEASE = "2026.12.2"
    assert caching.cache_key("public-page", "visitor", "/public/") != old


def test_without_a_named_release_the_version_follows_the_source(settings, tmp_path,
                                                                fresh_code_version):
    settings.RELEASE = ""
    settings.BASE_DIR = tmp_path
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("<p>{{ status }}</p>")
    (tmp_path / "backup-drill").mkdir()
    first = caching.code_version()

    caching.code_version.cache_clear()
    (tmp_path / "backup-drill" / "tables.json").write_text("{}")
    assert caching.code_version() == first  # what is not our source does not count

    caching.code_version.cache_clear()
    template.write_text("<p>{{ status }} since {{ as_of }}</p>")
    assert caching.code_version() != first
