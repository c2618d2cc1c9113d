from django import forms
from django.contrib import admin
from django.db import models

from .models import OfficeHolder, Organisation, RecipientGroup, Recommendation, SuperComplaint


class OfficeHolderInline(admin.StackedInline):
    model = OfficeHolder
    # The office's name and letterhead in each term print on its letters (issue 22).
    fields = ("name", "title", "started_on", "ended_on", "office_name", "address", "telephone",
              "email", "website", "source")
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    inlines = [OfficeHolderInline]
    list_display = ("name", "short_name", "kind", "region", "paired", "active",
                    "local_sign_in_allowed")
    list_filter = ("kind", "region", "active", "local_sign_in_allowed")
    search_fields = ("name", "short_name", "slug")
    list_select_related = ("paired",)
    raw_id_fields = ("paired",)
    prepopulated_fields = {"slug": ("short_name",)}


@admin.register(RecipientGroup)
class RecipientGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "organisation", "order")
    list_filter = ("kind",)
    search_fields = ("name", "slug")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    fields = ("number", "order", "title", "due_on")
    show_change_link = True
    extra = 0


@admin.register(SuperComplaint)
class SuperComplaintAdmin(admin.ModelAdmin):
    list_display = ("short_title", "complainants", "submitted_on", "report_published_on", "status")
    list_filter = ("status", "investigating_bodies")
    search_fields = ("title", "short_title", "complainants", "summary")
    date_hierarchy = "report_published_on"
    inlines = [RecommendationInline]
    # A report URL typed without a scheme is an https address (Django 6's default).
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"},
    }


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "number", "title", "due_on", "priority", "recipients")
    list_filter = ("super_complaint", "recipient_groups", "priority")
    search_fields = ("number", "title", "text", "notes")
    list_select_related = ("super_complaint",)
    autocomplete_fields = ("depends_on", "part_of")
    filter_horizontal = ("recipient_groups",)
    # Priority is a national reviewer's decision, made on the recommendation page through
    # `deadlines.services.recommendation_priority_mark`, which checks who may: shown, not edited.
    readonly_fields = ("priority", "priority_reason", "priority_changed_by", "priority_changed_at")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("recipient_groups")

    @admin.display(description="Recipients")
    def recipients(self, obj):
        return ", ".join(group.name for group in obj.recipient_groups.all())
