"""Attaching files to a draft and removing them: who may, what is kept, what is refused."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evidence import services
from evidence.models import EvidenceFile
from responses import services as response_services
from responses.choices import Marking
from responses.services import PublishedUpdateIsImmutable
from tests.conftest import draft_update, submitted_update

from .helpers import (
    CSV,
    HTML_PAGE,
    PDF,
    attach,
    download_url,
    files_url,
    remove_url,
    stored_files,
    upload,
)


def post_file(client, update, *, name="policy.pdf", content=PDF, title="Domestic abuse policy",
              marking=Marking.OFFICIAL):
    return client.post(files_url(update), {
        "title": title, "marking": marking, "file": upload(name, content),
    })


def test_a_contributor_attaches_a_file_and_its_details_are_kept(world, client, response,
                                                                settings):
    update = draft_update(world, response)
    client.force_login(world.contributor)

    page = post_file(client, update, name="DA policy v3.pdf")

    assert page.status_code == 302 and page.url == files_url(update)
    evidence = EvidenceFile.objects.get()
    assert evidence.update == update
    assert evidence.title == "Domestic abuse policy"
    assert evidence.original_name == "DA policy v3.pdf"
    assert evidence.size == len(PDF)
    assert evidence.content_type == "application/pdf"
    assert evidence.uploaded_by == world.contributor
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    stored, = stored_files(settings)
    assert stored.read_bytes() == PDF
    # Stored under a random name, never the uploader's.
    assert "policy" not in stored.name and stored.suffix == ".pdf"

    listing = client.get(files_url(update)).content.decode()
    assert "DA policy v3.pdf" in listing and hashlib.sha256(PDF).hexdigest() in listing


def test_a_disguised_file_is_refused_and_the_rest_of_the_form_is_kept(world, client, response,
                                                                      settings):
    update = draft_update(world, response)
    client.force_login(world.contributor)

    page = post_file(client, update, name="report.pdf", content=HTML_PAGE,
                     title="Custody figures 2024", marking=Marking.OFFICIAL_SENSITIVE)

    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html
    assert "The selected file is not a real PDF" in html
    assert 'value="Custody figures 2024"' in html
    assert 'value="OFFICIAL-SENSITIVE" checked' in html
    assert not EvidenceFile.objects.exists()
    assert stored_files(settings) == []


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(world, client, response,
                                                                    settings):
    settings.EVIDENCE_MAX_FILE_MB = 1
    update = draft_update(world, response)
    client.force_login(world.contributor)

    page = post_file(client, update, name="figures.csv",
                     content=CSV * (1024 * 1024 // len(CSV) + 1), title="Big figures")

    html = page.content.decode()
    assert "The selected file must be smaller than 1 MB" in html
    assert 'value="Big figures"' in html
    assert not EvidenceFile.objects.exists()
    assert stored_files(settings) == []


def test_the_size_limit_is_checked_by_the_service_too(world, response, settings):
    settings.EVIDENCE_MAX_FILE_MB = 1
    update = draft_update(world, response)

    with pytest.raises(ValidationError, match="smaller than 1 MB"):
        attach(world, update, name="notes.txt", content=b"a" * (1024 * 1024 + 1))


def test_a_missing_title_and_file_are_both_reported(world, client, response):
    update = draft_update(world, response)
    client.force_login(world.contributor)

    html = client.post(files_url(update), {"title": "", "marking": "OFFICIAL"}).content.decode()

    assert "Enter a title for the file" in html and "Select a file" in html


@pytest.mark.parametrize("persona", ["other_contributor", "viewer", "reviewer", "outsider",
                                     "opcc_contributor"])
def test_only_writers_of_the_organisation_may_attach_files(world, client, response, persona,
                                                           settings):
    update = draft_update(world, response)
    client.force_login(getattr(world, persona))

    assert client.get(files_url(update)).status_code == 403
    assert post_file(client, update).status_code == 403
    assert not EvidenceFile.objects.exists()
    assert stored_files(settings) == []
    with pytest.raises(PermissionDenied):
        attach(world, update, user=getattr(world, persona))


def test_a_signed_out_visitor_is_sent_to_sign_in(world, client, response):
    update = draft_update(world, response)

    page = post_file(client, update)

    assert page.status_code == 302 and "/accounts/sign-in/" in page.url
    assert not EvidenceFile.objects.exists()


def test_a_published_updates_files_cannot_be_removed_or_replaced(world, client, response,
                                                                 settings):
    update = draft_update(world, response)
    evidence = attach(world, update)
    response_services.response_update_edit(update=update, editor=world.contributor, submit=True)
    response_services.response_update_publish(update=update, approver=world.approver)
    client.force_login(world.contributor)

    assert client.post(remove_url(evidence)).status_code == 403
    assert post_file(client, update, name="replacement.pdf").status_code == 409
    # The files page is for drafts only: it sends the user back to the response.
    assert client.get(files_url(update)).status_code == 302
    with pytest.raises(PublishedUpdateIsImmutable):
        services.evidence_file_remove(evidence_file=evidence, user=world.contributor)
    with pytest.raises(PublishedUpdateIsImmutable):
        attach(world, update)

    assert list(EvidenceFile.objects.all()) == [evidence]
    stored, = stored_files(settings)
    assert stored.read_bytes() == PDF


def test_an_update_awaiting_sign_off_takes_no_more_files(world, client, response):
    update = submitted_update(world, response)
    client.force_login(world.contributor)

    page = post_file(client, update)

    assert page.status_code == 409
    assert "cannot be changed" in page.content.decode()
    assert not EvidenceFile.objects.exists()


def test_removing_a_file_from_a_draft_deletes_it_once_committed(
    world, client, response, settings, django_capture_on_commit_callbacks
):
    update = draft_update(world, response)
    evidence = attach(world, update)
    client.force_login(world.contributor)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(remove_url(evidence))

    assert page.status_code == 302
    assert not EvidenceFile.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("persona", ["other_contributor", "viewer", "outsider"])
def test_others_cannot_remove_a_drafts_file(world, client, response, persona, settings):
    evidence = attach(world, draft_update(world, response))
    client.force_login(getattr(world, persona))

    assert client.post(remove_url(evidence)).status_code == 403
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()
    assert len(stored_files(settings)) == 1


def test_deleting_a_draft_deletes_its_files_after_the_transaction_commits(
    world, response, settings, django_capture_on_commit_callbacks
):
    update = draft_update(world, response)
    attach(world, update)
    attach(world, update, name="figures.csv", content=CSV, title="Figures")
    kept = attach(world, draft_update(world, response), title="Another draft's file")

    with django_capture_on_commit_callbacks() as callbacks:
        response_services.response_update_delete(update=update, user=world.contributor)
        # Not before the deletion is committed.
        assert len(stored_files(settings)) == 3
    for callback in callbacks:
        callback()

    assert list(EvidenceFile.objects.all()) == [kept]
    assert len(stored_files(settings)) == 1


def test_whoever_attaches_a_file_becomes_the_author_and_cannot_sign_it_off(world, response):
    update = draft_update(world, response)
    attach(world, update, user=world.approver)
    response_services.response_update_edit(update=update, editor=world.contributor, submit=True)
    update.refresh_from_db()

    # The contributor submitted without changing the text: the approver's file is the last change.
    assert update.author == world.approver
    with pytest.raises(PermissionDenied):
        response_services.response_update_publish(update=update, approver=world.approver)


def test_the_update_form_can_save_the_draft_and_go_on_to_attach_files(world, client, response):
    from tests.responses.helpers import create_url, form_data

    client.force_login(world.contributor)

    page = client.post(create_url(world), form_data(action="attach", evidence_submitted="on"))

    update = response.updates.get()
    assert page.status_code == 302 and page.url == files_url(update)
    assert update.state == "draft" and update.evidence_submitted is True


def test_the_upload_stops_being_read_past_the_limit(settings, rf):
    from django.core.files.uploadhandler import SkipFile

    from evidence.uploads import SizeLimitUploadHandler, upload_was_too_large

    settings.EVIDENCE_MAX_FILE_MB = 1
    request = rf.post("/")
    handler = SizeLimitUploadHandler(request)

    assert handler.receive_data_chunk(b"a" * 1024, 1024 * 1024 - 1024) == b"a" * 1024
    assert not upload_was_too_large(request)
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"a", 1024 * 1024)
    assert upload_was_too_large(request)


def test_the_delete_page_names_the_files_that_go_with_the_draft(world, client, response):
    from django.urls import reverse

    update = draft_update(world, response)
    attach(world, update, title="Training figures", name="figures.csv", content=CSV)
    client.force_login(world.contributor)

    html = client.get(reverse("workflow:update_delete", args=[update.pk])).content.decode()

    assert "Its attached file will be deleted too" in html
    assert "Training figures (figures.csv)" in html


# Queries: session, user, the update with its response (one query), memberships, the files (with
# their uploaders).
FILES_PAGE_QUERIES = 5


@pytest.mark.parametrize("count", [1, 10])
def test_the_files_page_makes_the_same_number_of_queries_whatever_the_files(
    world, client, response, django_assert_num_queries, count
):
    update = draft_update(world, response)
    for number in range(count):
        attach(world, update, title=f"File {number}")
    client.force_login(world.contributor)

    with django_assert_num_queries(FILES_PAGE_QUERIES):
        page = client.get(files_url(update))

    assert page.content.decode().count(">Remove<") == count


def test_the_upload_form_still_checks_the_csrf_token(world, response):
    """The view turns Django's CSRF middleware off only to check the token itself, later."""
    from django.test import Client

    update = draft_update(world, response)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.contributor)

    refused = post_file(client, update)
    client.get(files_url(update))  # sets the CSRF cookie
    accepted = client.post(files_url(update), {
        "title": "Policy", "marking": "OFFICIAL", "file": upload(),
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
    })

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert EvidenceFile.objects.count() == 1


