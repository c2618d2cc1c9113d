from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from accounts import permissions

from .models import EvidenceFile

# Shown in the admin instead of what a file says, to an administrator without the need to know.
WITHHELD = "Withheld: you do not need to know this file"
# What the admin may show of any file: that it exists, where, its marking, size and state.
FACTS = ("id", "update", "update_state", "marking", "size", "extension", "uploaded_by",
         "created_at", "updated_at")
# What it says: shown only to those who may open it.
CONTENTS = ("title", "original_name", "content_type", "sha256", "download", "reviews")


@admin.register(EvidenceFile)
class EvidenceFileAdmin(admin.ModelAdmin):
    """
    Read-only: files are attached and removed through the workflow (evidence.services), which
    checks roles and keeps a published update's files unchanged; a file is downloaded through the
    site's own download link, which applies the update's visibility.

    The need-to-know rule holds here too (permissions.can_read_evidence): a draft's files only
    for members of its organisation, an OFFICIAL-SENSITIVE file only for those who need to know.
    Any other administrator sees that the file exists (its id, update, marking, size and state),
    never its title, name, hash or bytes, and no link to download it.
    """

    list_filter = ("marking", "extension", "update__state")
    # By organisation only: a search by title or hash would tell whether a withheld file says it.
    search_fields = ("update__response__organisation__name",)
    list_select_related = ("update__response__organisation",
                           "update__response__recommendation__super_complaint", "uploaded_by")

    def get_list_display(self, request):
        def title(evidence):
            return evidence.title if permissions.can_read_evidence(request.user, evidence) else (
                WITHHELD
            )

        title.short_description = "Title"
        return ("id", title, "update", "marking", "size", "update_state", "uploaded_by",
                "created_at")

    def get_fields(self, request, obj=None):
        if obj is not None and not permissions.can_read_evidence(request.user, obj):
            return (*FACTS, "withheld")
        return (*FACTS, *CONTENTS)

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description="Update's state")
    def update_state(self, evidence):
        return evidence.update.get_state_display()

    @admin.display(description="Contents")
    def withheld(self, evidence):
        return WITHHELD

    @admin.display(description="File")
    def download(self, evidence):
        # Through the site's download, which checks again who asks; never the storage's URL.
        return format_html('<a href="{}">Download</a>', reverse("evidence:download",
                                                                args=[evidence.pk]))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
