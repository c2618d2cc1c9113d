"""Every export row says the protective marking of the position it carries."""

import csv
import datetime
import io

from django.urls import reverse

from responses.choices import Marking, Status
from tests.conftest import published_update


def test_the_comparison_csv_has_a_protective_marking_column(world, client, response):
    published_update(world, response, as_of=datetime.date(2021, 5, 1), status=Status.IN_PROGRESS,
                     marking=Marking.OFFICIAL_SENSITIVE)
    client.force_login(world.reviewer)

    download = client.get(reverse("responses:recommendation_export", args=["safe-to-share", "1"]))

    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    marking = rows[0].index("Protective marking")
    by_name = {row[0]: row[marking] for row in rows[1:]}
    assert by_name == {"Force A Police": "OFFICIAL-SENSITIVE", "Force B Constabulary": ""}
