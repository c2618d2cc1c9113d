"""
The dashboards (/dashboard/, /organisations/<slug>/dashboard/), their CSV, and the national
overview: figures against region and nation, what changed since the last visit, the charts'
accessible parts, and fixed query counts at 1x and 10x data.
"""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from deadlines.selectors import expected_responses
from recommendations.models import Organisation, Recommendation
from reporting.figures import figure_source, figures_by_organisation
from responses.choices import NO_RESPONSE, ReviewOutcome, Status
from responses.deadlines import DeadlineKind
from responses.models import DashboardVisit, Response
from tests.conftest import make_user, published_update
from tests.responses.helpers import QUERY_COUNTS, QUERY_COUNTS_CACHED, answer_in_bulk

TODAY = datetime.datetime(2021, 7, 1, 12, tzinfo=datetime.UTC)  # rec 1 and 5 overdue for forces


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def answered(world):
    """Force A completed rec 1 on time (signed off 1 May 2021); nobody else answered anything."""
    with at(datetime.datetime(2021, 5, 1, 12, tzinfo=datetime.UTC)):
        published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                         status=Status.COMPLETED, as_of=datetime.date(2021, 5, 1))
    return world


def dashboard_url(organisation):
    return reverse("reporting:dashboard_organisation", args=[organisation.slug])


def areas_of(page):
    return {area.name: area for area in page.context["dashboard"].areas}


def test_an_opcc_user_sees_their_office_and_its_force_against_region_and_nation(client, answered):
    client.force_login(answered.opcc_contributor)
    with at(TODAY):
        page = client.get(reverse("reporting:dashboard"))
    assert page.status_code == 200
    dashboard = page.context["dashboard"]
    assert [o.slug for o in dashboard.organisations] == ["force-a-pcc", "force-a"]
    areas = areas_of(page)
    assert list(areas) == ["Force A PCC", "Force A Police", "North East", "England and Wales"]
    pcc, force, region, nation = areas.values()
    # The PCC answers rec 5 (comments due 11 February 2021): nothing published, overdue.
    assert (pcc.overall.expected, pcc.overall.overdue, pcc.overall.completed) == (1, 1, 0)
    # Force A answers rec 1 (completed on time) and rec 5 (overdue since 17 June).
    assert (force.overall.expected, force.overall.completed, force.overall.on_time,
            force.overall.overdue) == (2, 1, 1, 1)
    assert force.overall.share_completed == 50
    # North East: Force A and its PCC; England and Wales adds Force B (2 overdue), not the
    # Home Office (a national body) nor the disbanded force.
    assert (region.overall.expected, region.overall.overdue) == (3, 2)
    assert (nation.overall.expected, nation.overall.overdue, nation.overall.completed) == (5, 4, 1)
    assert nation.overall.statuses[NO_RESPONSE] == 4
    assert nation.overall.statuses[Status.COMPLETED] == 1


