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


class ExternalIdentity(TimeStampedModel):
    """
    A user's account at an OpenID Connect provider (single sign-on): the issuer and the subject
    identifier it gives them.

    The first sign-in through a provider links the account by verified email address; every
    later one finds it by (issuer, subject), which the provider never reassigns, so a changed
    email address at the provider keeps the same account here.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    provider = models.CharField(
        max_length=50, help_text="The provider's name in OIDC_PROVIDERS when last used."
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    email = models.EmailField(blank=True, help_text="The email address the provider last gave.")
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["provider", "subject"]
        verbose_name_plural = "external identities"
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="unique_external_identity_per_issuer"
            )
        ]

    def __str__(self):
        return f"{self.user} at {self.provider}"
