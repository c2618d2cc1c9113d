import csv
import datetime
import io

import pytest
from django.urls import reverse

from evidence import services as evidence_services
from recommendations.models import Organisation, Recommendation
from responses.choices import Status
from responses.models import Response
from tests.conftest import draft_update, published_update, submitted_update
from tests.responses.helpers import (
    HOME_WORK_LIST_QUERIES,
    QUERY_COUNTS,
    QUERY_COUNTS_CACHED,
    answer_in_bulk,
    tasks_of,
)
from workflow.selectors.tasks import TASK_LIMIT


@pytest.fixture
def published(world):
    """Force A has completed rec 1; Force B has a draft only (invisible to others)."""
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     status=Status.COMPLETED, narrative="<p>Direction issued to staff.</p>")
    draft_update(world, organisation=world.force_b, recommendation=world.rec_1,
                 author=world.other_contributor, as_of=datetime.date(2021, 6, 1),
                 status=Status.IN_PROGRESS, narrative="<p>Secret draft wording.</p>")
    return world


def grow(world, factor):
    """Add `factor` times more forces, recommendations and published updates (for query pins)."""
    forces = Organisation.objects.bulk_create(
        Organisation(slug=f"extra-{i}", name=f"Extra Force {i}", short_name=f"Extra {i}",
                     kind=Organisation.Kind.POLICE_FORCE, region="Eastern")
        for i in range(factor * 3)
    )
    recommendations = []
    for i in range(factor * 3):
        rec = Recommendation.objects.create(
            super_complaint=world.super_complaint, number=f"x{i}", order=100 + i,
            text=f"<p>Extra {i}</p>",
        )
        rec.recipient_groups.add(world.chief_constables)
        recommendations.append(rec)
    for rec in recommendations[:factor]:
        for force in forces:
            answer_in_bulk(rec, force, datetime.date(2021, 5, 1))


def rec_url(world, rec, name="responses:recommendation_detail"):
    return reverse(name, args=[world.super_complaint.slug, rec.number])


def test_pages_need_a_signed_in_user(client, world):
    response = client.get(reverse("responses:supercomplaint_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_super_complaint_list_shows_progress(client, published):
    client.force_login(published.outsider)
    response = client.get(reverse("responses:supercomplaint_list"))
    # rec 1: 2 forces, rec 2: Home Office, rec 5: 2 forces + 1 PCC -> 6 expected, 1 completed.
    assert "1 of 6 expected responses completed" in response.text


def test_super_complaint_detail_lists_recommendations_with_recipients(client, world):
    client.force_login(world.outsider)
    response = client.get(world.super_complaint.get_absolute_url())
    assert "Stop sharing." in response.text
    assert "Chief constables; Police and crime commissioners (or equivalents)" in response.text
    assert "Home Office" in response.text


def test_comparison_shows_every_expected_organisation_and_the_gaps(client, published):
    client.force_login(published.outsider)
    response = client.get(rec_url(published, published.rec_1))
    rows = [row.name for row in response.context["comparison"].rows]
    assert rows == ["Force A Police", "Force B Constabulary"]
    assert "Direction issued to staff." in response.text
    assert "No response yet" in response.text


def test_comparison_never_shows_another_organisations_draft(client, published):
    client.force_login(published.contributor)
    response = client.get(rec_url(published, published.rec_1))
    assert "Secret draft wording" not in response.text
    export = client.get(rec_url(published, published.rec_1, "responses:recommendation_export"))
    assert "Secret draft wording" not in export.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"region": "South West"}, ["Force B Constabulary"]),
        ({"kind": "police_force"}, ["Force A Police", "Force B Constabulary"]),
        ({"kind": "local_policing_body"}, []),
        ({"status": "completed"}, ["Force A Police"]),
        ({"status": "none"}, ["Force B Constabulary"]),
        ({"q": "direction issued"}, ["Force A Police"]),
        ({"q": "constabulary"}, ["Force B Constabulary"]),
    ],
)
def test_comparison_filters(client, published, query, expected):
    client.force_login(published.outsider)
    response = client.get(rec_url(published, published.rec_1), query)
    assert [row.name for row in response.context["comparison"].rows] == expected


