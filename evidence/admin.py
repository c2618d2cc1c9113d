from django.contrib import admin

from .models import EvidenceFile


@admin.register(EvidenceFile)
class EvidenceFileAdmin(admin.ModelAdmin):
    """
    Read-only: files are attached and removed through the workflow (evidence.services), which
    checks roles and keeps a published update's files unchanged; a file is downloaded through the
    site's own download link, which applies the update's visibility.
    """

    list_display = ("title", "original_name", "update", "marking", "size", "uploaded_by",
                    "created_at")
    list_filter = ("marking", "extension", "update__state")
    search_fields = ("title", "original_name", "sha256", "update__response__organisation__name")
    list_select_related = ("update__response__organisation",
                           "update__response__recommendation__super_complaint", "uploaded_by")
    raw_id_fields = ("update",)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields] + ["reviews"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
