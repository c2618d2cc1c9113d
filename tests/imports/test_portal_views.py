"""The portal import pages: who may upload, the preview, the confirmation, and query counts."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from imports.models import ImportFile
from responses.models import Response, ResponseUpdate

from .helpers import portal_file, portal_row

MAY = "<p>DCI Smith</p><p>May 2021</p>"
UPLOAD = reverse("imports:portal_upload")

# Session + user, then the page's own queries; the same whatever the number of rows.
QUERY_COUNTS = {
    "upload_form": 5,  # + memberships, organisations, super-complaints
    "upload_refused": 12,
    # + memberships, the upload, what its kept plan depends on (one aggregate): planned once,
    # at upload, not on every view.
    "preview": 5,
    "confirm": 45,  # signed off by a second approver: + the uploader's memberships, the signer
}


def upload(client, world, content, organisation=None, name="export.txt"):
    return client.post(UPLOAD, {
        "organisation": (organisation or world.force_a).pk,
        "super_complaint": world.super_complaint.pk,
        "file": SimpleUploadedFile(name, content),
    })


def act(client, location, action, sha256=None, **extra):
    """Post one of the preview's buttons for the upload at `location`."""
    sha256 = sha256 or ImportFile.objects.get(pk=location.split("/")[-2]).sha256
    return client.post(location, {"sha256": sha256, "action": action, **extra})


def rows(count):
    return [portal_row(1 if i % 2 else 5, f"#{i}", f"<p>Lead {i}</p><p>{i % 12 + 1}/2020</p>",
                       f"<p>Update {i}.</p>") for i in range(count)]


def test_an_admin_uploads_previews_and_confirms(client, world, admin_user):
    client.force_login(admin_user)
    page = upload(client, world, portal_file([portal_row(1, "#1", MAY), portal_row(5, "#5", "")]))
    import_file = ImportFile.objects.get()
    assert page.status_code == 302
    assert page["Location"] == reverse("imports:portal_preview", args=[import_file.pk])
    assert not Response.objects.exists()

    preview = client.get(page["Location"])
    text = preview.content.decode()
    assert "Check what will be imported" in text
    assert "#1" in text and "#5" in text and "May 2021" in text and "from row 4" in text
    assert "Publish 2 updates" in text

    # Publishing with no second approver is a decision the admin must state.
    refused = act(client, page["Location"], "publish")
    assert "Confirm that you publish these positions without a second approver" in (
        refused.content.decode())
    assert not ResponseUpdate.objects.exists()

    done = act(client, page["Location"], "publish", publish_alone="on")
    assert done.status_code == 302
    assert done["Location"] == world.force_a.get_absolute_url()
    assert ResponseUpdate.objects.filter(imported_by=admin_user,
                                         signed_off_by=admin_user).count() == 2
    followed = client.get(done["Location"])
    assert "2 updates published from the monitoring-portal export" in followed.content.decode()

    # The audit trail names who imported each update, and the upload's confirmation.
    update = ResponseUpdate.objects.first()
    assert LogEntry.objects.get_for_object(update).get().actor == admin_user
    assert LogEntry.objects.get_for_object(import_file).filter(actor=admin_user).count() == 2
    # The response's history names the import and its user.
    history = client.get(Response.objects.get(recommendation=world.rec_1).get_absolute_url())
    assert ("imported a published update as of May 2021 from the monitoring portal"
            in history.content.decode())

    # Confirming twice writes nothing more.
    act(client, page["Location"], "publish", publish_alone="on")
    assert ResponseUpdate.objects.count() == 2


def test_an_approvers_export_is_published_by_another_approver_of_the_organisation(
    client, world, second_approver
):
    client.force_login(world.approver)
    page = upload(client, world, portal_file([portal_row(1, "#1", MAY)]))
    location = page["Location"]
    assert "Send 1 update for sign-off" in client.get(location).content.decode()
    # The uploader may not publish alone, not even by posting the button they are not shown.
    assert act(client, location, "publish", publish_alone="on").status_code == 403
    assert act(client, location, "approve").status_code == 403

    sent = act(client, location, "submit")
    assert sent["Location"] == reverse("imports:home")
    assert not ResponseUpdate.objects.exists()
    home = client.get(sent["Location"]).content.decode()
    assert "Sent for sign-off: another approver of Force A Police" in home
    assert "awaiting sign-off since" in home
    assert "Another approver of Force A Police must check" in client.get(location).content.decode()

    client.force_login(second_approver)
    home = client.get(reverse("imports:home")).content.decode()
    assert "Exports to sign off (1)" in home and location in home
    preview = client.get(location).content.decode()
    assert "Approve and publish 1 update" in preview and "Return without publishing" in preview
    done = act(client, location, "approve")
    assert done["Location"] == world.force_a.get_absolute_url()
    update = ResponseUpdate.objects.get()
    assert (update.imported_by, update.signed_off_by) == (world.approver, second_approver)
    assert ImportFile.objects.get().signed_off_by == second_approver
    # The response's timeline names both.
    page = client.get(update.response.get_absolute_url()).content.decode()
    assert "Imported from the monitoring portal by Bob" in page
    assert "Signed off by" in page and "Beth" in page


