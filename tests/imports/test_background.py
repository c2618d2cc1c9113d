"""
Large imports are checked and applied by the task worker (django-tasks' database backend and its
`db_worker`), with their progress on the page; every upload is planned once, not on every view.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from imports import selectors
from imports.models import ImportFile
from responses.models import ResponseUpdate

from .helpers import portal_file, portal_row
from .test_portal_views import MAY, act, rows, upload

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def every_upload_is_large(settings, monkeypatch):
    """
    Every file goes to the worker, which only runs when the test runs it. The worker checks its
    database connection before each task and drops one left outside autocommit, as the test's
    own transaction is: here it works inside that transaction instead.
    """
    from django_tasks_db.management.commands import db_worker

    settings.IMPORT_BACKGROUND_ABOVE_KB = 0
    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_the_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_a_large_export_is_checked_and_published_by_the_worker(
    client, world, admin_user, every_upload_is_large, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        page = upload(client, world, portal_file(rows(300)))
    location = page["Location"]
    import_file = ImportFile.objects.get()
    assert import_file.task == ImportFile.Task.PLAN

    waiting = client.get(location).content.decode()
    assert "Checking the file" in waiting and "Check progress" in waiting
    assert 'data-refresh-seconds="3"' in waiting
    assert "Publish" not in waiting

    run_the_worker()

    import_file.refresh_from_db()
    assert (import_file.task, import_file.progress_done, import_file.progress_total) == (
        "", 250, 300)
    preview = client.get(location).content.decode()
    assert "Publish 300 updates" in preview and "Rows 1 to 100 of 300" in preview

    with django_capture_on_commit_callbacks(execute=True):
        answer = act(client, location, "publish", publish_alone="on")
    assert answer["Location"] == location
    assert "Importing" in client.get(location).content.decode()
    assert not ResponseUpdate.objects.exists()
    # A second click while the worker has it queues nothing more.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        act(client, location, "publish", publish_alone="on")
    assert callbacks == []

    run_the_worker()

    assert ResponseUpdate.objects.filter(signed_off_by=admin_user).count() == 300
    done = client.get(location).content.decode()
    assert "Imported on" in done and "300 updates published" in done
    assert world.force_a.get_absolute_url() in done


def test_a_large_file_refused_by_the_worker_says_why_and_writes_nothing(
    client, world, admin_user, every_upload_is_large, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        location = upload(client, world, portal_file([portal_row(1, "#1", MAY)]))["Location"]
    run_the_worker()
    with django_capture_on_commit_callbacks(execute=True):
        act(client, location, "publish", publish_alone="on")
    # Meanwhile the recommendation is withdrawn from the super-complaint's recipients.
    world.rec_1.recipient_groups.clear()

    run_the_worker()

    page = client.get(location).content.decode()
    assert "The file was not imported" in page
    assert "Recommendation 1 is not addressed to Force A Police" in page
    assert not ResponseUpdate.objects.exists()


def test_the_worker_checks_who_confirms_before_it_is_asked(
    client, world, every_upload_is_large, django_capture_on_commit_callbacks
):
    client.force_login(world.approver)
    with django_capture_on_commit_callbacks(execute=True):
        location = upload(client, world, portal_file([portal_row(1, "#1", MAY)]))["Location"]
    run_the_worker()
    # An approver may not publish their own upload alone: refused in the request, nothing queued.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert act(client, location, "publish", publish_alone="on").status_code == 403
    assert callbacks == []
    assert ImportFile.objects.get().task == ""


def test_an_upload_is_planned_once_however_often_its_preview_is_read(
    client, world, monkeypatch
):
    planned = []
    real_plan = selectors.portal_plan

    def counting_plan(**kwargs):
        planned.append(1)
        return real_plan(**kwargs)

    monkeypatch.setattr(selectors, "portal_plan", counting_plan)
    client.force_login(world.approver)
    location = upload(client, world, portal_file(rows(20)))["Location"]
    for page in ("", "?page=1", ""):
        assert "Send 20 updates for sign-off" in client.get(location + page).content.decode()
    assert planned == []  # the upload's own check is the plan that is kept

    # A publication for the organisation changes what the file would do: planned again, once.
    from tests.conftest import published_update

    published_update(world, recommendation=world.rec_1, organisation=world.force_a)
    client.get(location)
    client.get(location)
    assert planned == [1]


def test_the_imports_page_is_reachable_while_a_large_upload_waits(
    client, world, admin_user, every_upload_is_large, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world, portal_file(rows(3)))
    assert client.get(reverse("imports:home")).status_code == 200
