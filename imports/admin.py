from django.contrib import admin

from .models import ImportFile


@admin.register(ImportFile)
class ImportFileAdmin(admin.ModelAdmin):
    """Uploads for import, read-only: who uploaded what, and whether it was applied."""

    list_display = ("filename", "kind", "organisation", "super_complaint", "uploaded_by",
                    "created_at", "applied_at", "summary")
    list_filter = ("kind", "applied_at")
    list_select_related = ("organisation", "super_complaint", "uploaded_by")
    search_fields = ("filename", "sha256", "uploaded_by__username")
    exclude = ("content",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
