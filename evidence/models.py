import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel
from responses.choices import Marking
from responses.models import ResponseReview, ResponseUpdate

from .filetypes import ALLOWED_TYPES


def evidence_storage():
    """The storage of STORAGES["evidence"]: the media folder, or a bucket in production."""
    return storages["evidence"]


def evidence_file_name(instance, filename):
    """
    Where a file is stored: a random name with the checked extension, never the uploader's name
    (kept in `original_name`), so no two uploads collide and no name is guessable.
    """
    extension = instance.extension or "bin"
    return f"evidence/{uuid.uuid4().hex}.{extension}"


class EvidenceFile(TimeStampedModel):
    """
    A file attached to an update as evidence: what it is, who uploaded it and its SHA-256.

    Added and removed only while its update is a draft or returned (evidence.services); once the
    update is published the file is part of the record and never changes. The stored file goes
    when the row does (evidence.signals), and rows go only with a draft or by removal from one.
    """

    update = models.ForeignKey(
        ResponseUpdate, on_delete=models.CASCADE, related_name="evidence_files"
    )
    title = models.CharField(max_length=200)
    marking = models.CharField(max_length=30, choices=Marking.choices, default=Marking.OFFICIAL)
    file = models.FileField(storage=evidence_storage, upload_to=evidence_file_name,
                            max_length=255)
    original_name = models.CharField(max_length=255)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The reviews that considered this file before closing or returning the response.
    reviews = models.ManyToManyField(
        ResponseReview, blank=True, related_name="considered_evidence"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="evidence_extension_is_allowed",
                condition=models.Q(extension__in=sorted(ALLOWED_TYPES)),
            )
        ]

    def __str__(self):
        # Never the title or the name: the admin, its breadcrumbs and the audit log show this to
        # people who may not need to know what a file is (evidence.admin).
        return f"Evidence file {self.pk} ({self.marking})"

    def get_absolute_url(self):
        return reverse("evidence:download", args=[self.pk])

    @property
    def type_label(self):
        return ALLOWED_TYPES[self.extension].label

    @property
    def is_sensitive(self):
        return self.marking == Marking.OFFICIAL_SENSITIVE