def test_comparison_sorts_by_status_with_gaps_first(client, published):
    client.force_login(published.outsider)
    response = client.get(rec_url(published, published.rec_1), {"sort": "status"})
    assert [row.name for row in response.context["comparison"].rows] == [
        "Force B Constabulary", "Force A Police",
    ]


def test_export_has_exactly_the_filtered_rows(client, published):
    client.force_login(published.outsider)
    response = client.get(
        rec_url(published, published.rec_1, "responses:recommendation_export"),
        {"status": "completed"},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Organisation", "Kind", "Region", "Status"]
    assert [row[0] for row in rows[1:]] == ["Force A Police"]
    assert rows[1][3] == "Completed"
    assert rows[1][-1] == "Direction issued to staff."


def test_export_neutralises_spreadsheet_formulas(client, world):
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     status=Status.COMPLETED, narrative="<p>=HYPERLINK(1)</p>")
    client.force_login(world.outsider)
    response = client.get(rec_url(world, world.rec_1, "responses:recommendation_export"))
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_side_by_side_shows_full_texts_of_the_chosen_organisations(client, world):
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     status=Status.COMPLETED, narrative="<p>Alpha text.</p>")
    published_update(world, organisation=world.force_b, recommendation=world.rec_1,
                     status=Status.IN_PROGRESS, narrative="<p>Bravo text.</p>",
                     author=world.other_contributor, approver=world.other_approver)
    client.force_login(world.outsider)
    response = client.get(
        rec_url(world, world.rec_1, "responses:recommendation_compare"),
        {"organisation": ["force-b", "force-a"]},
    )
    assert [o.slug for o in response.context["organisations"]] == ["force-b", "force-a"]
    assert "Alpha text." in response.text and "Bravo text." in response.text


@pytest.mark.parametrize("chosen", [["force-a"], ["force-a", "force-b", "x", "y", "z"]])
def test_side_by_side_needs_two_to_four_organisations(client, world, chosen):
    client.force_login(world.outsider)
    response = client.get(
        rec_url(world, world.rec_1, "responses:recommendation_compare"),
        {"organisation": chosen}, follow=True,
    )
    assert "Select between 2 and 4 organisations" in response.text


def test_matrix_has_a_cell_per_recommendation_and_organisation(client, published):
    client.force_login(published.outsider)
    response = client.get(reverse("responses:matrix", args=[published.super_complaint.slug]))
    matrix = response.context["matrix"]
    assert [o.slug for o in matrix.organisations] == [
        "force-a", "force-b", "force-a-pcc", "home-office",
    ]
    cells = {
        (rec.number, org.slug): cell
        for rec, row in matrix.rows for org, cell in zip(matrix.organisations, row, strict=True)
    }
    assert cells[("1", "force-a")].label == "Completed"
    assert cells[("1", "force-b")].label == "No response yet"
    assert cells[("2", "force-a")].applicable is False
    assert cells[("1", "force-a")].url == (
        reverse("workflow:response_detail", args=["safe-to-share", "1", "force-a"])
    )


def test_matrix_filters_by_kind_and_exports_the_same_cells(client, published):
    client.force_login(published.outsider)
    url = reverse("responses:matrix", args=[published.super_complaint.slug])
    response = client.get(url, {"kind": "police_force"})
    assert [o.slug for o in response.context["matrix"].organisations] == ["force-a", "force-b"]

    export = client.get(
        reverse("responses:matrix_export", args=[published.super_complaint.slug]),
        {"kind": "police_force"},
    )
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    # Each row says whether the recommendation is a priority (issue 14) and ends with the most
    # sensitive marking among the positions it shows.
    assert rows[0] == [
        "Recommendation", "Priority", "Force A Police", "Force B Constabulary",
        "Protective marking",
    ]
    assert rows[1] == ["1", "No", "Completed", "No response yet", "OFFICIAL"]
    assert rows[2] == ["2", "No", "Not applicable", "Not applicable", ""]


