from django.db import models

from accounts import permissions

from .choices import EDITABLE_STATES, Marking, ReviewOutcome, Status, WorkflowState


def done_condition(prefix=""):
    """
    The responses done, as progress counts them (`choices.counts_as_done`, its Python twin): the
    organisation says completed, or a reviewer closed it. `prefix` reaches a response through a
    relation ("response__").
    """
    return models.Q(**{f"{prefix}current_status": Status.COMPLETED}) | models.Q(
        **{f"{prefix}review_outcome": ReviewOutcome.CLOSED}
    )


class ResponseQuerySet(models.QuerySet):
    def completed(self):
        """Done, as progress counts it (`done_condition`)."""
        return self.filter(done_condition())

    def awaiting_review(self):
        """Said to be completed, and no reviewer has accepted or returned the evidence yet."""
        return self.filter(current_status=Status.COMPLETED, review_outcome=ReviewOutcome.OPEN)


class ResponseUpdateQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=WorkflowState.PUBLISHED)

    def public(self):
        """
        What the public may read: published, marked public and not OFFICIAL-SENSITIVE. The one
        definition every public page, feed and document made for publication uses.
        """
        return self.filter(state=WorkflowState.PUBLISHED, public=True).exclude(
            marking=Marking.OFFICIAL_SENSITIVE
        )

    def readable_by(self, user):
        """
        The published updates `user` may read in full, the one rule for pages, documents, exports
        and the API: a visitor (or an API caller without a token) reads the public ones; a
        signed-in user every published update except OFFICIAL-SENSITIVE ones of organisations
        they have no need to know (permissions.sensitive_readable_organisation_ids). Drafts and
        updates awaiting sign-off never.
        """
        if user is None or not user.is_authenticated:
            return self.public()
        published = self.published()
        readable = permissions.sensitive_readable_organisation_ids(user)
        if readable is None:
            return published
        return published.filter(
            ~models.Q(marking=Marking.OFFICIAL_SENSITIVE)
            | models.Q(response__organisation_id__in=list(readable))
        )

    def editable(self):
        """Drafts and returned updates: the ones their organisation may still change."""
        return self.filter(state__in=EDITABLE_STATES)

    def awaiting_sign_off(self):
        return self.filter(state=WorkflowState.AWAITING_SIGN_OFF)

    def signable_by(self, user):
        """
        Updates awaiting sign-off that `user` may sign off: in an organisation where they are an
        approver, and none of it written by them, as author or editor (nobody signs off their
        own words: permissions.can_sign_off).
        """
        return (
            self.awaiting_sign_off()
            .filter(response__organisation_id__in=list(permissions.approver_organisation_ids(user)))
            .exclude(author=user)
            .exclude(editors=user)
        )

    def with_four_eyes_check(self, user):
        """
        Say on each update whether `user` is one of its editors (`four_eyes_edited`, answered
        for `four_eyes_user_id`), which `permissions.can_sign_off` reads instead of asking once
        per update.
        """
        edited = self.model.editors.through.objects.filter(
            responseupdate_id=models.OuterRef("pk"), user_id=user.pk
        )
        return self.annotate(
            four_eyes_user_id=models.Value(user.pk, output_field=models.IntegerField()),
            four_eyes_edited=models.Exists(edited),
        )

    def visible_to(self, organisation_ids):
        """Published updates, plus any state of the updates of the given organisations."""
        return self.filter(
            models.Q(state=WorkflowState.PUBLISHED)
            | models.Q(response__organisation_id__in=list(organisation_ids))
        )
