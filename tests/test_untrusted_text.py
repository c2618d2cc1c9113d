"""
Text that arrives from fixtures, imports, bulk updates or other organisations' names never turns
into a live script link or a spreadsheet formula.
"""

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.template.loader import render_to_string
from django.urls import reverse

from recommendations.models import Organisation, Recommendation, SuperComplaint
from responses import services
from responses.models import ResponseUpdate

pytestmark = pytest.mark.django_db

BAD_URLS = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://example.org/report.pdf",
    "//evil.example/report",
]


# --- A super-complaint's report URL ----------------------------------------------------------

@pytest.mark.parametrize("url", BAD_URLS)
def test_full_clean_refuses_a_report_url_that_is_not_a_web_address(world, url):
    world.super_complaint.report_url = url

    with pytest.raises(ValidationError) as raised:
        world.super_complaint.full_clean()

    assert "report_url" in raised.value.message_dict or "__all__" in raised.value.message_dict


@pytest.mark.parametrize("url", BAD_URLS[:5])
def test_the_database_refuses_it_when_full_clean_is_skipped(world, url):
    with pytest.raises(IntegrityError), transaction.atomic():
        SuperComplaint.objects.filter(pk=world.super_complaint.pk).update(report_url=url)


def test_loaddata_cannot_store_a_javascript_report_url(world, tmp_path):
    fixture = tmp_path / "bad.json"
    fixture.write_text(json.dumps([{
        "model": "recommendations.supercomplaint",
        "fields": {
            "slug": "bad", "title": "Bad", "short_title": "Bad", "complainants": "X",
            "status": "report_published", "report_url": "javascript:alert(1)",
        },
    }]))

    with pytest.raises(IntegrityError), transaction.atomic():
        call_command("loaddata", str(fixture), verbosity=0)

    assert not SuperComplaint.objects.filter(slug="bad").exists()


def test_web_report_urls_are_stored_and_linked(world, client):
    world.super_complaint.report_url = "HTTPS://www.gov.uk/report"
    world.super_complaint.full_clean()
    world.super_complaint.save()
    client.force_login(world.contributor)

    page = client.get(world.super_complaint.get_absolute_url())

    assert 'href="HTTPS://www.gov.uk/report"' in page.text


def test_the_page_never_links_a_report_url_that_is_not_a_web_address(world, client):
    # As if stored before the constraint: the page itself must still refuse to link it.
    world.super_complaint.report_url = "javascript:alert(1)"
    assert world.super_complaint.report_link == ""

    html = render_to_string(
        "responses/supercomplaint_detail.html",
        {"super_complaint": world.super_complaint, "recommendations": []},
    )
    assert "javascript:" not in html
    assert "Read the report" not in html


def test_the_admin_refuses_a_javascript_report_url(world, client):
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.com", "x"))
    url = reverse("admin:recommendations_supercomplaint_change", args=[world.super_complaint.pk])

    page = client.post(url, {
        "slug": "safe-to-share", "title": "Safe to share?", "short_title": "Safe to share?",
        "complainants": "Liberty", "status": "report_published",
        "report_url": "javascript:alert(1)", "comments_due_after_days": 56,
        "progress_update_due_after_months": 6,
    })

    assert page.status_code == 200
    assert "Enter a valid URL." in page.text
    world.super_complaint.refresh_from_db()
    assert world.super_complaint.report_url == ""


# --- Rich-text links -------------------------------------------------------------------------

@pytest.mark.parametrize("href", [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
])
def test_rich_text_links_keep_no_script_href_whatever_way_in(world, href):
    html = f'<p><a href="{href}">click</a></p>'
    recommendation = Recommendation.objects.create(
        super_complaint=world.super_complaint, number="9", text=html, notes=html
    )
    Recommendation.objects.filter(pk=recommendation.pk).update(text=Value(html))
    recommendation.refresh_from_db()

    for stored in (recommendation.text, recommendation.notes):
        assert "script:" not in stored.lower()
        assert "data:" not in stored
        assert "click" in stored


# --- Bulk updates and data migrations on rich-text fields ------------------------------------

def test_a_bulk_update_with_a_value_is_sanitised(world):
    Recommendation.objects.filter(pk=world.rec_1.pk).update(
        notes=Value("<script>x</script><p>ok</p>")
    )

    assert Recommendation.objects.get(pk=world.rec_1.pk).notes == "<p>ok</p>"


def test_a_bulk_update_with_f_copies_the_other_column(world):
    Recommendation.objects.filter(pk=world.rec_1.pk).update(notes=F("text"))

    assert Recommendation.objects.get(pk=world.rec_1.pk).notes == "<p>Stop sharing.</p>"


def test_saving_an_instance_with_an_expression_works(world):
    recommendation = world.rec_2
    recommendation.notes = F("text")
    recommendation.save()
    recommendation.refresh_from_db()
    recommendation.text = Value("<p onclick='x()'>Law</p><script>y</script>")
    recommendation.save()
    recommendation.refresh_from_db()

    assert recommendation.notes == "<p>Review the law.</p>"
    assert recommendation.text == "<p>Law</p>"


def test_a_bulk_update_of_narratives_works(world):
    response = services.response_get_or_create(recommendation=world.rec_1,
                                               organisation=world.force_a)
    update = services.response_update_create(
        response=response, author=world.contributor, as_of="2021-05-01", status="in_progress",
        narrative="<p>Old.</p>",
    )

    ResponseUpdate.objects.filter(pk=update.pk).update(narrative=Value("<p>New</p><img src=x>"))

    assert ResponseUpdate.objects.get(pk=update.pk).narrative == "<p>New</p>"


# --- CSV exports -----------------------------------------------------------------------------

def test_organisation_names_in_the_matrix_header_are_not_formulas(world, client):
    Organisation.objects.filter(pk=world.force_b.pk).update(name='=HYPERLINK("http://x","y")')
    Organisation.objects.filter(pk=world.force_a.pk).update(name="+cmd|' /C calc'!A0")
    client.force_login(world.contributor)

    export = client.get(reverse("responses:matrix_export", args=[world.super_complaint.slug]))

    header = next(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert "'=HYPERLINK(\"http://x\",\"y\")" in header
    assert "'+cmd|' /C calc'!A0" in header
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in header)
