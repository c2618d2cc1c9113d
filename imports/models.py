import uuid

from django.conf import settings
from django.db import models

from tracker.models import TimeStampedModel


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

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.filename} ({self.sha256[:12]})"
