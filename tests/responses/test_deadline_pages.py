"""
Deadline states wherever a status is shown (comparison, matrix cell, organisation page,
response page, home), the "overdue", "due within 30 days" and "stale" filters, and the CSV's
due date and deadline columns.
"""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from recommendations.models import Recommendation
from responses.choices import Status
from tests.conftest import published_update

# Safe to share? was published 17 December 2020: forces' answers are due 17 June 2021, the
# local policing body's comments 11 February 2021.
JULY = datetime.datetime(2021, 7, 1, 12, tzinfo=datetime.UTC)
MAY = datetime.datetime(2021, 5, 20, 12, tzinfo=datetime.UTC)
NEXT_MARCH = datetime.datetime(2022, 3, 1, 12, tzinfo=datetime.UTC)


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def answered(world):
    """Force A answered rec 1 on 1 May 2021 (in progress); Force B never answered."""
    with at(datetime.datetime(2021, 5, 1, 12, tzinfo=datetime.UTC)):
        published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                         status=Status.IN_PROGRESS, as_of=datetime.date(2021, 5, 1))
    return world


ON_TIME = '<strong class="govuk-tag app-tag--nowrap govuk-tag--green">Answered on time</strong>'
OVERDUE_14 = '<strong class="govuk-tag app-tag--nowrap govuk-tag--red">Overdue by 14 days</strong>'


def slugs(page):
    return [row.slug for row in page.context["comparison"].rows]


def test_the_comparison_tags_each_organisations_deadline(client, answered):
    client.force_login(answered.outsider)
    with at(JULY):
        page = client.get(answered.rec_1.get_absolute_url())
    assert ON_TIME in page.text
    assert OVERDUE_14 in page.text


@pytest.mark.parametrize(
    ("moment", "deadline", "expected"),
    [
        (JULY, "overdue", ["force-b"]),
        (MAY, "due_soon", ["force-b"]),  # due 17 June: 28 days on
        (datetime.datetime(2021, 5, 18, 12, tzinfo=datetime.UTC), "due_soon", ["force-b"]),  # 30
        (datetime.datetime(2021, 5, 17, 12, tzinfo=datetime.UTC), "due_soon", []),  # 31 days
        (NEXT_MARCH, "stale", ["force-a"]),  # last position 1 May 2021, over six months old
        (JULY, "stale", []),
        (JULY, "", ["force-a", "force-b"]),
    ],
)
def test_the_comparison_filters_by_deadline(client, answered, moment, deadline, expected):
    client.force_login(answered.outsider)
    with at(moment):
        page = client.get(answered.rec_1.get_absolute_url() + f"?deadline={deadline}")
    assert slugs(page) == expected


def test_an_unknown_deadline_filter_is_an_error_not_a_crash(client, answered):
    client.force_login(answered.outsider)
    page = client.get(answered.rec_1.get_absolute_url() + "?deadline=someday")
    assert page.status_code == 200
    assert "There is a problem with the filters" in page.text


def test_the_export_has_the_due_date_and_deadline_of_the_filtered_rows(client, answered):
    client.force_login(answered.outsider)
    with at(JULY):
        download = client.get(
            reverse("responses:recommendation_export", args=["safe-to-share", "1"])
            + "?deadline=overdue"
        )
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [(r["Organisation"], r["Due date"], r["Deadline"]) for r in rows] == [
        ("Force B Constabulary", "2021-06-17", "Overdue by 14 days")
    ]


TABLE = {"view": "table"}  # the matrix's full table of status labels and flags


def test_the_matrix_flags_overdue_and_stale_responses(client, answered):
    client.force_login(answered.outsider)
    with at(JULY):
        page = client.get(reverse("responses:matrix", args=["safe-to-share"]), TABLE)
    assert '../recommendations/1/force-a/">In progress</a>' in page.text  # answered on time
    assert '../recommendations/1/force-b/">No response yet<small>Overdue</small></a>' in page.text
    # The local policing body's comments on rec 5 were due on 11 February 2021.
    assert (
        '../recommendations/5/force-a-pcc/">No response yet<small>Overdue</small></a>'
        in page.text
    )
    with at(NEXT_MARCH):
        page = client.get(reverse("responses:matrix", args=["safe-to-share"]), TABLE)
    assert '../recommendations/1/force-a/">In progress<small>Stale</small></a>' in page.text


def test_the_organisation_page_shows_and_filters_deadlines(client, answered):
    client.force_login(answered.outsider)
    with at(JULY):
        page = client.get(answered.force_a.get_absolute_url())
        overdue = client.get(answered.force_a.get_absolute_url() + "?deadline=overdue")
        stale = client.get(answered.force_a.get_absolute_url() + "?deadline=stale")
    assert ON_TIME in page.text
    assert OVERDUE_14 in page.text
    assert [r.number for _, rows in overdue.context["groups"] for r in rows] == ["5"]
    assert stale.context["groups"] == []
    assert "No recommendations match this filter." in stale.text


def test_the_response_page_shows_the_deadline(client, answered):
    client.force_login(answered.outsider)
    with at(JULY):
        missing = client.get(reverse("workflow:response_detail",
                                     args=["safe-to-share", "5", "force-a-pcc"]))
    assert "Overdue by 4 months" in missing.text
    assert "First answer due 11 February 2021" in missing.text


def test_home_tags_the_gaps_and_lists_stale_positions(client, answered):
    client.force_login(answered.contributor)
    with at(NEXT_MARCH):
        page = client.get(reverse("home"))
    summary = page.context["summaries"][0]
    assert [gap.deadline.label for gap in summary.gaps] == ["Overdue by 8 months"]
    assert [item.number for item in summary.stale] == ["1"]
    assert "Stale positions" in page.text
    assert "Stale: no update for 10 months" in page.text


def test_a_recommendations_own_date_moves_every_tag(client, answered):
    Recommendation.objects.filter(pk=answered.rec_1.pk).update(due_on=datetime.date(2021, 4, 1))
    client.force_login(answered.outsider)
    with at(JULY):
        page = client.get(answered.rec_1.get_absolute_url())
    assert "Answered 30 days late" in page.text
    assert "Overdue by 3 months" in page.text


def test_an_unknown_deadline_on_the_organisation_page_is_an_error_message(client, answered):
    client.force_login(answered.outsider)
    page = client.get(answered.force_a.get_absolute_url() + "?deadline=someday")
    assert page.status_code == 200
    assert "govuk-error-message" in page.text
    assert [r.number for _, rows in page.context["groups"] for r in rows] == ["1", "5"]
