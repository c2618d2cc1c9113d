"""
API tokens in the admin: an admin issues a token for a user (shown once, on saving; only its
hash is stored) and revokes it by deleting it.
"""

from django.contrib import admin, messages
from knox.admin import AuthTokenAdmin as KnoxAuthTokenAdmin
from knox.models import AuthToken

admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ApiTokenAdmin(KnoxAuthTokenAdmin):
    list_display = ("token_key", "user", "created", "expiry")
    list_select_related = ("user",)
    search_fields = ("token_key", "user__username", "user__email")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("token_key", "user", "created", "expiry")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "expiry")
        return ("token_key", "user", "created", "expiry")

    def has_change_permission(self, request, obj=None):
        return False  # a token is issued or revoked, never edited

    def save_model(self, request, obj, form, change):
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        self.message_user(
            request,
            f"API token for {obj.user}: {form.token} – copy it now, it will not be shown again. "
            "Callers send it as the header 'Authorization: Token <token>'.",
            messages.WARNING,
        )
