"""Downloading evidence: the update's visibility, need-to-know for sensitive files, headers."""

import hashlib

import pytest

from responses import services as response_services
from responses.choices import Marking
from tests.conftest import draft_update, submitted_update

from .helpers import CSV, HTML_PAGE, PDF, attach, download_url


def publish(world, update):
    response_services.response_update_edit(update=update, editor=world.contributor, submit=True)
    return response_services.response_update_publish(update=update, approver=world.approver)


def body(download):
    return b"".join(download.streaming_content)


def test_a_download_is_an_attachment_of_the_checked_type_never_sniffed_or_cached(
    world, client, response
):
    evidence = attach(world, draft_update(world, response), name='DA "policy"; v3.pdf')
    client.force_login(world.contributor)

    download = client.get(download_url(evidence))

    assert download.status_code == 200
    assert body(download) == PDF
    assert download["Content-Type"] == "application/pdf"
    # Kept as "DA policy; v3.pdf" (no quotes), downloaded with only safe characters.
    assert evidence.original_name == "DA policy; v3.pdf"
    assert download["Content-Disposition"] == 'attachment; filename="DA policy_ v3.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]


def test_a_file_named_in_another_alphabet_keeps_its_name(world, client, response):
    evidence = attach(world, draft_update(world, response), name="Ystadegau März.csv", content=CSV)
    client.force_login(world.contributor)

    download = client.get(download_url(evidence))

    assert download["Content-Type"] == "text/csv"
    assert download["Content-Disposition"] == (
        "attachment; filename*=utf-8''Ystadegau%20M%C3%A4rz.csv"
    )


def test_the_hash_shown_is_the_hash_of_the_file_downloaded(world, client, response):
    evidence = attach(world, draft_update(world, response))
    client.force_login(world.contributor)

    downloaded = body(client.get(download_url(evidence)))

    assert evidence.sha256 == hashlib.sha256(downloaded).hexdigest()
    page = client.get(response.get_absolute_url()).content.decode()
    shown = f'SHA-256: <code class="app-evidence__hash">{hashlib.sha256(downloaded).hexdigest()}'
    assert shown in page


@pytest.mark.parametrize("make", [draft_update, submitted_update])
@pytest.mark.parametrize("persona", ["other_contributor", "outsider", "reviewer",
                                     "opcc_contributor"])
def test_an_unpublished_updates_files_stay_inside_the_organisation(world, client, response,
                                                                    make, persona):
    evidence = attach(world, draft_update(world, response))
    if make is submitted_update:
        response_services.response_update_edit(update=evidence.update, editor=world.contributor,
                                               submit=True)
    client.force_login(getattr(world, persona))

    download = client.get(download_url(evidence))
    page = client.get(response.get_absolute_url()).content.decode()

    assert download.status_code == 404
    assert download_url(evidence) not in page and "Domestic abuse policy" not in page

    for member in (world.contributor, world.approver, world.viewer):
        client.force_login(member)
        assert client.get(download_url(evidence)).status_code == 200


def test_a_signed_out_caller_gets_no_file_at_all(world, client, response):
    draft_file = attach(world, draft_update(world, response), title="Draft file")
    published = attach(world, draft_update(world, response, as_of=draft_file.update.as_of),
                       title="Published file")
    sensitive = attach(world, published.update, title="Sensitive file",
                       marking=Marking.OFFICIAL_SENSITIVE)
    publish(world, published.update)

    for evidence in (draft_file, published, sensitive):
        download = client.get(download_url(evidence))
        assert download.status_code == 302
        assert download.url.startswith("/accounts/sign-in/")
        assert not getattr(download, "streaming", False)


@pytest.mark.parametrize("sensitive_update", [False, True])
def test_a_sensitive_file_is_only_for_those_who_need_to_know(world, client, response,
                                                             sensitive_update):
    marking = Marking.OFFICIAL_SENSITIVE if sensitive_update else Marking.OFFICIAL
    update = draft_update(world, response, marking=marking)
    sensitive = attach(world, update, title="Custody figures",
                       marking=Marking.OFFICIAL if sensitive_update else Marking.OFFICIAL_SENSITIVE)
    publish(world, update)

    for persona in ("other_contributor", "outsider"):
        client.force_login(getattr(world, persona))
        assert client.get(download_url(sensitive)).status_code == 404
        page = client.get(response.get_absolute_url()).content.decode()
        assert "An OFFICIAL-SENSITIVE file" in page
        assert "Custody figures" not in page and download_url(sensitive) not in page

    # The organisation, its paired body and national reviewers need to know.
    for persona in ("contributor", "viewer", "opcc_contributor", "reviewer"):
        client.force_login(getattr(world, persona))
        assert client.get(download_url(sensitive)).status_code == 200, persona
        assert "Custody figures" in client.get(response.get_absolute_url()).content.decode()


def test_a_published_official_file_is_for_everyone_signed_in(world, client, response):
    update = draft_update(world, response)
    evidence = attach(world, update)
    publish(world, update)

    for persona in ("other_contributor", "outsider", "reviewer"):
        client.force_login(getattr(world, persona))
        assert body(client.get(download_url(evidence))) == PDF


def test_even_a_stored_html_file_would_download_as_an_attachment(world, client, response):
    """Belt and braces: whatever is stored is never served as a page of this site."""
    evidence = attach(world, draft_update(world, response))
    evidence.file.storage.delete(evidence.file.name)
    evidence.file.storage.save(evidence.file.name, __import__("io").BytesIO(HTML_PAGE))
    client.force_login(world.contributor)

    download = client.get(download_url(evidence))

    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]


def test_a_missing_file_is_not_found(world, client):
    client.force_login(world.contributor)

    assert client.get("/evidence/999999/download/").status_code == 404


# Session, user, the file with its update, response and organisation, memberships.
DOWNLOAD_QUERIES = 4


@pytest.mark.parametrize("persona", ["contributor", "reviewer"])
def test_a_download_makes_a_fixed_number_of_queries(world, client, response, persona,
                                                   django_assert_num_queries):
    update = draft_update(world, response, marking=Marking.OFFICIAL_SENSITIVE)
    evidence = attach(world, update)
    publish(world, update)
    client.force_login(getattr(world, persona))

    with django_assert_num_queries(DOWNLOAD_QUERIES):
        assert body(client.get(download_url(evidence))) == PDF


def test_a_file_lost_from_the_store_is_not_found_rather_than_an_error(world, client, response):
    evidence = attach(world, draft_update(world, response))
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(world.contributor)

    assert client.get(download_url(evidence)).status_code == 404
