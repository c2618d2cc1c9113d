"""
The writes of imports: applying a plan that `imports.portal` or `imports.recommendations_sheet`
made from the whole file. Each service checks who is importing, plans again from the file's bytes
inside its transaction (so what is written matches the database as it is now), refuses the file
if anything is wrong, and writes everything or nothing.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from accounts import permissions
from recommendations.models import Recommendation
from responses.choices import WorkflowState
from responses.models import Response, ResponseUpdate
from responses.services import response_record_publication

from .models import ImportFile
from .portal import file_sha256, portal_plan
from .recommendations_sheet import recommendations_plan


class ImportRefused(ValidationError):
    """The file has problems; `plan.problems` lists them by row and column. Nothing was written."""

    def __init__(self, plan):
        self.plan = plan
        super().__init__([str(problem) for problem in plan.problems], code="import_refused")


class FileChanged(ValidationError):
    def __init__(self):
        super().__init__(
            "The file is not the one previewed. Upload it again and check the preview.",
            code="file_changed",
        )


@dataclass
class PortalImportResult:
    plan: object
    created_responses: int = 0
    created_updates: int = 0

    @property
    def skipped(self):
        return len(self.plan.skipped_rows)


@transaction.atomic
def portal_import(*, content, organisation, super_complaint, user, signed_off_by=None,
                  expected_sha256=None, dry_run=False, by_command=False):
    """
    Import a monitoring-portal export for `organisation`: every new row becomes a published
    update of the organisation's response to its recommendation (the response is created if
    needed), marked as imported by `user` from a file with this SHA-256, dated as the file says,
    and signed off by `signed_off_by`. Each response is left as a sign-off leaves it
    (`responses.services.response_record_publication`): its current status from its latest
    published update, and the day it first answered, which the deadlines read, from its
    earliest imported position unless it answered earlier. It takes the reference and lead of
    its newest imported position.

    The export publishes the organisation's positions, so it is signed off as a typed update is:
    `signed_off_by` is an approver of the organisation other than `user` (who must be allowed
    to import for it). With no `signed_off_by`, `user` publishes alone, which needs the
    permission to publish imports: a decision recorded as their own sign-off.

    Rows already held (an update published for the same month: `portal.held_update_for`) are
    skipped, so importing a file again
    changes nothing, and no published update is ever edited. `expected_sha256` is the hash of
    the file that was previewed: other bytes are refused. `by_command` is for
    `manage.py import_portal`, run by whoever operates the server (`user` may then be None).
    """
    if not by_command:
        if signed_off_by is None or signed_off_by.pk == user.pk:
            permissions.require_import_publisher(user)
            signed_off_by = user
        else:
            permissions.require_importer(user, organisation.pk)
            permissions.require_approver(signed_off_by, organisation.pk)
    if expected_sha256 is not None and file_sha256(content) != expected_sha256:
        raise FileChanged()
    # Serialise imports of one organisation: two at once would both see a row as new. Then
    # lock its responses, as every workflow write does first, so a sign-off meanwhile queues
    # behind the import instead of computing the current status from half of it.
    type(organisation).objects.select_for_update().filter(pk=organisation.pk).first()
    list(Response.objects.select_for_update().filter(
        organisation=organisation, recommendation__super_complaint=super_complaint,
    ).values_list("pk", flat=True))
    plan = portal_plan(content=content, organisation=organisation,
                       super_complaint=super_complaint)
    if not plan.is_valid:
        raise ImportRefused(plan)
    result = PortalImportResult(plan=plan)
    if dry_run:
        return result

    now = timezone.now()
    changes = plan.changes
    responses = {}
    for change in changes:
        response = change.response
        if response is None:
            response = Response.objects.create(
                recommendation=change.recommendation, organisation=organisation
            )
            result.created_responses += 1
        responses[change.recommendation.pk] = response

    new_updates = []
    for row in plan.new_rows:
        update = ResponseUpdate(
            response=responses[row.recommendation.pk],
            as_of=row.as_of,
            as_of_precision=row.as_of_precision,
            status=row.status,
            awaiting=row.awaiting,
            narrative=row.narrative,
            position_provided_by=row.lead,
            lead=row.lead,
            portal_reference=row.reference,
            state=WorkflowState.PUBLISHED,
            signed_off_by=signed_off_by,
            signed_off_at=now,
            imported_by=user,
            imported_at=now,
            imported_sha256=plan.sha256,
        )
        # The foreign keys were just looked up: checking them again would cost a query a row.
        # The one database constraint (sensitive is never public) is `clean()`'s rule too, and
        # an import writes neither; Django's check of it in Python costs a millisecond a row.
        update.full_clean(exclude=["response", "imported_by", "signed_off_by"],
                          validate_unique=False,
                          validate_constraints=False)
        new_updates.append(update)
    _insert_with_signals(ResponseUpdate, new_updates)
    result.created_updates = len(new_updates)

    for change in changes:
        response = responses[change.recommendation.pk]
        if change.new_updates:
            # As a sign-off does: the current status, and the day the response first answered,
            # here the date its earliest imported position was published on the portal.
            response_record_publication(response=response,
                                        published_on=change.earliest_new_as_of)
        if change.reference_changes or change.lead_changes:
            response.portal_reference = change.reference
            response.lead = change.lead
            response.full_clean(exclude=["recommendation", "organisation", "current_update",
                                         "reviewed_by"], validate_unique=False)
            response.save(update_fields=["portal_reference", "lead", "updated_at"])
    return result


def _insert_with_signals(model, instances, batch_size=500):
    """
    Insert rows in batches, sending the pre_save and post_save signals that `save()` would, so
    the audit trail (django-auditlog listens to them) records each row as if saved one by one.
    A 5,000-row import then costs 10 inserts instead of 5,000.
    """
    using = router.db_for_write(model)
    for instance in instances:
        pre_save.send(sender=model, instance=instance, raw=False, using=using,
                      update_fields=None)
    model.objects.bulk_create(instances, batch_size=batch_size)
    for instance in instances:
        post_save.send(sender=model, instance=instance, created=True, update_fields=None,
                       raw=False, using=using)


def import_file_store(*, kind, content, filename, user, super_complaint, organisation=None):
    """Keep an uploaded file until its preview is confirmed (or abandoned)."""
    return ImportFile.objects.create(
        kind=kind, content=content, filename=filename[:255], uploaded_by=user,
        super_complaint=super_complaint, organisation=organisation, sha256=file_sha256(content),
    )


def _lock_portal_file(import_file, sha256):
    import_file = ImportFile.objects.select_for_update().get(pk=import_file.pk)
    if import_file.kind != ImportFile.Kind.PORTAL:
        raise PermissionDenied("This upload is not a monitoring-portal export.")
    if import_file.sha256 != sha256:
        raise FileChanged()
    if import_file.applied_at:
        raise ValidationError("This file has already been imported.", code="applied")
    return import_file


def portal_confirm_authorise(*, import_file, user):
    """
    Refuse `user` unless they may publish this upload now: its uploader holding the permission
    to publish imports, or an approver of its organisation (not the uploader) once it was sent
    for sign-off. Returns who imported it.
    """
    if import_file.uploaded_by_id == user.pk:
        permissions.require_import_publisher(user)
        return user
    permissions.require_import_sign_off(user, import_file)
    if not import_file.is_awaiting_sign_off:
        raise ValidationError("This upload has not been sent for sign-off.", code="not_submitted")
    return import_file.uploaded_by


def _refuse_someone_elses(import_file, user):
    if import_file.uploaded_by_id != user.pk:
        raise PermissionDenied("This upload is someone else's.")


@transaction.atomic
def portal_import_submit(*, import_file, user, sha256):
    """
    Send a previewed portal upload to the organisation's other approvers for sign-off. Nothing is
    published until one of them confirms it (`portal_import_confirm`).
    """
    import_file = _lock_portal_file(import_file, sha256)
    _refuse_someone_elses(import_file, user)
    permissions.require_importer(user, import_file.organisation_id)
    if import_file.is_awaiting_sign_off:
        return import_file
    plan = portal_plan(content=bytes(import_file.content), organisation=import_file.organisation,
                       super_complaint=import_file.super_complaint)
    if not plan.is_valid:
        raise ImportRefused(plan)
    import_file.submitted_at = timezone.now()
    import_file.returned_at = None
    import_file.returned_by = None
    import_file.save(update_fields=["submitted_at", "returned_at", "returned_by", "updated_at"])
    return import_file


@transaction.atomic
def portal_import_confirm(*, import_file, user, sha256):
    """
    Publish a previewed portal upload, once: the confirmation names the previewed file's hash.

    Its uploader may publish it alone only with the permission to publish imports; otherwise
    `user` signs off an upload sent for sign-off, as an approver of its organisation who did not
    upload it.
    """
    import_file = _lock_portal_file(import_file, sha256)
    importer = portal_confirm_authorise(import_file=import_file, user=user)
    result = portal_import(
        content=bytes(import_file.content), organisation=import_file.organisation,
        super_complaint=import_file.super_complaint, user=importer, signed_off_by=user,
        expected_sha256=sha256,
    )
    import_file.applied_at = timezone.now()
    import_file.signed_off_by = user
    import_file.summary = (
        f"{result.created_updates} updates published, {result.skipped} rows already there"
    )
    import_file.save(update_fields=["applied_at", "signed_off_by", "summary", "updated_at"])
    return result


@transaction.atomic
def portal_import_return(*, import_file, user, sha256):
    """Return an upload sent for sign-off to its uploader, unpublished."""
    import_file = _lock_portal_file(import_file, sha256)
    permissions.require_import_sign_off(user, import_file)
    if not import_file.is_awaiting_sign_off:
        raise ValidationError("This upload has not been sent for sign-off.", code="not_submitted")
    import_file.returned_at = timezone.now()
    import_file.returned_by = user
    import_file.save(update_fields=["returned_at", "returned_by", "updated_at"])
    return import_file


@dataclass
class RecommendationsImportResult:
    plan: object
    created: int = 0
    updated: int = 0


@transaction.atomic
def recommendations_import(*, content, super_complaint, user, expected_sha256=None,
                           dry_run=False, by_command=False):
    """
    Create or update `super_complaint`'s recommendations from a spreadsheet, all or nothing.
    Only someone holding the permission to load recommendations may (or
    `manage.py import_recommendations`, with `by_command`).
    """
    if not by_command:
        permissions.require_recommendations_loader(user)
    if expected_sha256 is not None and file_sha256(content) != expected_sha256:
        raise FileChanged()
    type(super_complaint).objects.select_for_update().filter(pk=super_complaint.pk).first()
    plan = recommendations_plan(content=content, super_complaint=super_complaint)
    if not plan.is_valid:
        raise ImportRefused(plan)
    result = RecommendationsImportResult(plan=plan)
    if dry_run:
        return result
    saved = {}
    for row in plan.rows:
        recommendation = row.existing or Recommendation(super_complaint=super_complaint)
        if row.action != "No change":
            recommendation.number = row.number
            recommendation.order = row.order
            recommendation.title = row.title
            recommendation.text = row.text
            recommendation.notes = row.notes
            recommendation.due_on = row.due_on
            recommendation.full_clean(exclude=["super_complaint"], validate_unique=False)
            recommendation.save()
            if row.existing is None:
                result.created += 1
            else:
                result.updated += 1
            recommendation.recipient_groups.set(row.groups)
        saved[row.number.lower()] = recommendation
    numbers = {r.number.lower(): r for r in Recommendation.objects.filter(
        super_complaint=super_complaint)}
    for row in plan.rows_to_write:
        saved[row.number.lower()].depends_on.set([numbers[n] for n in row.depends_on])
    return result


@transaction.atomic
def recommendations_import_confirm(*, import_file, user, sha256):
    """Apply a previewed recommendations upload."""
    import_file = ImportFile.objects.select_for_update().get(pk=import_file.pk)
    if (import_file.uploaded_by_id != user.pk
            or import_file.kind != ImportFile.Kind.RECOMMENDATIONS):
        raise PermissionDenied("This upload is someone else's.")
    if import_file.sha256 != sha256:
        raise FileChanged()
    result = recommendations_import(
        content=bytes(import_file.content), super_complaint=import_file.super_complaint,
        user=user, expected_sha256=sha256,
    )
    import_file.applied_at = timezone.now()
    import_file.summary = f"{result.created} created, {result.updated} updated"
    import_file.save(update_fields=["applied_at", "summary", "updated_at"])
    return result


def import_file_confirm(*, import_file, user, sha256):
    """Confirm a kept upload of either kind (see the two confirmations above)."""
    if import_file.kind == ImportFile.Kind.PORTAL:
        return portal_import_confirm(import_file=import_file, user=user, sha256=sha256)
    return recommendations_import_confirm(import_file=import_file, user=user, sha256=sha256)


def import_file_task_start(*, import_file, task, user=None, sha256=None):
    """
    Mark a kept upload as handed to the worker for `task`, and say whether it was: an upload has
    one task at a time, and none once applied. Who may confirm is checked first, so a refusal
    is answered in the request rather than by the worker.
    """
    if task == ImportFile.Task.APPLY:
        if import_file.sha256 != sha256:
            raise FileChanged()
        if import_file.kind == ImportFile.Kind.PORTAL:
            portal_confirm_authorise(import_file=import_file, user=user)
        else:
            _refuse_someone_elses(import_file, user)
            permissions.require_recommendations_loader(user)
    return bool(ImportFile.objects.filter(
        pk=import_file.pk, task=ImportFile.Task.NONE, applied_at__isnull=True,
    ).update(task=task, task_started_at=timezone.now(), task_errors=[], progress_done=0,
             progress_total=0))


def import_file_task_done(*, import_file, errors=()):
    """Record that the worker has finished with an upload, and what refused it, if anything."""
    ImportFile.objects.filter(pk=import_file.pk).update(task=ImportFile.Task.NONE,
                                                        task_errors=list(errors))