def test_a_returned_update_takes_files_again(world, client, response):
    update = submitted_update(world, response)
    response_services.response_update_return(update=update, approver=world.approver,
                                             comment="Attach the policy.")
    client.force_login(world.contributor)

    page = post_file(client, update)

    assert page.status_code == 302
    assert EvidenceFile.objects.get().update == update


# Names that break a naive multipart header: Django's test client writes them into the form
# unescaped, as some clients do, so the server reads `evil.exe` or `"line` for a name.
@pytest.mark.parametrize("name", ['a"; filename=evil.exe; x=".pdf', "line\r\nbreak.pdf",
                                  "line\nbreak.pdf", "tab\there.pdf"])
def test_a_good_file_is_accepted_whatever_its_name_and_kept_under_a_safe_one(
        world, client, response, name, settings):
    update = draft_update(world, response)
    client.force_login(world.contributor)

    page = post_file(client, update, name=name)

    assert page.status_code == 302, page.content.decode()
    evidence = EvidenceFile.objects.get()
    assert evidence.content_type == "application/pdf"
    assert evidence.original_name.endswith(".pdf")
    assert not set(evidence.original_name) & set('"\'\r\n\t/\\')
    stored, = stored_files(settings)
    assert stored.read_bytes() == PDF


def _multipart(filename_in_header, content=PDF):
    """A form as a browser or curl writes it, the file's name already escaped by the client."""
    boundary = b"----EvidenceBoundary"
    return boundary.decode(), b"".join([
        b"--", boundary, b'\r\nContent-Disposition: form-data; name="title"\r\n\r\nPolicy\r\n',
        b"--", boundary, b'\r\nContent-Disposition: form-data; name="marking"\r\n\r\n',
        Marking.OFFICIAL.value.encode(), b"\r\n",
        b"--", boundary, b'\r\nContent-Disposition: form-data; name="file"; filename="',
        filename_in_header, b'"\r\nContent-Type: application/pdf\r\n\r\n', content, b"\r\n",
        b"--", boundary, b"--\r\n",
    ])