def test_the_charts_are_images_with_a_text_alternative_and_a_table(client, answered):
    client.force_login(answered.opcc_contributor)
    with at(TODAY):
        page = client.get(dashboard_url(answered.force_a))
    html = page.text
    assert html.count('role="img"') == 3
    for chart in ("summary-chart", "status-chart", "trend-chart"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
    assert "Force A has completed 50% of what is asked of it: more than England and Wales (20%)" \
        in html
    assert '<table class="govuk-table" id="summary-table">' in html
    assert '<th scope="row" class="govuk-table__header">North East</th>' in html
    assert "Completed: Force A 50%, Force A PCC 0%, North East 33%, England and Wales 20%." in html


def test_the_trend_follows_completion_by_month_since_publication(client, answered):
    """Published 17 December 2020; completed as of 1 May 2021, so from month 5 on."""
    client.force_login(answered.contributor)
    with at(TODAY):
        page = client.get(dashboard_url(answered.force_a))
    force = areas_of(page)["Force A Police"]
    assert force.trend[:7] == [0, 0, 0, 0, 0, 50, 50]
    assert force.trend[7] is None  # the report is not 7 months old yet


def test_the_dashboard_lists_each_super_complaint(client, answered):
    client.force_login(answered.contributor)
    with at(TODAY):
        page = client.get(dashboard_url(answered.force_a))
    rows = page.context["charts"]["per_super_complaint"]
    # Share completed in each area, then overdue and stale answers of Force A and its PCC.
    assert [(sc.slug, cells) for sc, cells in rows] == [
        ("safe-to-share", ["50%", "0%", "33%", "20%", "1", "0", "1", "0"])
    ]


def test_the_charts_can_show_one_super_complaint(client, answered):
    other = answered.super_complaint.__class__.objects.create(
        slug="other", title="Other", short_title="Other report", complainants="Someone",
        report_published_on=datetime.date(2021, 6, 1),
    )
    Recommendation.objects.create(super_complaint=other, number="1", text="<p>x</p>") \
        .recipient_groups.add(answered.chief_constables)
    client.force_login(answered.contributor)
    with at(TODAY):
        everything = client.get(dashboard_url(answered.force_a))
        one = client.get(dashboard_url(answered.force_a) + "?super_complaint=other")
        wrong = client.get(dashboard_url(answered.force_a) + "?super_complaint=nope")
    assert areas_of(everything)["Force A Police"].overall.expected == 3
    force = areas_of(one)["Force A Police"]
    assert (force.overall.expected, force.overall.due, force.overall.completed) == (1, 1, 0)
    assert force.trend[:3] == [0, 0, None]  # published a month ago
    assert "Share of the answers expected of each area, Other report, as of" in one.text
    assert '<option value="other" selected>Other report</option>' in one.text
    assert "Choose a super-complaint from the list" in wrong.text
    assert areas_of(wrong)["Force A Police"].overall.expected == 3


def test_the_figures_download_as_csv(client, answered):
    client.force_login(answered.opcc_contributor)
    with at(TODAY):
        download = client.get(reverse("reporting:dashboard_export", args=["force-a-pcc"]))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["Area", "Super-complaint", "Measure", "Value", "Protective marking"]
    rows = [row[:4] for row in rows]
    assert ["Force A Police", "All super-complaints", "Share completed (%)", "50"] in rows
    assert ["England and Wales", "Safe to share?", "Overdue", "4"] in rows
    assert ["Force A Police", "All super-complaints",
            "Share completed within 5 months of publication (%)", "50"] in rows
    # Downloading is not a visit.
    assert not DashboardVisit.objects.exists()


def changes_listed(page):
    """[(organisation name, recommendation number)] under "What changed since your last visit"."""
    section = page.text.split('id="changes"', 1)[1].split("<h2", 1)[0]
    return re.findall(r'<li><a class="govuk-link" href="[^"]+">([^:<]+): [^<]*, recommendation '
                      r'([^<]+)</a>', section)


def test_what_changed_since_the_last_visit(client, answered):
    client.force_login(answered.opcc_contributor)
    with at(datetime.datetime(2021, 6, 1, 12, tzinfo=datetime.UTC)):
        first = client.get(reverse("reporting:dashboard"))
    assert "This is your first visit to this dashboard" in first.text
    assert [name for name, _ in changes_listed(first)] == ["Force A Police"]
    with at(datetime.datetime(2021, 6, 10, 12, tzinfo=datetime.UTC)):
        published_update(answered, organisation=answered.force_a,
                         recommendation=answered.rec_5, as_of=datetime.date(2021, 6, 9))
        published_update(answered, organisation=answered.force_b, recommendation=answered.rec_5,
                         author=answered.other_contributor, approver=answered.other_approver)
    with at(datetime.datetime(2021, 6, 20, 12, tzinfo=datetime.UTC)):
        second = client.get(reverse("reporting:dashboard"))
    # Only Force A's new update: not its older one, nor Force B's (not shown here).
    assert changes_listed(second) == [("Force A Police", "5")]
    assert "Published since you last opened this dashboard on 1 June 2021" in second.text


def test_what_changed_includes_the_national_bodies_awaited(client, world):
    published_update(world, organisation=world.force_a, recommendation=world.rec_5,
                     status=Status.AWAITING_NATIONAL, awaiting="Home Office review")
    home_office_writer = make_user("hugh", world.home_office, "contributor")
    home_office_approver = make_user("hana", world.home_office, "approver")
    published_update(world, organisation=world.home_office, recommendation=world.rec_2,
                     author=home_office_writer, approver=home_office_approver)
    client.force_login(world.contributor)
    page = client.get(dashboard_url(world.force_a))
    assert {name for name, _ in changes_listed(page)} == {"Force A Police", "Home Office"}


def test_any_signed_in_user_may_read_any_dashboard_but_visits_are_their_own(client, answered):
    client.force_login(answered.other_contributor)
    page = client.get(dashboard_url(answered.force_a))
    assert page.status_code == 200
    assert DashboardVisit.objects.get().user == answered.other_contributor


def test_a_user_without_an_organisation_is_sent_to_the_overview(client, world):
    client.force_login(world.outsider)
    page = client.get(reverse("reporting:dashboard"), follow=True)
    assert page.redirect_chain[-1][0] == reverse("reporting:overview")
    assert "You are not a member of any organisation" in page.text


def test_a_national_body_is_compared_with_every_national_body(client, world):
    client.force_login(world.reviewer)
    with at(TODAY):
        page = client.get(dashboard_url(world.home_office))
    assert list(areas_of(page)) == ["Home Office", "All national bodies"]
    assert areas_of(page)["All national bodies"].overall.expected == 1


def test_an_unknown_organisation_has_no_dashboard(client, world):
    client.force_login(world.contributor)
    assert client.get(reverse("reporting:dashboard_organisation", args=["nope"])).status_code \
        == 404


def test_dashboards_and_overview_need_a_signed_in_user(client, world):
    for url in (reverse("reporting:dashboard"), dashboard_url(world.force_a),
                reverse("reporting:dashboard_export", args=["force-a"]),
                reverse("reporting:overview")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


# --- the overview ----------------------------------------------------------------------------


def test_the_overview_ranks_organisations_by_overdue_then_stale_then_completed(client, answered):
    client.force_login(answered.viewer)
    with at(TODAY):
        page = client.get(reverse("reporting:overview"))
    rows = page.context["overview"].rows
    # Force A PCC and the Home Office have the same figures: an equal rank, "=2", not 2 and 3
    # by the alphabet; the next counts every row above it.
    assert [(r.rank, r.organisation.slug, r.figures.overdue) for r in rows] == [
        (1, "force-b", 2), (2, "force-a-pcc", 1), (2, "home-office", 1), (4, "force-a", 1),
    ]
    assert [r.tied for r in rows] == [False, True, True, False]
    equal = '<span class="govuk-visually-hidden">Equal </span>2</td>'
    assert page.text.count('<span aria-hidden="true">=</span>' + equal) == 2
    assert dashboard_url(answered.force_b) in page.text


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("?kind=police_force", ["force-b", "force-a"]),
        ("?region=North+East", ["force-a-pcc", "force-a"]),
        ("?super_complaint=safe-to-share&kind=national_body", ["home-office"]),
    ],
)
def test_the_overview_filters(client, answered, query, slugs):
    client.force_login(answered.viewer)
    with at(TODAY):
        page = client.get(reverse("reporting:overview") + query)
    assert [r.organisation.slug for r in page.context["overview"].rows] == slugs


