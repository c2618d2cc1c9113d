import uuid

from django.conf import settings
from django.db import models

from core.models import TimeStampedModel


class ImportFile(TimeStampedModel):
    """
    A file uploaded for import, kept between the preview and the confirmation.

    The preview and the confirmation both plan from these bytes, and the confirmation must name
    their SHA-256, so what is written is exactly what was previewed. Kept in the database, not on
    an app server's disk, so any server can answer the confirmation.
    """

    class Kind(models.TextChoices):
        PORTAL = "portal", "Monitoring-portal export"
        RECOMMENDATIONS = "recommendations", "Recommendations spreadsheet"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "recommendations.Organisation", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    super_complaint = models.ForeignKey(
        "recommendations.SuperComplaint", on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    # A portal export publishes an organisation's positions, so it is signed off as a typed
    # update is: the uploader sends it for sign-off and another approver of the organisation
    # publishes it, or someone holding `publish_portal_export` publishes it, a decision recorded
    # here (signed_off_by is then the uploader).
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    # Large files are checked (planned) and applied by the task worker: which of the two is under
    # way, how far the check has gone, and what stopped an apply.
    class Task(models.TextChoices):
        NONE = "", "None"
        PLAN = "plan", "Checking the file"
        APPLY = "apply", "Importing"

    task = models.CharField(max_length=10, choices=Task.choices, blank=True, default="")
    task_started_at = models.DateTimeField(null=True, blank=True)
    task_errors = models.JSONField(default=list, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("load_recommendations",
             "Can load a super-complaint's recommendations from a spreadsheet"),
            ("publish_portal_export",
             "Can publish any organisation's monitoring-portal export without a second approver"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.filename} ({self.sha256[:12]})"

    @property
    def is_large(self):
        """Too large to check or apply in the request: the task worker does it."""
        return len(self.content) > settings.IMPORT_BACKGROUND_ABOVE_KB * 1024

    @property
    def is_awaiting_sign_off(self):
        return bool(self.submitted_at and not self.applied_at and not self.returned_at)
