from django.db import models


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def police_forces(self):
        return self.filter(kind="police_force")

    def local_policing_bodies(self):
        return self.filter(kind="local_policing_body")

    def national_bodies(self):
        return self.filter(kind="national_body")


class RecommendationQuerySet(models.QuerySet):
    def with_recipients(self):
        """Fetch recipient groups (and their organisation) in one extra query, not one per row."""
        return self.prefetch_related("recipient_groups__organisation")

    def in_order(self):
        return self.order_by("super_complaint", "order", "number")
