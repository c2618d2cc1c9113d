"""
Issue 22: evidence files are chosen on the new update form itself and attached when the update
is saved (as a draft, or on its way to sign-off), not only after "Save draft and attach files".
"""

import pytest

from evidence.models import EvidenceFile
from responses.choices import Marking, WorkflowState
from responses.models import ResponseUpdate
from tests.responses.helpers import create_url, form_data

from .helpers import CSV, HTML_PAGE, PDF, upload

pytestmark = pytest.mark.django_db


def test_the_new_update_form_offers_files_on_its_first_screen(world, client):
    client.force_login(world.contributor)
    html = client.get(create_url(world)).text
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="attachments"' in html and "multiple" in html
    assert "Files (optional)" in html


def test_files_chosen_on_the_form_are_saved_with_the_draft(world, client):
    client.force_login(world.contributor)
    page = client.post(create_url(world), {
        **form_data(marking=Marking.OFFICIAL_SENSITIVE),
        "attachments": [upload("Training figures.pdf", PDF),
                        upload("officers.csv", CSV, "text/csv")],
    })
    assert page.status_code == 302
    update = ResponseUpdate.objects.get()
    assert update.state == WorkflowState.DRAFT
    files = list(update.evidence_files.order_by("original_name"))
    assert [(f.title, f.original_name, f.marking, f.uploaded_by) for f in files] == [
        ("Training figures", "Training figures.pdf", Marking.OFFICIAL_SENSITIVE,
         world.contributor),
        ("officers", "officers.csv", Marking.OFFICIAL_SENSITIVE, world.contributor),
    ]
    assert client.get(page.url).text.count("Training figures") >= 1


def test_files_go_with_an_update_submitted_for_sign_off(world, client):
    client.force_login(world.contributor)
    client.post(create_url(world), {
        **form_data(action="submit"), "attachments": [upload("policy.pdf", PDF)],
    })
    update = ResponseUpdate.objects.get()
    assert update.state == WorkflowState.AWAITING_SIGN_OFF
    assert update.evidence_files.count() == 1


def test_a_file_refused_keeps_everything_typed_and_saves_nothing(world, client):
    client.force_login(world.contributor)
    page = client.post(create_url(world), {
        **form_data(narrative="Kept after the error."),
        "attachments": [upload("policy.pdf", PDF), upload("page.html", HTML_PAGE, "text/html")],
    })
    assert page.status_code == 200
    assert "There is a problem" in page.text
    assert "page.html: " in page.text
    assert "Choose the files again" in page.text
    assert "Kept after the error." in page.text
    assert not ResponseUpdate.objects.exists()
    assert not EvidenceFile.objects.exists()


def test_a_user_of_another_organisation_cannot_attach_files_there(world, client):
    client.force_login(world.other_contributor)  # of force B, posting to force A's response
    page = client.post(create_url(world), {
        **form_data(), "attachments": [upload("policy.pdf", PDF)],
    })
    assert page.status_code == 403
    assert not ResponseUpdate.objects.exists()
    assert not EvidenceFile.objects.exists()


def test_the_same_form_posted_twice_attaches_its_files_once(world, client):
    client.force_login(world.contributor)
    data = form_data(form_token="6f1b7c1e-8d0c-4b8e-9a53-2f3a4f0e1d11")
    client.post(create_url(world), {**data, "attachments": [upload("policy.pdf", PDF)]})
    client.post(create_url(world), {**data, "attachments": [upload("policy.pdf", PDF)]})
    assert ResponseUpdate.objects.count() == 1
    assert EvidenceFile.objects.count() == 1
