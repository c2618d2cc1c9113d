"""
API tokens in the admin: an admin issues a token for a user (shown once, on the page that
answers the saving; only its hash is stored) and revokes it by deleting it.
"""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
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
        obj.issued_token = form.token

    def response_add(self, request, obj, post_url_continue=None):
        """
        Show the new token on the answer to the saving itself, never in a message (kept in a
        cookie until the next page) nor in the session: it exists nowhere else, and the page
        is never stored by a browser or proxy.
        """
        response = TemplateResponse(request, "admin/knox/authtoken/issued.html", {
            **self.admin_site.each_context(request),
            "title": "API token issued",
            "opts": self.model._meta,
            "token": obj,
            "issued_token": obj.issued_token,
        })
        add_never_cache_headers(response)
        return response