def test_the_overview_narrows_figures_to_one_super_complaint(client, answered):
    other = answered.super_complaint.__class__.objects.create(
        slug="other", title="Other", short_title="Other", complainants="Someone",
        report_published_on=datetime.date(2021, 1, 1),
    )
    Recommendation.objects.create(super_complaint=other, number="1", text="<p>x</p>") \
        .recipient_groups.add(answered.chief_constables)
    client.force_login(answered.viewer)
    with at(TODAY):
        everything = client.get(reverse("reporting:overview") + "?kind=police_force")
        one = client.get(reverse("reporting:overview") + "?kind=police_force&super_complaint=other")
    assert [r.figures.expected for r in everything.context["overview"].rows] == [3, 3]
    assert [r.figures.expected for r in one.context["overview"].rows] == [1, 1]


def test_a_bad_filter_is_reported_not_a_server_error(client, world):
    client.force_login(world.viewer)
    page = client.get(reverse("reporting:overview") + "?super_complaint=nope")
    assert page.status_code == 200
    assert "govuk-error-message" in page.text


# --- the aggregates agree with the rules -----------------------------------------------------


def test_the_sql_figures_match_the_rules_row_by_row(world):
    """Every deadline state, counted by SQL, equals the count of the Python states."""
    today = datetime.date(2022, 1, 20)
    with at(datetime.datetime(2021, 5, 1, 12, tzinfo=datetime.UTC)):  # on time, goes stale
        published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                         as_of=datetime.date(2021, 5, 1))
    with at(datetime.datetime(2021, 7, 1, 12, tzinfo=datetime.UTC)):  # late, not stale
        published_update(world, organisation=world.force_b, recommendation=world.rec_1,
                         author=world.other_contributor, approver=world.other_approver,
                         as_of=datetime.date(2021, 12, 1))
    with at(datetime.datetime(2021, 2, 1, 12, tzinfo=datetime.UTC)):  # completed, closed
        published_update(world, organisation=world.lpb_a, recommendation=world.rec_5,
                         author=world.opcc_contributor,
                         approver=make_user("oscar", world.lpb_a, "approver"),
                         status=Status.COMPLETED, as_of=datetime.date(2021, 2, 1))
    Response.objects.filter(organisation=world.lpb_a).update(review_outcome=ReviewOutcome.CLOSED)
    Recommendation.objects.filter(pk=world.rec_2.pk).update(due_on=datetime.date(2022, 2, 1))

    rows = expected_responses(today=today)
    figures = figures_by_organisation(figure_source(today=today))
    organisations = Organisation.objects.filter(active=True)
    # Four of the five owe answers and one owes none: both branches below are checked.
    assert organisations.count() == 5
    assert len({r.organisation for r in rows}) == 4
    for organisation in organisations:
        states = [r.state.kind for r in rows if r.organisation == organisation]
        if not states:
            assert organisation.pk not in figures
            continue
        counted = figures[organisation.pk]
        assert counted.expected == len(states)
        assert counted.overdue == states.count(DeadlineKind.OVERDUE)
        assert counted.due == states.count(DeadlineKind.DUE)
        assert counted.on_time == states.count(DeadlineKind.ANSWERED_ON_TIME)
        assert counted.late == states.count(DeadlineKind.ANSWERED_LATE)
        assert counted.stale == states.count(DeadlineKind.STALE)
    assert figures[world.force_a.pk].stale == 1
    assert figures[world.home_office.pk].due == 1


