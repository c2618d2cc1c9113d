from django.conf import settings
from django.db import models

from core.models import TimeStampedModel


class MembershipManager(models.Manager):
    def get_by_natural_key(self, username, organisation_slug):
        return self.get(user__username=username, organisation__slug=organisation_slug)


class Membership(TimeStampedModel):
    """
    A user's role in one organisation. Every write is authorised against these rows.

    Viewers read; contributors write drafts and submit them; approvers sign off their
    organisation's updates; reviewers (national bodies) close or return any organisation's response.
    """

    class Role(models.TextChoices):
        VIEWER = "viewer", "Viewer"
        CONTRIBUTOR = "contributor", "Contributor"
        APPROVER = "approver", "Approver"
        REVIEWER = "reviewer", "Reviewer"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        "recommendations.Organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)

    objects = MembershipManager()

    class Meta:
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="unique_membership_per_organisation"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} at {self.organisation}"

    def natural_key(self):
        return (self.user.username, self.organisation.slug)

    natural_key.dependencies = ["auth.user", "recommendations.organisation"]
