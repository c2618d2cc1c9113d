"""Every export row says the protective marking of the position it carries."""

import csv
import datetime
import io

from django.urls import reverse

from responses import services
from responses.choices import Marking, Status


def test_the_comparison_csv_has_a_protective_marking_column(world, client):
    response = services.response_get_or_create(
        recommendation=world.rec_1, organisation=world.force_a
    )
    update = services.response_update_create(
        response=response, author=world.contributor, submit=True, as_of=datetime.date(2021, 5, 1),
        status=Status.IN_PROGRESS, marking=Marking.OFFICIAL_SENSITIVE,
    )
    services.response_update_publish(update=update, approver=world.approver)
    client.force_login(world.reviewer)

    download = client.get(reverse("responses:recommendation_export", args=["safe-to-share", "1"]))

    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    marking = rows[0].index("Protective marking")
    by_name = {row[0]: row[marking] for row in rows[1:]}
    assert by_name == {"Force A Police": "OFFICIAL-SENSITIVE", "Force B Constabulary": ""}
