"""
"Done, as progress counts it" has one rule, in Python (`choices.counts_as_done`) and in SQL
(`querysets.done_condition`): the two agree on every status and review outcome.
"""

import itertools

from recommendations.models import Organisation
from responses.choices import ReviewOutcome, Status, counts_as_done
from responses.models import Response
from responses.querysets import done_condition


def test_the_python_and_sql_rules_agree_on_every_combination(world):
    combinations = list(itertools.product(["", *Status.values], ReviewOutcome.values))
    organisations = [world.force_a, world.force_b, world.lpb_a, world.home_office, world.hmicfrs,
                     world.inactive_force]
    organisations += [
        Organisation.objects.create(slug=f"extra-{n}", name=f"Extra {n}", short_name=f"Extra {n}",
                                    kind=Organisation.Kind.POLICE_FORCE)
        for n in range(2)
    ]
    recommendations = [world.rec_1, world.rec_2, world.rec_5]
    pairs = itertools.product(recommendations, organisations)
    responses = []
    for (status, outcome), (recommendation, organisation) in zip(combinations, pairs,
                                                                  strict=False):
        responses.append(Response.objects.create(
            recommendation=recommendation, organisation=organisation, current_status=status,
            review_outcome=outcome,
        ))
    assert len(responses) == len(combinations)

    done_in_sql = set(Response.objects.filter(done_condition()).values_list("pk", flat=True))
    done_in_python = {
        r.pk for r in responses if counts_as_done(r.current_status, r.review_outcome)
    }
    assert done_in_python
    assert done_in_sql == done_in_python
