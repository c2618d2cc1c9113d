"""
Issue 22: a month-only date and an OFFICIAL - REDACTED text read the same on every page,
export, document and in the API.
"""

import datetime

from django.urls import reverse

from evidence.forms import evidence_label
from responses.choices import DatePrecision, Marking, Status
from responses.models import ResponseUpdate
from tests.conftest import published_update

NOVEMBER = datetime.date(2026, 11, 1)


def month_only_update(world, **fields):
    return published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                            as_of=NOVEMBER, as_of_precision=DatePrecision.MONTH,
                            status=Status.IN_PROGRESS, public=True, **fields)


def compare_url(world):
    return reverse("responses:recommendation_compare",
                   args=[world.super_complaint.slug, world.rec_1.number])


def test_a_month_only_date_reads_as_the_month_in_the_reviewers_list_of_files(world):
    update = month_only_update(world)

    class File:
        title, original_name, size = "Policy", "policy.pdf", 2048

    File.update = ResponseUpdate.objects.get(pk=update.pk)

    label = evidence_label(File)

    assert label.endswith("update as of November 2026")
    assert "1 November" not in label


def test_the_api_says_the_month_and_gives_the_precision(client, world):
    month_only_update(world, narrative="<p>November words.</p>")

    (result,) = client.get(reverse("api:response_list")).json()["results"]

    assert (result["status_on"], result["status_on_precision"], result["status_on_label"]) == (
        "2026-11-01", "month", "November 2026")
    (update,) = result["updates"]
    assert (update["as_of"], update["as_of_precision"], update["as_of_label"]) == (
        "2026-11-01", "month", "November 2026")


def test_an_exact_date_in_the_api_says_the_day(client, world):
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     as_of=datetime.date(2026, 11, 14), public=True)

    (result,) = client.get(reverse("api:response_list")).json()["results"]

    assert (result["status_on_precision"], result["status_on_label"]) == ("day", "14 November 2026")
    assert result["updates"][0]["as_of_label"] == "14 November 2026"


def test_the_api_shows_a_redacted_text_as_withheld_with_its_marking(client, world):
    month_only_update(world, marking=Marking.OFFICIAL_REDACTED,
                      narrative="<p>We met [redacted] on Tuesday.</p>")

    body = client.get(reverse("api:response_list")).content.decode()
    (update,) = client.get(reverse("api:response_list")).json()["results"][0]["updates"]

    assert update["narrative"] == "<p>We met [text withheld] on Tuesday.</p>"
    assert (update["marking"], update["marking_label"]) == (
        "OFFICIAL-REDACTED", "OFFICIAL - REDACTED")
    assert "[redacted]" not in body


def test_the_side_by_side_comparison_shows_a_redacted_text_as_withheld_with_its_marking(
        client, world):
    month_only_update(world, marking=Marking.OFFICIAL_REDACTED,
                      narrative="<p>We met [REDACTED] on Tuesday.</p>")
    published_update(world, organisation=world.force_b, recommendation=world.rec_1,
                     narrative="<p>Bravo text.</p>", author=world.other_contributor,
                     approver=world.other_approver)
    client.force_login(world.outsider)

    page = client.get(compare_url(world), {"organisation": ["force-a", "force-b"]}).text

    assert 'We met <span class="app-redacted">[text withheld]</span> on Tuesday.' in page
    assert "<strong>OFFICIAL - REDACTED</strong>: some words were withheld" in page
    assert "[redacted]" not in page.lower()
    assert "As of November 2026" in page


def test_the_comparison_table_and_its_export_show_a_redacted_text_as_withheld(client, world):
    month_only_update(world, marking=Marking.OFFICIAL_REDACTED,
                      narrative="<p>We met [redacted] on Tuesday.</p>")
    client.force_login(world.outsider)
    args = [world.super_complaint.slug, world.rec_1.number]

    page = client.get(reverse("responses:recommendation_detail", args=args)).text
    export = client.get(reverse("responses:recommendation_export", args=args)).content.decode()

    for shown in (page, export):
        assert "We met [text withheld] on Tuesday." in shown
        assert "[redacted]" not in shown
    assert "2026-11" in export and "2026-11-01" not in export