def test_an_export_sent_for_sign_off_can_be_returned_unpublished(client, world, second_approver):
    client.force_login(world.approver)
    location = upload(client, world, portal_file([portal_row(1, "#1", MAY)]))["Location"]
    act(client, location, "submit")

    client.force_login(second_approver)
    assert act(client, location, "return").status_code == 302
    assert not ResponseUpdate.objects.exists()
    # Returned, it is no longer the second approver's to act on.
    assert client.get(location).status_code == 404
    assert act(client, location, "approve").status_code == 404

    client.force_login(world.approver)
    assert "Returned by Beth" in client.get(location).content.decode()
    assert "returned on" in client.get(reverse("imports:home")).content.decode()


def test_only_an_approver_of_the_organisation_sees_an_export_sent_for_sign_off(
    client, world, admin_user
):
    client.force_login(world.approver)
    location = upload(client, world, portal_file([portal_row(1, "#1", MAY)]))["Location"]
    act(client, location, "submit")
    for user in (world.contributor, world.other_approver, world.reviewer, admin_user):
        client.force_login(user)
        assert client.get(location).status_code == 404
        assert act(client, location, "approve").status_code == 404
    assert not ResponseUpdate.objects.exists()


def test_staff_status_alone_gives_no_import(client, world, plain_staff):
    client.force_login(plain_staff)
    assert client.get(reverse("imports:home")).status_code == 403
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, world, portal_file([portal_row(1, "#1", MAY)])).status_code == 403
    assert client.get(reverse("imports:recommendations_upload")).status_code == 403
    assert not ImportFile.objects.exists()


def test_an_approver_cannot_import_for_another_organisation(client, world):
    client.force_login(world.other_approver)
    page = upload(client, world, portal_file([portal_row(1, "#1", MAY)]),
                  organisation=world.force_a)
    assert page.status_code == 200
    assert "Select an organisation you can import for" in page.content.decode()
    assert not ImportFile.objects.exists()


@pytest.mark.parametrize("persona", ["contributor", "viewer", "reviewer", "outsider"])
def test_others_cannot_upload(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, world, portal_file([portal_row(1, "#1", MAY)])).status_code == 403
    assert not ImportFile.objects.exists()


def test_someone_elses_upload_cannot_be_previewed_or_confirmed(client, world, admin_user):
    client.force_login(world.approver)
    page = upload(client, world, portal_file([portal_row(1, "#1", MAY)]))
    import_file = ImportFile.objects.get()
    client.force_login(admin_user)
    assert client.get(page["Location"]).status_code == 404
    assert client.post(page["Location"], {"sha256": import_file.sha256}).status_code == 404
    assert not ResponseUpdate.objects.exists()


def test_a_confirmation_naming_another_file_writes_nothing(client, world, admin_user):
    client.force_login(admin_user)
    page = upload(client, world, portal_file([portal_row(1, "#1", MAY)]))
    answer = act(client, page["Location"], "publish", "0" * 64, publish_alone="on")
    assert answer.status_code == 200
    assert "The file is not the one previewed" in answer.content.decode()
    assert not ResponseUpdate.objects.exists()


def test_a_bad_row_shows_the_error_summary_naming_it(client, world):
    client.force_login(world.approver)
    bad = rows(30)
    bad[20] = portal_row(9, "#9", MAY)
    page = upload(client, world, portal_file(bad))
    text = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in text
    assert ('<a href="#id_file">Row 24, column SUPER-COMPLAINT RECOMMENDATION: Safe to share? '
            "has no recommendation 9</a>") in text
    assert not ImportFile.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused(client, world):
    client.force_login(world.approver)
    page = upload(client, world, b"%PDF-1.4\x00\x01", name="export.pdf")
    assert "The selected file must be a CSV, a tab-separated text file" in page.content.decode()
    page = upload(client, world, b"\x89PNG\r\n\x1a\n\x00\x00", name="export.csv")
    assert "The file must be a spreadsheet" in page.content.decode()