def test_matrix_can_show_organisations_as_rows(client, published):
    client.force_login(published.outsider)
    response = client.get(
        reverse("responses:matrix", args=[published.super_complaint.slug]),
        {"orientation": "organisations", "kind": "police_force"},
    )
    transposed = response.context["transposed"]
    assert [org.slug for org, _ in transposed] == ["force-a", "force-b"]
    assert [cell.label for cell in transposed[0][1]][0] == "Completed"


def test_organisation_page_lists_what_applies_and_links_the_paired_body(client, published):
    client.force_login(published.outsider)
    response = client.get(published.force_a.get_absolute_url())
    (super_complaint, recommendations), = response.context["groups"]
    assert [r.number for r in recommendations] == ["1", "5"]
    assert recommendations[0].response.current_status == Status.COMPLETED
    assert published.lpb_a.get_absolute_url() in response.text


def test_home_counts_statuses_and_lists_gaps(client, published):
    client.force_login(published.contributor)
    response = client.get(reverse("home"))
    summary, = response.context["summaries"]
    counts = {code: count for code, _, count in summary.status_counts}
    assert counts["completed"] == 1
    assert counts["none"] == 1
    assert [r.number for r in summary.gaps] == ["5"]


def test_home_shows_approvers_what_waits_for_their_sign_off(client, world):
    submitted_update(world, organisation=world.force_a, recommendation=world.rec_5,
                     as_of=datetime.date(2021, 5, 1), status=Status.IN_PROGRESS)
    client.force_login(world.approver)
    response = client.get(reverse("home"))
    assert tasks_of(response)["sign_off"].count == 1
    client.force_login(world.other_approver)
    response = client.get(reverse("home"))
    assert "sign_off" not in tasks_of(response)


def test_home_shows_recent_updates_from_other_organisations_only(client, published):
    client.force_login(published.other_contributor)
    response = client.get(reverse("home"))
    assert [u.response.organisation.slug for u in response.context["recent_from_others"]] == [
        "force-a"
    ]
    client.force_login(published.contributor)
    response = client.get(reverse("home"))
    assert response.context["recent_from_others"] == []


PAGES = {
    "home": lambda w: reverse("home"),
    "supercomplaint_list": lambda w: reverse("responses:supercomplaint_list"),
    "supercomplaint_detail": lambda w: w.super_complaint.get_absolute_url(),
    "recommendation_detail": lambda w: rec_url(w, w.rec_1),
    "recommendation_export": lambda w: rec_url(w, w.rec_1, "responses:recommendation_export"),
    "recommendation_compare": lambda w: rec_url(w, w.rec_1, "responses:recommendation_compare")
    + "?organisation=force-a&organisation=force-b",
    "matrix": lambda w: reverse("responses:matrix", args=[w.super_complaint.slug]),
    "matrix_table": lambda w: reverse("responses:matrix", args=[w.super_complaint.slug])
    + "?view=table",
    "matrix_export": lambda w: reverse("responses:matrix_export", args=[w.super_complaint.slug]),
    "organisation_list": lambda w: reverse("responses:organisation_list"),
    "organisation_detail": lambda w: w.force_a.get_absolute_url(),
}

