from django.contrib import admin

from core.readonly_admin import ReadOnlyModelAdmin

from .models import ReminderDigest, ReminderPreference


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "frequency", "updated_at")
    list_filter = ("frequency",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(ReminderDigest)
class ReminderDigestAdmin(ReadOnlyModelAdmin):
    """What `send_reminders` sent: a record, read-only."""

    list_display = ("user", "sent_on", "email", "frequency", "overdue", "due_soon", "stale",
                    "awaiting_sign_off", "guidance_landed", "sent_at")
    list_filter = ("sent_on", "frequency")
    search_fields = ("user__username", "user__first_name", "user__last_name", "email", "subject")
    list_select_related = ("user",)
    date_hierarchy = "sent_on"
