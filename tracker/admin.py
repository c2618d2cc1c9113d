from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from .models import Membership

# Replaced by the subclass below, which searches by organisation as well.
admin.site.unregister(LogEntry)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role", "organisation__kind")
    search_fields = ("user__username", "user__email", "organisation__name")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user", "organisation")


@admin.register(LogEntry)
class AuditLogEntryAdmin(LogEntryAdmin):
    """
    The audit log (django-auditlog), read-only as the library makes it: no adding, changing or
    deleting entries. Searchable by the actor's name, username, email and organisation, by the
    object (its description names the organisation for responses, updates and memberships), by
    the changed values and the date; filtered by action, kind of object and date.
    """

    search_fields = [
        *LogEntryAdmin.search_fields,
        "actor__email",
        "actor__memberships__organisation__name",
        "actor__memberships__organisation__short_name",
    ]
    list_filter = [*LogEntryAdmin.list_filter, ("timestamp", admin.DateFieldListFilter)]
