"""
The audit log in the admin: the one admin registration that spans the apps, as the need to know of
what an entry recorded is decided by the app that owns the row (tracker.audit).
"""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from . import audit

# Replaced by the subclass below, which searches by organisation as well.
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditLogEntryAdmin(LogEntryAdmin):
    """
    The audit log (django-auditlog), read-only as the library makes it: no adding, changing or
    deleting entries. Searchable by the actor's name, username, email and organisation, by the
    object (its description names the organisation for responses, updates and memberships), by
    the changed values and the date; filtered by action, kind of object and date.
    """

    # Not by the changed values: a search would tell whether a withheld text says something.
    search_fields = [
        *(field for field in LogEntryAdmin.search_fields if field != "changes"),
        "actor__email",
        "actor__memberships__organisation__name",
        "actor__memberships__organisation__short_name",
    ]
    list_filter = [*LogEntryAdmin.list_filter, ("timestamp", admin.DateFieldListFilter)]

    def get_fieldsets(self, request, obj=None):
        """
        The need-to-know rule holds in the log too: the changes of an update, a file or a
        response that the administrator could not read on the site are shown without the text
        (`withheld_changes`), which fields changed but not what they say.
        """
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or audit.may_read_entry(request.user, obj):
            return fieldsets
        return [(name, {**options, "fields": [
            "withheld_changes" if field == "msg" else field for field in options["fields"]
        ]}) for name, options in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "withheld_changes"]

    @admin.display(description="Changes")
    def withheld_changes(self, entry):
        return audit.withheld_changes(entry)
