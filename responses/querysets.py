from django.db import models

from .choices import WorkflowState


class ResponseQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


class ResponseUpdateQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=WorkflowState.PUBLISHED)

    def visible_to(self, organisation_ids):
        """Published updates, plus any state of the updates of the given organisations."""
        return self.filter(
            models.Q(state=WorkflowState.PUBLISHED)
            | models.Q(response__organisation_id__in=list(organisation_ids))
        )
