"""
The audit trail: which models django-auditlog records, field by field, with the acting user.

Every create, change and delete of these models writes an `auditlog.LogEntry`: through the
services (the workflow pages), the admin, fixtures and imports alike, because the library listens
to the models' signals rather than to particular views. `core.middleware.AuditActorMiddleware`
names the signed-in user of a web request as the actor; management commands (loaddata, imports)
record no actor.

Updates and reviews also keep a snapshot of the response they belong to, their workflow state and
their date (`serialized_data`): the response page's history (`workflow.selectors.history`)
finds them by response, even once a draft is deleted, and shows people outside the organisation
only the entries about published updates.
"""

from auditlog.registry import auditlog
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save

# Bookkeeping that changes on every save; recording it would make every save an entry.
TIMESTAMPS = ["created_at", "updated_at"]

# (model, registration options). Kept here rather than in each app so one file says what is
# audited and how.
AUDITED = [
    ("responses.Response", {"exclude_fields": TIMESTAMPS}),
    (
        "responses.ResponseUpdate",
        {
            "exclude_fields": TIMESTAMPS,
            "m2m_fields": {"editors"},
            "serialize_data": True,
            "serialize_kwargs": {"fields": ["response", "state", "as_of", "as_of_precision"]},
        },
    ),
    (
        "responses.ResponseReview",
        {
            "exclude_fields": TIMESTAMPS,
            "serialize_data": True,
            "serialize_kwargs": {"fields": ["response", "outcome"]},
        },
    ),
    (
        "responses.ExtensionRequest",
        {
            "exclude_fields": TIMESTAMPS,
            "serialize_data": True,
            "serialize_kwargs": {"fields": ["response", "decision", "requested_due_on"]},
        },
    ),
    (
        "responses.Chaser",
        {
            "exclude_fields": TIMESTAMPS,
            "serialize_data": True,
            "serialize_kwargs": {"fields": ["response", "step", "sent_on"]},
        },
    ),
    (
        "evidence.EvidenceFile",
        {
            "exclude_fields": TIMESTAMPS,
            "serialize_data": True,
            "serialize_kwargs": {"fields": ["update", "title", "sha256"]},
        },
    ),
    ("tracker.Membership", {"exclude_fields": TIMESTAMPS}),
    # Who is linked to which account at an identity provider (single sign-on); when each was
    # last used is a sign-in time, never logged.
    ("tracker.ExternalIdentity", {"exclude_fields": [*TIMESTAMPS, "last_used_at"]}),
    (
        "recommendations.Recommendation",
        {"exclude_fields": TIMESTAMPS, "m2m_fields": {"recipient_groups", "depends_on"}},
    ),
    ("recommendations.SuperComplaint", {"exclude_fields": TIMESTAMPS}),
    ("recommendations.Organisation", {"exclude_fields": TIMESTAMPS}),
    # Who uploaded which file for import, and when it was applied; never the file's bytes.
    ("imports.ImportFile", {"exclude_fields": [*TIMESTAMPS, "content"]}),
    ("recommendations.OfficeHolder", {"exclude_fields": TIMESTAMPS}),
    # Who turned their reminder emails off, and when (the digests sent are their own record).
    ("reminders.ReminderPreference", {"exclude_fields": TIMESTAMPS}),
    ("reminders.NotificationPreference", {"exclude_fields": TIMESTAMPS}),
    # The password hash never goes into the log, and a sign-in is not a change of the account.
    ("auth.User", {"exclude_fields": ["password", "last_login"]}),
    # API tokens: who was given one and when it was revoked. The token itself is never stored
    # (its hash is the row's key).
    ("knox.AuthToken", {"exclude_fields": ["digest"]}),
]


def type_dates_before_logging(sender, instance, raw=False, **kwargs):
    """
    Turn a date or time given as text (`as_of="2022-06-01"`, which Django saves fine) into its
    Python value before the audit log describes the row.

    The log names each row with `str(instance)`, and a `__str__` that formats a date
    (`f"{as_of:%d %B %Y}"`) fails on text: without this, auditing would break a save that works.
    """
    if raw:
        return
    for field in instance._meta.concrete_fields:
        if isinstance(field, (models.DateField, models.TimeField)):  # DateTimeField included
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                try:
                    setattr(instance, field.attname, field.to_python(value))
                except ValidationError:
                    pass  # the database refuses it, as it would have without the log


def register_audited_models():
    """Register every audited model with django-auditlog (called once, from TrackerConfig)."""
    for label, options in AUDITED:
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        # Connected before the library's own pre_save receiver, so it runs first.
        pre_save.connect(type_dates_before_logging, sender=model,
                         dispatch_uid=f"audit-typed-dates-{label}")
        # Reverse relations ("updates", "memberships") are not fields of the row; left in, each
        # creation would log them as "responses.ResponseUpdate.None".
        reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
        exclude = [*options.get("exclude_fields", []), *reverse]
        auditlog.register(model, **{**options, "exclude_fields": exclude})


# What an entry of these models may say only to an administrator with the need to know: the text
# of updates, the names of files, and a response's lead and reference (need-to-know with its
# current position).
NEED_TO_KNOW_FIELDS = {
    ("responses", "responseupdate"): {"narrative", "position_provided_by", "lead",
                                      "portal_reference", "awaiting", "return_comment"},
    ("evidence", "evidencefile"): {"title", "original_name", "sha256"},
    ("responses", "response"): {"lead", "portal_reference"},
}
WITHHELD = "withheld"


def may_read_entry(user, entry):
    """
    Whether `user` may read the text an audit log entry recorded: always for the models that
    hold no need-to-know text; for an update, a file or a response, what the site would show
    them (a row deleted since is withheld: nobody can say any more whose need it was).
    """
    from accounts import permissions
    from evidence.models import EvidenceFile
    from responses.models import Response, ResponseUpdate

    key = (entry.content_type.app_label, entry.content_type.model)
    if key not in NEED_TO_KNOW_FIELDS:
        return True
    if key == ("responses", "responseupdate"):
        update = ResponseUpdate.objects.select_related("response").filter(
            pk=entry.object_pk).first()
        return update is not None and permissions.can_read_update_text(user, update)
    if key == ("evidence", "evidencefile"):
        evidence = EvidenceFile.objects.select_related("update__response__organisation").filter(
            pk=entry.object_pk).first()
        return evidence is not None and permissions.can_read_evidence(user, evidence)
    response = Response.objects.filter(pk=entry.object_pk).first()
    return response is not None and permissions.can_read_sensitive(user, response.organisation_id)


def withheld_changes(entry):
    """The fields an entry changed, the need-to-know ones without their values."""
    hidden = NEED_TO_KNOW_FIELDS.get(
        (entry.content_type.app_label, entry.content_type.model), set()
    )
    lines = []
    for field, change in (entry.changes_dict or {}).items():
        if field in hidden:
            lines.append(f"{field}: {WITHHELD}")
        else:
            lines.append(f"{field}: {change}")
    return "; ".join(lines)
