"""
The browse pages run the queries pinned in helpers.QUERY_COUNTS on the demo data too, however much
it grows. The demo fixtures are loaded once for the module (they fill the tables the test world
needs empty, so these tests live apart from test_browse_views.py).
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from recommendations.models import Organisation, Recommendation
from tests.conftest import DEMO_FIXTURES, fixtures_loaded_once_per_module
from tests.responses.helpers import QUERY_COUNTS, answer_in_bulk

demo_data = fixtures_loaded_once_per_module(*DEMO_FIXTURES)


@pytest.fixture
def demo(demo_data, db):
    """The reference and demo fixtures, loaded once for the module; each test's rows roll back."""


DEMO_PAGES = {
    "home": lambda: reverse("home"),
    "supercomplaint_list": lambda: reverse("responses:supercomplaint_list"),
    "supercomplaint_detail": lambda: reverse("responses:supercomplaint_detail",
                                             args=["safe-to-share"]),
    "recommendation_detail": lambda: reverse("responses:recommendation_detail",
                                             args=["safe-to-share", "4"]),
    "recommendation_export": lambda: reverse("responses:recommendation_export",
                                             args=["safe-to-share", "4"]),
    "recommendation_compare": lambda: reverse(
        "responses:recommendation_compare", args=["safe-to-share", "4"]
    ) + "?organisation=south-yorkshire&organisation=west-mercia",
    "matrix": lambda: reverse("responses:matrix", args=["safe-to-share"]),
    "matrix_export": lambda: reverse("responses:matrix_export", args=["safe-to-share"]),
    "organisation_list": lambda: reverse("responses:organisation_list"),
    "organisation_detail": lambda: reverse("responses:organisation_detail",
                                           args=["south-yorkshire"]),
}


def grow_demo(factor):
    """Multiply the demo data: more recommendations, each answered by every force."""
    forces = list(Organisation.objects.filter(kind=Organisation.Kind.POLICE_FORCE))
    first = Recommendation.objects.get(super_complaint__slug="safe-to-share", number="1")
    for i in range(factor):
        rec = Recommendation.objects.create(
            super_complaint=first.super_complaint, number=f"g{i}", order=200 + i,
            text="<p>Generated.</p>",
        )
        rec.recipient_groups.add(*first.recipient_groups.all())
        for force in forces:
            answer_in_bulk(rec, force, datetime.date(2022, 1, 1))


@pytest.mark.parametrize("factor", [0, 10])
@pytest.mark.parametrize("page", sorted(DEMO_PAGES))
def test_pages_run_the_pinned_queries_on_the_demo_data(client, demo, django_assert_num_queries,
                                                      page, factor):
    grow_demo(factor)
    client.force_login(get_user_model().objects.get(username="force.approver"))
    with django_assert_num_queries(QUERY_COUNTS[page]):
        response = client.get(DEMO_PAGES[page]())
    assert response.status_code == 200