@pytest.mark.parametrize("factor", [1, 10])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_pages_run_a_fixed_number_of_queries(client, published, django_assert_num_queries,
                                              page, factor):
    grow(published, factor)
    client.force_login(published.approver)
    url = PAGES[page](published)
    with django_assert_num_queries(QUERY_COUNTS[page]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("factor", [1, 10])
# The dashboards' and the overview's are pinned in test_dashboards.py.
@pytest.mark.parametrize("page", sorted(set(QUERY_COUNTS_CACHED) & set(PAGES)))
def test_cached_pages_run_fewer_queries_once_cached(client, published, django_assert_num_queries,
                                                    page, factor):
    grow(published, factor)
    client.force_login(published.approver)
    url = PAGES[page](published)
    client.get(url)
    with django_assert_num_queries(QUERY_COUNTS_CACHED[page]):
        response = client.get(url)
    assert response.status_code == 200


def test_a_draft_changes_nothing_other_organisations_see(client, world):
    """Force B's unpublished 'completed' draft shows nowhere outside Force B."""
    submitted_update(world, organisation=world.force_b, recommendation=world.rec_1,
                     author=world.other_contributor, as_of=datetime.date(2021, 6, 1),
                     status=Status.COMPLETED, narrative="<p>Unpublished claim.</p>")
    client.force_login(world.contributor)
    matrix = client.get(reverse("responses:matrix", args=[world.super_complaint.slug]))
    cells = dict(zip([o.slug for o in matrix.context["matrix"].organisations],
                     matrix.context["matrix"].rows[0][1], strict=True))
    assert cells["force-b"].label == "No response yet"

    organisation = client.get(world.force_b.get_absolute_url())
    assert "Unpublished claim" not in organisation.text
    assert "Completed" not in organisation.text

    home = client.get(reverse("home"))
    assert "Unpublished claim" not in home.text
    assert home.context["recent_from_others"] == []

    listing = client.get(reverse("responses:supercomplaint_list"))
    assert "0 of 6 expected responses completed" in listing.text


def test_home_gives_reviewers_the_completed_responses_to_review(client, published):
    client.force_login(published.reviewer)
    response = client.get(reverse("home"))
    review = tasks_of(response)["review"]
    assert [item.title.split(" – ")[0] for item in review.items] == ["Force A"]
    assert review.items[0].url.endswith("/1/force-a/#review")
    assert "Completed responses waiting for review" in response.text

    reviewed = Response.objects.get(organisation=published.force_a,
                                    recommendation=published.rec_1)
    evidence_services.response_review(response=reviewed, reviewer=published.reviewer,
                             outcome="closed", comment="Evidence accepted.")
    response = client.get(reverse("home"))
    assert "review" not in tasks_of(response)

    client.force_login(published.approver)
    assert "Completed responses waiting for review" not in client.get(reverse("home")).text


def test_reviewer_home_runs_a_fixed_number_of_queries(client, published,
                                                      django_assert_num_queries):
    grow(published, 10)
    client.force_login(published.reviewer)
    # Two more for the review list, two for the list of evidence awaiting review, one for the
    # requests for more time to decide; a national body has nothing unpublished here, so no
    # work list is read, and a reviewer writes for none, so the decisions on their
    # organisations' requests for more time (in QUERY_COUNTS["home"]) are not read.
    with django_assert_num_queries(QUERY_COUNTS["home"] + 4):
        client.get(reverse("home"))


@pytest.mark.parametrize("factor", [1, 10])
def test_the_home_work_lists_are_read_when_there_is_work(client, published,
                                                         django_assert_num_queries, factor):
    for i in range(factor):
        draft_update(published, organisation=published.force_a, recommendation=published.rec_5,
                     narrative="<p>Half written.</p>")
        # One update awaiting sign-off per response: each of another recommendation.
        waiting_for = Recommendation.objects.create(
            super_complaint=published.super_complaint, number=f"w{i}", order=200 + i,
            text=f"<p>Waiting {i}</p>",
        )
        waiting_for.recipient_groups.add(published.chief_constables)
        submitted_update(published, organisation=published.force_a,
                         recommendation=waiting_for, narrative="<p>Ready.</p>")
    client.force_login(published.approver)

    with django_assert_num_queries(QUERY_COUNTS["home"] + HOME_WORK_LIST_QUERIES):
        page = client.get(reverse("home"))

    tasks = tasks_of(page)
    assert tasks["drafts"].count == len(tasks["drafts"].items) == factor
    assert tasks["sign_off"].count == factor
    assert len(tasks["sign_off"].items) == min(factor, TASK_LIMIT)


@pytest.mark.parametrize("page", sorted(set(PAGES) - {"home"}))  # home: the start page
def test_every_page_sends_a_signed_out_visitor_to_sign_in(client, world, page):
    response = client.get(PAGES[page](world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


def test_the_heat_map_gives_each_response_a_code_a_label_and_a_key(client, published):
    """The default view: organisations as rows grouped by region, a coloured code per cell."""
    client.force_login(published.contributor)
    url = reverse("responses:matrix", args=[published.super_complaint.slug])
    page = client.get(url, {"kind": "police_force"})
    html = page.text
    assert 'class="app-heat-map-key"' in html
    for code, label in (("NS", "Not started"), ("C", "Completed"), ("NR", "No response yet")):
        assert f">{code}</span></dt>" in html and label in html
    # One link per response: its code on screen, its full status for screen readers and on
    # hover or focus (visually hidden by the heat map's styles).
    assert (
        '<a class="s-c" href="../recommendations/1/force-a/">C<span> Completed</span></a>'
        in html
    )
    assert '<a class="s-nr" href="../recommendations/1/force-b/">NR<span> No response yet' in html
    # Recommendations are the columns, organisations the rows under their region's heading.
    assert '<th scope="col"><a href="/super-complaints/safe-to-share/recommendations/1/">' in html
    columns = len(page.context["matrix"].recommendations)
    assert f'<th scope="rowgroup" colspan="{columns + 1}" class="app-heat-map__region">' in html
    # The filters keep no layout (the heat map is the default); the full table is a link away.
    assert '<input type="hidden" name="view"' not in html
    assert "Show the full table" in html
    table = client.get(url, {"view": "table"}).text
    assert "app-heat-map" not in table
    assert '<input type="hidden" name="view" value="table">' in table


def test_the_heat_map_groups_organisations_by_region_and_lists_the_readers_own_first(
    client, published
):
    published.force_b.region = "Wales"
    published.force_b.save()
    client.force_login(published.contributor)  # of Force A
    url = reverse("responses:matrix", args=[published.super_complaint.slug])
    page = client.get(url, {"kind": "police_force"})
    regions = [region for region, _ in page.context["grid"].groups]
    assert regions == sorted(regions, key=lambda r: (r == "National", r))
    assert "Wales" in regions
    html = page.text
    assert html.count('<th scope="row"><a href="/organisations/force-a/">') == 2  # and its region
    own = html.index('class="app-heat-map__own"')
    assert html.index(">Your organisation</th>") > own
    first_row = html.index('<th scope="row">', own)
    assert html.startswith('<th scope="row"><a href="/organisations/force-a/">', first_row)
    assert html.index("Wales</th>") > first_row  # before every region
    # A reader of another organisation gets their own, never the first reader's.
    client.force_login(published.outsider)
    other = client.get(url, {"kind": "police_force"}).text
    assert "<!-- own-organisations -->" not in other
    assert other.count('<th scope="row"><a href="/organisations/force-a/">') == 1


def test_the_full_matrix_links_each_response_by_its_status(client, published):
    client.force_login(published.contributor)
    url = reverse("responses:matrix", args=[published.super_complaint.slug])
    html = client.get(url, {"kind": "police_force", "view": "table"}).text
    assert '<td><a class="s-c" href="../recommendations/1/force-a/">Completed</a></td>' in html
    # Not addressed to the organisation: a blank cell, as the hint above the matrix says.
    assert "<td></td>" in html
    assert "A blank cell: the recommendation is not addressed to the organisation" in html
