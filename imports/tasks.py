"""
The imports' background tasks (django-tasks): checking and applying a large upload outside the
request. Each reads the ImportFile afresh, records what it did on it, and is harmless to run
twice: the plan is only kept, and an apply of an applied file is refused by its service.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_tasks import task

from . import selectors, services
from .models import ImportFile


@task()
def import_file_check(import_file_id):
    """Plan a kept upload, telling its page how far it has got, and keep the plan."""
    import_file = ImportFile.objects.get(pk=import_file_id)

    def progress(done, total):
        ImportFile.objects.filter(pk=import_file.pk).update(progress_done=done,
                                                            progress_total=total)

    try:
        plan = selectors.import_file_plan(import_file, progress=progress)
        selectors.keep_plan(import_file, plan)
    finally:
        services.import_file_task_done(import_file=import_file)


@task()
def import_file_apply(import_file_id, user_id, sha256):
    """
    Confirm a kept upload as `user_id`, through the same service as a confirmation in the
    request (who may confirm is checked there); what refused it is kept for its page.
    """
    import_file = ImportFile.objects.get(pk=import_file_id)
    user = get_user_model().objects.get(pk=user_id)
    errors = []
    try:
        services.import_file_confirm(import_file=import_file, user=user, sha256=sha256)
    except (ValidationError, PermissionDenied) as error:
        errors = getattr(error, "messages", None) or [str(error)]
    finally:
        services.import_file_task_done(import_file=import_file, errors=errors)


def check_later(*, import_file):
    """Have the worker plan an upload too large to plan in the request."""
    if services.import_file_task_start(import_file=import_file, task=ImportFile.Task.PLAN):
        pk = str(import_file.pk)
        transaction.on_commit(lambda: import_file_check.enqueue(pk))


def apply_later(*, import_file, user, sha256):
    """Have the worker confirm an upload too large to apply in the request, as `user`."""
    if services.import_file_task_start(import_file=import_file, task=ImportFile.Task.APPLY,
                                       user=user, sha256=sha256):
        pk = str(import_file.pk)
        transaction.on_commit(lambda: import_file_apply.enqueue(pk, user.pk, sha256))
