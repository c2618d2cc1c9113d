from django.contrib import admin

from core.readonly_admin import ReadOnlyModelAdmin

from .models import Notification, NotificationPreference, ReminderDigest, ReminderPreference
from .notifications import notification_resend


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


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "mode", "updated_at")
    list_filter = ("kind", "mode")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    """
    Every workflow email and where it stands. Filter by status: "failed" (gave up after
    retrying) and "uncertain" (the worker stopped while sending) need a person; "Send again"
    puts them back in the queue.
    """

    list_display = ("event", "user", "status", "attempts", "next_attempt_at", "sent_at",
                    "last_error")
    list_filter = ("status", "event__kind")
    search_fields = ("user__username", "user__email", "email")
    list_select_related = ("event", "user")
    date_hierarchy = "created_at"
    actions = ["send_again"]

    @admin.action(description="Send again (failed or uncertain only)")
    def send_again(self, request, queryset):
        count = 0
        for notification in queryset.filter(
            status__in=[Notification.Status.FAILED, Notification.Status.UNCERTAIN]
        ):
            notification_resend(notification=notification)
            count += 1
        self.message_user(request, f"{count} queued to send again")
