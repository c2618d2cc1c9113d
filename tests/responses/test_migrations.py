"""
Migrations that change rows: what they leave behind on data written before them.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("responses", "0013_chasers")]
AFTER = [("responses", "0015_one_awaiting_sign_off_and_form_token")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def migrated_to_the_latest_afterwards():
    """
    Leave the database as every other test expects it: each app at its latest migration. Taking
    `responses` back also takes back what depends on it in other apps (the workflow events'
    outbox, the notifications), which migrating `responses` forward alone does not reapply.
    """
    yield
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_updates_awaiting_sign_off_beside_another_are_returned_with_their_text(world):
    apps = migrate(BEFORE)
    try:
        Response = apps.get_model("responses", "Response")
        ResponseUpdate = apps.get_model("responses", "ResponseUpdate")
        response = Response.objects.create(recommendation_id=world.rec_1.pk,
                                           organisation_id=world.force_a.pk)
        other = Response.objects.create(recommendation_id=world.rec_5.pk,
                                        organisation_id=world.force_a.pk)
        submitted = datetime.datetime(2021, 5, 1, 9, tzinfo=datetime.UTC)
        first, second, third, alone = (
            ResponseUpdate.objects.create(
                response=on, as_of=datetime.date(2021, 5, 1), status="in_progress",
                narrative=f"<p>{words}</p>", state="awaiting_sign_off",
                submitted_at=submitted + datetime.timedelta(hours=hours),
            )
            for on, words, hours in ((response, "First", 0), (response, "Second", 1),
                                     (response, "Third", 2), (other, "Alone", 0))
        )
    finally:
        apps = migrate(AFTER)

    ResponseUpdate = apps.get_model("responses", "ResponseUpdate")
    states = dict(ResponseUpdate.objects.values_list("narrative", "state"))
    assert states == {"<p>First</p>": "awaiting_sign_off", "<p>Second</p>": "returned",
                      "<p>Third</p>": "returned", "<p>Alone</p>": "awaiting_sign_off"}
    returned = ResponseUpdate.objects.get(pk=second.pk)
    assert "another update of this response was waiting too" in returned.return_comment
    assert returned.version == 2


BEFORE_FIRST_PUBLISHED = [("responses", "0015_one_awaiting_sign_off_and_form_token")]
AFTER_FIRST_PUBLISHED = [("responses", "0016_first_published_on_for_imported_responses")]


@pytest.mark.django_db(transaction=True)
def test_responses_published_without_a_first_answer_day_get_their_earliest(world):
    """
    Imports used to publish without recording the day a response first answered: the migration
    records it, from the earliest imported position's date (or a loaded position's), and leaves
    a recorded day and unanswered responses alone.
    """
    day = datetime.date
    apps = migrate(BEFORE_FIRST_PUBLISHED)
    try:
        Response = apps.get_model("responses", "Response")
        ResponseUpdate = apps.get_model("responses", "ResponseUpdate")
        imported_at = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)

        def response(recommendation, organisation, *updates, first_published_on=None):
            made = Response.objects.create(recommendation_id=recommendation.pk,
                                           organisation_id=organisation.pk,
                                           first_published_on=first_published_on)
            for as_of, state, imported in updates:
                ResponseUpdate.objects.create(
                    response=made, as_of=as_of, status="in_progress", narrative="<p>Said.</p>",
                    state=state, imported_at=imported_at if imported else None,
                    signed_off_at=imported_at if state == "published" else None,
                )
            return made.pk

        imported = response(world.rec_1, world.force_a,
                            (day(2021, 9, 1), "published", True),
                            (day(2021, 5, 1), "published", True))
        loaded = response(world.rec_5, world.force_a, (day(2021, 3, 1), "published", False))
        ResponseUpdate.objects.filter(response_id=loaded).update(signed_off_at=None)
        recorded = response(world.rec_1, world.force_b, (day(2021, 5, 1), "published", True),
                            first_published_on=day(2021, 6, 20))
        unanswered = response(world.rec_5, world.force_b, (day(2021, 5, 1), "draft", False))
    finally:
        apps = migrate(AFTER_FIRST_PUBLISHED)

    Response = apps.get_model("responses", "Response")
    assert dict(Response.objects.values_list("pk", "first_published_on")) == {
        imported: day(2021, 5, 1),
        loaded: day(2021, 3, 1),
        recorded: day(2021, 6, 20),
        unanswered: None,
    }
