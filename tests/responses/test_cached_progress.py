"""
What every reader sees the same is cached (super-complaint progress, the pages of the
super-complaints and the organisation list, the home page's organisation summaries); a
publication, review, change of recipients or edit of reference data shows at once.
"""

import datetime
import re

from django.urls import reverse

from evidence import services as evidence_services
from responses.choices import ReviewOutcome, Status
from responses.models import Response
from tests.conftest import published_update


def progress_text(client):
    """The super-complaint's progress as its list shows it (the page is read from the cache)."""
    page = client.get(reverse("responses:supercomplaint_list"))
    (progress,) = re.findall(r"(\d+) of (\d+) expected responses completed", page.text)
    return tuple(int(number) for number in progress)


def detail_progress_text(client, world):
    page = client.get(world.super_complaint.get_absolute_url())
    return re.findall(r"(\d+) of (\d+) expected responses completed", page.text)[0]


def test_super_complaint_progress_changes_right_after_a_publication(client, world):
    client.force_login(world.outsider)
    # Forces A and B (rec 1), the Home Office (rec 2), forces and Force A PCC (rec 5); the
    # disbanded force is not expected.
    assert progress_text(client) == (0, 6)
    assert progress_text(client) == (0, 6)  # now from the cache
    published_update(world, recommendation=world.rec_1, organisation=world.force_a,
                     status=Status.COMPLETED, as_of=datetime.date(2021, 5, 1))
    assert progress_text(client) == (1, 6)


def test_super_complaint_page_changes_right_after_a_publication_or_an_edit(client, world):
    client.force_login(world.outsider)
    assert detail_progress_text(client, world) == ("0", "6")
    assert detail_progress_text(client, world) == ("0", "6")  # now from the cache
    published_update(world, recommendation=world.rec_1, organisation=world.force_a,
                     status=Status.COMPLETED, as_of=datetime.date(2021, 5, 1))
    assert detail_progress_text(client, world) == ("1", "6")

    world.super_complaint.title = "A retitled report"
    world.super_complaint.save()  # as the admin does
    assert "A retitled report" in client.get(world.super_complaint.get_absolute_url()).text


def test_organisation_list_changes_right_after_an_edit_of_an_organisation(client, world):
    client.force_login(world.outsider)
    url = reverse("responses:organisation_list")
    assert "Force A Police" in client.get(url).text
    assert "Force A Police" in client.get(url).text  # now from the cache

    world.force_a.name = "Renamed Force Police"
    world.force_a.save()  # as the admin does

    page = client.get(url)
    assert "Renamed Force Police" in page.text and "Force A Police" not in page.text
    # Each filter has its own kept page.
    showing = re.compile(r"Showing (\d+) organisations?")
    every = int(showing.search(page.text).group(1))
    bodies = int(showing.search(client.get(url, {"kind": "local_policing_body"}).text).group(1))
    assert 0 < bodies < every


def test_progress_counts_named_organisations_and_leaves_out_the_unexpected(client, world):
    client.force_login(world.outsider)
    progress_text(client)
    # The Home Office is named by rec 2 only; its "completed" on rec 1 is not expected. The
    # disbanded force is not active: its answer does not count.
    for recommendation, organisation in [(world.rec_2, world.home_office),
                                         (world.rec_1, world.home_office),
                                         (world.rec_1, world.inactive_force)]:
        Response.objects.create(recommendation=recommendation, organisation=organisation,
                                current_status=Status.COMPLETED,
                                current_status_on=datetime.date(2021, 5, 1))
    assert progress_text(client) == (1, 6)


def test_progress_changes_right_after_a_reviewer_closes_a_response(client, world):
    client.force_login(world.outsider)
    update = published_update(world, recommendation=world.rec_5, organisation=world.force_a,
                              status=Status.IN_PROGRESS, as_of=datetime.date(2021, 5, 1))
    assert progress_text(client) == (0, 6)
    evidence_services.response_review(response=update.response, reviewer=world.reviewer,
                             outcome=ReviewOutcome.CLOSED, comment="Superseded.")
    assert progress_text(client) == (1, 6)


def test_progress_changes_right_after_a_recommendations_recipients_change(client, world):
    client.force_login(world.outsider)
    assert progress_text(client) == (0, 6)
    world.rec_2.recipient_groups.add(world.chief_constables)
    world.rec_2.save()  # as the admin and the recommendations import do
    assert progress_text(client) == (0, 8)


def test_home_status_counts_change_right_after_a_publication(client, world):
    client.force_login(world.contributor)

    def completed_on_home():
        """The "Completed" row of the status counts, as the page shows it."""
        page = client.get(reverse("home"))
        return int(re.search(r">Completed</th><td[^>]*>(\d+)</td>", page.text).group(1))

    assert completed_on_home() == 0
    assert completed_on_home() == 0  # now from the cache
    published_update(world, recommendation=world.rec_1, organisation=world.force_a,
                     status=Status.COMPLETED, as_of=datetime.date(2021, 5, 1))
    assert completed_on_home() == 1


def test_home_latest_positions_change_right_after_a_publication(client, world):
    client.force_login(world.other_contributor)
    assert "Nothing published yet." in client.get(reverse("home")).text
    assert "Nothing published yet." in client.get(reverse("home")).text  # now from the cache
    published_update(world, recommendation=world.rec_1, organisation=world.force_a,
                     status=Status.COMPLETED, as_of=datetime.date(2021, 5, 1),
                     narrative="<p>Freshly published words.</p>")
    assert "Freshly published words." in client.get(reverse("home")).text


def test_home_lists_the_most_urgent_gaps_and_links_to_the_rest(client, world, monkeypatch):
    monkeypatch.setattr("workflow.selectors.home.GAP_LIMIT", 1)
    client.force_login(world.contributor)
    page = client.get(reverse("home"))
    summary, = page.context["summaries"]
    assert (len(summary.gaps), summary.gap_count) == (1, 2)
    assert "The 1 most urgent of 2 are listed" in page.text
    assert f'href="{world.force_a.get_absolute_url()}">see every recommendation' in page.text


def test_organisation_page_changes_right_after_a_publication(client, world):
    client.force_login(world.outsider)

    def statuses():
        """Each row's status tag (not its deadline tag), as the page shows it."""
        page = client.get(world.force_a.get_absolute_url())
        status_tag = r'<td class="govuk-table__cell">\s*<strong class="govuk-tag (?!app-tag)[^"]*">'
        return re.findall(status_tag + r"([^<]+)</strong>", page.text)

    assert statuses() == ["No response yet", "No response yet"]
    assert statuses() == ["No response yet", "No response yet"]  # now from the cache
    published_update(world, recommendation=world.rec_5, organisation=world.force_a,
                     status=Status.IN_PROGRESS, as_of=datetime.date(2021, 5, 1))
    assert statuses() == ["No response yet", "In progress"]