# --- fixed query counts --------------------------------------------------------------------------


def grow(world, factor):
    """`factor` times more forces, bodies, recommendations and published answers."""
    forces = Organisation.objects.bulk_create(
        Organisation(slug=f"extra-{i}", name=f"Extra Force {i}", short_name=f"Extra {i}",
                     kind=Organisation.Kind.POLICE_FORCE, region="North East")
        for i in range(factor * 3)
    )
    Organisation.objects.bulk_create(
        Organisation(slug=f"extra-pcc-{i}", name=f"Extra PCC {i}", short_name=f"Extra PCC {i}",
                     kind=Organisation.Kind.LOCAL_POLICING_BODY, region="North East")
        for i in range(factor * 2)
    )
    for i in range(factor * 3):
        rec = Recommendation.objects.create(
            super_complaint=world.super_complaint, number=f"x{i}", order=100 + i,
            text=f"<p>Extra {i}</p>",
        )
        rec.recipient_groups.add(world.chief_constables, world.pccs)
        for force in forces[:factor]:
            answer_in_bulk(rec, force, datetime.date(2021, 5, 1))
        answer_in_bulk(rec, world.force_a, datetime.date(2021, 5, 1))
    DashboardVisit.objects.create(
        user=world.opcc_contributor, organisation=world.lpb_a,
        seen_at=timezone.now() - datetime.timedelta(days=400),
    )


PAGES = {
    "dashboard": lambda w: reverse("reporting:dashboard"),
    "dashboard_organisation": lambda w: dashboard_url(w.force_a),
    "dashboard_export": lambda w: reverse("reporting:dashboard_export", args=["force-a"]),
    "overview": lambda w: reverse("reporting:overview") + "?kind=police_force",
}


