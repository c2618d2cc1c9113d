from django.db import models

KIND_ORDER = ["police_force", "local_policing_body", "national_body"]


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def forces_first(self):
        """Order police forces, then local policing bodies, then national bodies, each by name."""
        rank = models.Case(
            *(models.When(kind=kind, then=models.Value(i)) for i, kind in enumerate(KIND_ORDER)),
            default=models.Value(len(KIND_ORDER)),
            output_field=models.IntegerField(),
        )
        return self.alias(kind_rank=rank).order_by("kind_rank", "name")


class RecommendationQuerySet(models.QuerySet):
    def with_recipients(self):
        """Fetch recipient groups (and their organisation) in one extra query, not one per row."""
        return self.prefetch_related("recipient_groups__organisation")

    def in_order(self):
        return self.order_by("super_complaint", "order", "number")