@pytest.mark.parametrize(
    ("filename_in_header", "kept"),
    [
        # Browsers percent-encode a quote and line breaks (the HTML standard's form encoding).
        (b"a%22; filename=evil.exe; x=%22.pdf", "a; filename=evil.exe; x=.pdf"),
        (b"line%0D%0Abreak.pdf", "line break.pdf"),
        # curl escapes a quote with a backslash.
        (b'a\\"; filename=evil.exe; x=\\".pdf', "a; filename=evil.exe; x=.pdf"),
    ],
)
def test_a_name_as_clients_escape_it_is_kept_without_quotes_or_line_breaks(
        world, client, response, filename_in_header, kept):
    update = draft_update(world, response)
    client.force_login(world.contributor)
    boundary, body = _multipart(filename_in_header)

    page = client.generic("POST", files_url(update), body,
                          content_type=f"multipart/form-data; boundary={boundary}")

    assert page.status_code == 302, page.content.decode()
    assert EvidenceFile.objects.get().original_name == kept
    download = client.get(download_url(EvidenceFile.objects.get()))
    disposition = download["Content-Disposition"]
    # One name, in Django's own quoting: nothing of the upload's name adds a parameter.
    assert disposition.count("filename=") + disposition.count("filename*=") == 1
    assert disposition.startswith("attachment; filename")
    assert not set(disposition) & set("\r\n\\")
