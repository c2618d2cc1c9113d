"""
The dashboards' and the overview's counts are kept in the cache per organisation or
super-complaint (selectors.figures.partitioned_counts): after a publication only what it
changed is counted again, and the figures are those of a count from scratch.
"""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from reporting.figures import figure_source, partitioned_counts
from responses.choices import Status
from tests.conftest import published_update

TODAY = datetime.datetime(2021, 7, 1, 12, tzinfo=datetime.UTC)


def figures_of(page):
    return {
        area.name: (area.overall, sorted(area.by_super_complaint.items()), area.trend)
        for area in page.context["dashboard"].areas
    }


@pytest.fixture
def answered(world):
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     status=Status.COMPLETED, as_of=datetime.date(2021, 5, 1))
    return world


def test_a_publication_recounts_only_the_partitions_it_changed(answered):
    seen = []

    def compute(only):
        seen.append(only)
        return {"counted": only}

    with time_machine.travel(TODAY):
        source = figure_source(today=TODAY.date())
        assert partitioned_counts(source, name="t", partition="organisation_id",
                                  compute=compute) == {"counted": None}
        assert seen == [None]  # everything, once
        partitioned_counts(source, name="t", partition="organisation_id", compute=compute)
        assert seen == [None]  # nothing changed: nothing counted

    published_update(answered, organisation=answered.force_b, recommendation=answered.rec_1,
                     author=answered.other_contributor, approver=answered.other_approver,
                     status=Status.IN_PROGRESS)

    with time_machine.travel(TODAY):
        source = figure_source(today=TODAY.date())
        parts = partitioned_counts(source, name="t", partition="organisation_id",
                                   compute=compute)
    # Force B's, and Force A's (the latest change before: change times compare inclusively,
    # so two changes in the same instant are never missed); never Home Office's or the PCC's.
    assert seen[:1] == [None] and len(seen) == 2
    assert answered.force_b.pk in seen[1]
    assert seen[1] <= {answered.force_a.pk, answered.force_b.pk}
    assert answered.force_b.pk in parts


@pytest.mark.parametrize("slug", ["force-a", "force-b", "force-a-pcc"])
def test_dashboard_figures_after_a_publication_are_those_counted_from_scratch(
    client, answered, slug
):
    client.force_login(answered.viewer)
    url = reverse("reporting:dashboard_organisation", args=[slug])
    with time_machine.travel(TODAY):
        client.get(url)  # counted and cached
    published_update(answered, organisation=answered.force_b, recommendation=answered.rec_1,
                     author=answered.other_contributor, approver=answered.other_approver,
                     status=Status.COMPLETED, as_of=datetime.date(2021, 6, 1))
    with time_machine.travel(TODAY):
        recounted = client.get(url)
        cache.clear()
        from_scratch = client.get(url)
    assert figures_of(recounted) == figures_of(from_scratch)
    # The rendered figures (kept in the cache) are those of the fresh count, not the first.
    nation = recounted.context["dashboard"].areas[-1]
    assert nation.by_super_complaint[answered.super_complaint.pk].completed == 2
    assert table(recounted, "super-complaint-table") == table(from_scratch, "super-complaint-table")
    assert table(recounted, "summary-table") == table(from_scratch, "summary-table")


def table(page, table_id):
    html = page.text
    start = html.index(f'id="{table_id}"')
    return html[start:html.index("</table>", start)]


def test_the_overview_table_after_a_publication_is_that_counted_from_scratch(client, answered):
    client.force_login(answered.viewer)
    url = reverse("reporting:overview")
    with time_machine.travel(TODAY):
        before = table(client.get(url), "league-table")
    published_update(answered, organisation=answered.force_b, recommendation=answered.rec_1,
                     author=answered.other_contributor, approver=answered.other_approver,
                     status=Status.COMPLETED, as_of=datetime.date(2021, 6, 1))
    with time_machine.travel(TODAY):
        recounted = table(client.get(url), "league-table")
        cache.clear()
        from_scratch = table(client.get(url), "league-table")
    assert recounted == from_scratch != before