@pytest.mark.parametrize("factor", [1, 10])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_dashboards_and_overview_run_a_fixed_number_of_queries(
    client, answered, django_assert_num_queries, page, factor
):
    grow(answered, factor)
    client.force_login(answered.opcc_contributor)
    url = PAGES[page](answered)
    with django_assert_num_queries(QUERY_COUNTS[page]):
        response = client.get(url)
    assert response.status_code == 200
    if page in QUERY_COUNTS_CACHED:
        with django_assert_num_queries(QUERY_COUNTS_CACHED[page]):
            again = client.get(url)
        assert again.text.count("<table") == response.text.count("<table")


def test_cached_figures_change_as_soon_as_an_update_is_published(
    client, answered, django_assert_num_queries
):
    """The second reading comes from the cache; a publication is seen at once all the same."""
    client.force_login(answered.viewer)
    url = reverse("reporting:overview") + "?kind=police_force"
    with at(TODAY):
        client.get(url)
        with django_assert_num_queries(QUERY_COUNTS_CACHED["overview"]):
            cached = client.get(url)
    assert completed_in_league(cached.text) == {"Force A Police": "1", "Force B Constabulary": "0"}
    published_update(answered, organisation=answered.force_b, recommendation=answered.rec_1,
                     author=answered.other_contributor, approver=answered.other_approver,
                     status=Status.COMPLETED)
    with at(TODAY):
        fresh = client.get(url)
    assert completed_in_league(fresh.text) == {"Force A Police": "1", "Force B Constabulary": "1"}


def completed_in_league(html):
    """{organisation: its "Completed" count} in the overview's league table."""
    return dict(re.findall(
        r'class="app-figures__name"><a [^>]*>([^<]+)<span.*?</th>'
        r"<td>\d+</td><td>\d+</td><td>\d+</td><td>(\d+) \(",
        html,
    ))


def test_a_kept_dashboard_shows_a_publication_at_once(client, answered):
    """Everything but the reader's changes is kept under the data's fingerprint."""
    client.force_login(answered.other_contributor)
    url = dashboard_url(answered.force_b)
    with at(TODAY):
        client.get(url)
        before = client.get(url)
    assert "Nothing new has been published." in before.text
    with at(TODAY + datetime.timedelta(hours=1)):
        published_update(answered, organisation=answered.force_b, recommendation=answered.rec_1,
                         author=answered.other_contributor, approver=answered.other_approver,
                         status=Status.COMPLETED, as_of=datetime.date(2021, 6, 30))
    with at(TODAY + datetime.timedelta(hours=2)):
        after = client.get(url)
    assert "Force B Constabulary: Safe to share?, recommendation 1" in after.text
    assert completed_in_summary(before.text, "Force B Constabulary") == "0"
    assert completed_in_summary(after.text, "Force B Constabulary") == "1"


def completed_in_summary(html, area):
    """The "Completed" count of an area in the summary table."""
    summary = html[html.index('id="summary-table"'):]
    row = re.search(rf"{area}</th>\s*<td[^>]*>\d+</td>\s*<td[^>]*>(\d+) \(", summary)
    return row.group(1)


def test_reopening_within_a_minute_is_the_same_visit(client, answered):
    client.force_login(answered.opcc_contributor)
    first_open = datetime.datetime(2021, 6, 1, 12, tzinfo=datetime.UTC)
    with at(first_open):
        client.get(reverse("reporting:dashboard"))
    with at(first_open + datetime.timedelta(seconds=50)):
        reload = client.get(reverse("reporting:dashboard"))
    # The reload is told of the first opening, and does not move the bookmark.
    assert reload.context["last_visit"] == first_open
    assert DashboardVisit.objects.get().seen_at == first_open

    with at(first_open + datetime.timedelta(minutes=5)):
        later = client.get(reverse("reporting:dashboard"))
    assert later.context["last_visit"] == first_open
    assert DashboardVisit.objects.get().seen_at == first_open + datetime.timedelta(minutes=5)
