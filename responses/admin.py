from django.contrib import admin
from django.core.exceptions import PermissionDenied

from accounts import permissions
from core.readonly_admin import ReadOnlyModelAdmin

from . import services
from .choices import WorkflowState
from .models import Chaser, ExtensionRequest, Response, ResponseReview, ResponseUpdate


class ResponseUpdateInline(admin.TabularInline):
    model = ResponseUpdate
    fields = ("as_of", "status", "state", "marking", "public", "author")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # New updates go through the workflow (services), not the inline.
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = (
        "organisation", "recommendation", "portal_reference", "current_status",
        "current_status_on", "review_outcome",
    )
    list_filter = (
        "recommendation__super_complaint", ("organisation", admin.RelatedOnlyFieldListFilter),
        "current_status", "review_outcome", "organisation__kind",
    )
    # Not by lead or reference: an OFFICIAL-SENSITIVE position's are need-to-know.
    search_fields = ("organisation__name", "recommendation__number")
    list_select_related = ("organisation", "recommendation__super_complaint")
    raw_id_fields = ("recommendation", "organisation")
    # The current status mirrors the latest published update, and the review is a national
    # reviewer's decision: only the services (publish, review) set them, never a form here.
    readonly_fields = (
        "current_status", "current_status_on", "current_status_precision", "current_update",
        "review_outcome", "review_comment", "reviewed_by", "reviewed_at",
    )
    inlines = [ResponseUpdateInline]


# Shown in the admin instead of what an update says, to an administrator without the need to know.
WITHHELD = "Withheld: you do not need to know this update's text"
# What the admin may show of any update: that it exists, for which response, its date, status,
# state, marking and who wrote it.
UPDATE_FACTS = ("response", "as_of", "as_of_precision", "status", "state", "marking", "public",
                "author", "version", "submitted_at", "signed_off_by", "signed_off_at",
                "created_at", "updated_at")


may_read_update = permissions.can_read_update_text


@admin.register(ResponseUpdate)
class ResponseUpdateAdmin(admin.ModelAdmin):
    """
    Updates as the workflow left them. An administrator who could not read an update on the site
    (a draft of another organisation, OFFICIAL-SENSITIVE text they do not need to know) sees
    that it exists and its facts, never its text, and cannot change it.
    """

    list_display = ("response", "as_of", "status", "state", "marking", "public", "author")
    list_filter = (
        "state", "response__recommendation__super_complaint",
        ("response__organisation", admin.RelatedOnlyFieldListFilter),
        "status", "marking", "public", "response__organisation__kind",
    )
    # By organisation only: a search of the text would tell whether a withheld update says it.
    search_fields = ("response__organisation__name",)
    list_select_related = ("response__organisation", "response__recommendation__super_complaint",
                           "author")
    raw_id_fields = ("response", "awaited_recommendation")
    date_hierarchy = "as_of"
    # The workflow (draft, submitted, signed off or returned, by whom) changes only through the
    # services, which check roles and keep the response's current status right. Setting `state`
    # here published with no signer and left the current status stale.
    workflow_fields = (
        "state", "author", "editors", "version", "submitted_at", "signed_off_by",
        "signed_off_at", "return_comment",
    )
    # Set by the update form (day or month) and by imports (who, when, from which file).
    source_fields = ("as_of_precision", "imported_by", "imported_at", "imported_sha256")

    def get_fields(self, request, obj=None):
        if obj is not None and not may_read_update(request.user, obj):
            return (*UPDATE_FACTS, "withheld")
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not may_read_update(request.user, obj):
            return self.get_fields(request, obj)
        # An update stays with the response it was written for.
        return ("response", *self.workflow_fields, *self.source_fields)

    @admin.display(description="Text")
    def withheld(self, update):
        return WITHHELD

    def has_add_permission(self, request):
        # New updates are written through the workflow pages, by a member of the organisation.
        return False

    def has_change_permission(self, request, obj=None):
        # Published: history. Awaiting sign-off: the approver signs off the text as submitted,
        # so nobody may rewrite it here meanwhile (it is returned, then changed, instead).
        if obj is not None and (not obj.is_editable or not may_read_update(request.user, obj)):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """
        Save a change to a draft or returned update as the edit service would: under the same
        locks, refused once it has been submitted meanwhile, with the version moved on (a form
        opened before is then refused as stale) and the admin recorded as one of its editors,
        who therefore cannot sign it off.
        """
        if not change:
            return super().save_model(request, obj, form, change)
        _, locked = services._lock_update(obj.pk)
        if not locked.is_editable:
            raise PermissionDenied(services.NOT_EDITABLE)
        if locked.version != obj.version:
            raise PermissionDenied(
                "This update was changed while you were editing it. Open it again and make "
                "your change to the current text."
            )
        if form.changed_data:
            obj.version = locked.version + 1
        super().save_model(request, obj, form, change)
        if form.changed_data:
            obj.editors.add(request.user)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.state == WorkflowState.PUBLISHED:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Bulk delete would bypass the per-object check above and remove published history.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(ResponseReview)
class ResponseReviewAdmin(ReadOnlyModelAdmin):
    """A national reviewer's recorded decision, made by evidence.services.response_review."""

    list_display = ("response", "outcome", "reviewer", "created_at")
    list_filter = ("outcome",)
    list_select_related = ("response__organisation", "response__recommendation__super_complaint",
                           "reviewer")
    search_fields = ("response__organisation__name", "comment")


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyModelAdmin):
    """
    Requests for more time and their decisions, made on the response page
    (deadlines.services.extension_request and extension_decide), where the rules are checked.
    """

    list_display = ("response", "original_due_on", "requested_due_on", "decision",
                    "requested_at", "decided_by")
    list_filter = ("decision",)
    list_select_related = ("response__organisation", "response__recommendation__super_complaint",
                           "decided_by")
    search_fields = ("response__organisation__name", "reason", "comment")


@admin.register(Chaser)
class ChaserAdmin(ReadOnlyModelAdmin):
    """
    Chasing letters, sent from the response page (deadlines.services.chaser_send), where the
    ladder's rules are checked.
    """

    list_display = ("response", "step", "sent_on", "sent_by", "sent_from")
    list_filter = ("step", "sent_from")
    list_select_related = ("response__organisation", "response__recommendation__super_complaint",
                           "sent_by", "sent_from")
    search_fields = ("response__organisation__name",)
    date_hierarchy = "sent_on"
