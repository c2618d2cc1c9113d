"""
"Answered" has one rule (`chasing.answered`) and its SQL twin (`chasing.answered_condition`):
the two agree on every combination of a first publication and a current status.
"""

import datetime
import itertools

from deadlines import chasing
from recommendations.models import Organisation
from responses.choices import Status
from responses.models import Response


def test_the_python_and_sql_rules_agree_on_every_combination(world):
    combinations = list(itertools.product([None, datetime.date(2021, 5, 1)],
                                          ["", *Status.values]))
    organisations = [
        Organisation.objects.create(slug=f"org-{n}", name=f"Org {n}", short_name=f"Org {n}",
                                    kind=Organisation.Kind.POLICE_FORCE)
        for n in range(len(combinations))
    ]
    responses = [
        Response.objects.create(recommendation=world.rec_1, organisation=organisation,
                                first_published_on=first, current_status=status)
        for (first, status), organisation in zip(combinations, organisations, strict=True)
    ]

    in_sql = set(Response.objects.filter(chasing.answered_condition()).values_list("pk",
                                                                                  flat=True))
    in_python = {r.pk for r in responses if chasing.answered(r.first_published_on,
                                                             r.current_status)}
    assert in_python and len(in_python) < len(responses)
    assert in_sql == in_python
    assert all(chasing.is_answered(r) == (r.pk in in_python) for r in responses)
