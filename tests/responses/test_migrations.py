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