def test_a_file_over_the_size_limit_is_refused(client, world, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(world.approver)
    page = upload(client, world, b"x" * (1024 * 1024 + 1))
    assert "The selected file must be smaller than 1 MB" in page.content.decode()


def test_query_counts_are_pinned(client, world, django_assert_num_queries):
    client.force_login(world.approver)
    with django_assert_num_queries(QUERY_COUNTS["upload_form"]):
        assert client.get(UPLOAD).status_code == 200
    bad = rows(5)
    bad[2] = portal_row(9, "#9", MAY)
    with django_assert_num_queries(QUERY_COUNTS["upload_refused"]):
        assert upload(client, world, portal_file(bad)).status_code == 200
    bad = rows(50)
    bad[2] = portal_row(9, "#9", MAY)
    with django_assert_num_queries(QUERY_COUNTS["upload_refused"]):
        assert upload(client, world, portal_file(bad)).status_code == 200

    for count in (5, 50):
        page = upload(client, world, portal_file(rows(count)))
        with django_assert_num_queries(QUERY_COUNTS["preview"]):
            assert client.get(page["Location"]).status_code == 200


def test_the_home_page_links_importers_to_the_imports(client, world):
    client.force_login(world.approver)
    assert reverse("imports:home") in client.get("/").content.decode()
    client.force_login(world.contributor)
    assert reverse("imports:home") not in client.get("/").content.decode()


def test_the_confirmation_costs_a_fixed_number_of_queries_plus_one_audit_entry_per_update(
    client, world, second_approver, django_assert_num_queries
):
    for count in (4, 40):
        Response.objects.all().delete()
        client.force_login(world.approver)
        page = upload(client, world, portal_file(rows(count)))
        sha256 = ImportFile.objects.get(pk=page["Location"].split("/")[-2]).sha256
        act(client, page["Location"], "submit")
        client.force_login(second_approver)
        ContentType.objects.clear_cache()  # as in a fresh process: the log looks its types up
        # The rows touch the same two responses. The updates are inserted in as few batches as
        # the database allows (SQLite caps the parameters of one statement), and
        # django-auditlog writes one entry for each.
        fields = [f for f in ResponseUpdate._meta.concrete_fields if not f.primary_key]
        batch = connection.ops.bulk_batch_size(fields, [None] * count) or count
        extra_batches = -(-count // batch) - 1
        with django_assert_num_queries(QUERY_COUNTS["confirm"] + count + extra_batches):
            assert act(client, page["Location"], "approve", sha256).status_code == 302
        assert ResponseUpdate.objects.count() == count


def test_old_uploads_are_cleared(client, world, admin_user, time_machine):
    from django.core.management import call_command

    client.force_login(admin_user)
    page = upload(client, world, portal_file([portal_row(1, "#1", MAY)]))
    act(client, page["Location"], "publish", publish_alone="on")
    upload(client, world, portal_file([portal_row(5, "#5", MAY)]))
    time_machine.move_to(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=8))
    call_command("clear_import_files", verbosity=0)
    applied = ImportFile.objects.get()
    assert applied.applied_at and bytes(applied.content) == b""


def test_a_long_preview_shows_its_rows_a_page_at_a_time(client, world):
    client.force_login(world.approver)
    page = upload(client, world, portal_file(rows(250)))
    first = client.get(page["Location"]).content.decode()
    assert "Rows 1 to 100 of 250" in first
    assert "Send 250 updates for sign-off" in first
    last = client.get(page["Location"] + "?page=3").content.decode()
    assert "Rows 201 to 250 of 250" in last
    assert ">253<" in last  # the file's last line


def test_the_imports_page_offers_what_the_user_may_import(client, world, admin_user,
                                                          django_assert_num_queries):
    client.force_login(world.approver)
    # session, user, memberships, exports to sign off, their own exports
    with django_assert_num_queries(5):
        text = client.get(reverse("imports:home")).content.decode()
    assert UPLOAD in text
    assert reverse("imports:recommendations_upload") not in text
    client.force_login(admin_user)
    assert reverse("imports:recommendations_upload") in client.get(
        reverse("imports:home")).content.decode()
    client.force_login(world.contributor)
    assert client.get(reverse("imports:home")).status_code == 403


def test_the_preview_says_a_month_already_held_as_an_exact_date_is_not_imported(client, world,
                                                                               admin_user):
    from responses.choices import Status
    from tests.conftest import published_update

    published_update(world, recommendation=world.rec_1, organisation=world.force_a,
                     as_of=datetime.date(2021, 5, 1), status=Status.COMPLETED,
                     portal_reference="#1")
    client.force_login(admin_user)
    page = upload(client, world, portal_file([portal_row(1, "#1", MAY)]))

    text = client.get(page["Location"]).content.decode()

    assert "Nothing: already held: the update as of 1 May 2021 (Completed)" in text
