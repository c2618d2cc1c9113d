from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from . import selectors, services, twofactor
from .forms import InviteForm
from .models import ExternalIdentity, Membership


class TwoFactorAdminSite(admin.AdminSite):
    """The admin site, open only to staff whose session has passed two-factor sign-in."""

    def has_permission(self, request):
        return super().has_permission(request) and twofactor.is_verified(request)


# django-otp's documented way to guard the default site (it does the same with OTPAdminSite); a
# subclass keeps every registration made on `admin.site` by other apps.
admin.site.__class__ = TwoFactorAdminSite


class TolerantAutocompleteSelect(AutocompleteSelect):
    """
    An autocomplete that shows a form posted with a value that is no key (`organisation=abc`)
    again with its error: Django's looks the values up to show them and fails on such a value
    with a 500.
    """

    def optgroups(self, name, value, attr=None):
        key = self.field.remote_field.model._meta.pk
        valid = []
        for item in value:
            try:
                key.to_python(item)
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class TolerantAutocompleteMixin:
    """Autocomplete fields drawn with TolerantAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault("widget", TolerantAutocompleteSelect(db_field, self.admin_site))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Membership)
class MembershipAdmin(TolerantAutocompleteMixin, admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role", "organisation__kind")
    search_fields = ("user__username", "user__email", "organisation__name")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user", "organisation")


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """
    Accounts linked to an identity provider. Made by the first sign-in only; deleting one makes
    the next sign-in link by verified email address again.
    """

    list_display = ("user", "provider", "email", "last_used_at")
    list_filter = ("provider",)
    search_fields = ("user__username", "user__email", "email", "subject")
    list_select_related = ("user",)
    readonly_fields = ("user", "provider", "issuer", "subject", "email", "last_used_at")

    def has_add_permission(self, request):
        return False


User = get_user_model()
admin.site.unregister(User)

# Timelines, banners and emails name people by full name and reach them by email: an account
# without them is not one the service can use.
PERSON_FIELDS = ("first_name", "last_name", "email")


class PersonRequiredMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PERSON_FIELDS:
            if name in self.fields:
                self.fields[name].required = True


class TrackerUserCreationForm(PersonRequiredMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        fields = ("username", *PERSON_FIELDS)


class TrackerUserChangeForm(PersonRequiredMixin, UserChangeForm):
    pass


class MembershipInline(admin.TabularInline):
    """
    A user's organisations and roles, edited on the user's own page.

    Plain selects, each named for screen readers: a table's column heading is no label, and the
    autocomplete's combobox had no name at all (Lighthouse, aria-input-field-name and label).
    """

    model = Membership
    fields = ("organisation", "role")
    extra = 1

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.fields:
            field.widget.attrs["aria-label"] = db_field.verbose_name.capitalize()
        return field


@admin.register(User)
class TrackerUserAdmin(UserAdmin):
    """
    Users, with their memberships inline, "Invite a user" (an emailed link to set a password)
    and "send it again".
    """

    change_list_template = "admin/auth/user/tracker_change_list.html"
    actions = ["send_invitation_again"]
    form = TrackerUserChangeForm
    add_form = TrackerUserCreationForm
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", *PERSON_FIELDS, "usable_password",
                                                  "password1", "password2")}),
    )
    inlines = [MembershipInline]
    # Sign-in records, not for editing (and Django's split date and time inputs have no labels).
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = (
        ("memberships__organisation", admin.RelatedOnlyFieldListFilter),
        "memberships__role", "is_active", "is_staff", "is_superuser",
    )
    search_fields = (*UserAdmin.search_fields, "memberships__organisation__name")

    def get_urls(self):
        return [
            path("invite/", self.admin_site.admin_view(self.invite_view), name="auth_user_invite"),
            path("review/", self.admin_site.admin_view(self.review_view), name="auth_user_review"),
            *super().get_urls(),
        ]

    def invite_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = InviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user = services.user_invite(**form.cleaned_data, invited_by=request.user)
            except ValidationError as error:
                # What only the saved user's own checks find: shown on the form, not a 500.
                form.add_error(None, error.messages)
            else:
                self.message_user(request, f"Invitation sent to {user.email}", messages.SUCCESS)
                return redirect(reverse("admin:auth_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Invite a user",
            "form": form,
            "opts": self.model._meta,
            "invitation_days": settings.INVITATION_TIMEOUT_DAYS,
        }
        return TemplateResponse(request, "admin/auth/user/invite.html", context)

    def review_view(self, request):
        """
        The account review: every account, its organisations and roles, last sign-in, how it
        signs in, and those unused for ACCOUNT_UNUSED_DAYS (`deactivate_unused_accounts`).
        """
        if not self.has_view_permission(request):
            raise PermissionDenied("You need permission to view users to review accounts.")
        rows = selectors.account_review()
        context = {
            **self.admin_site.each_context(request),
            "title": "Account review",
            "rows": rows,
            "unused_count": sum(row.unused for row in rows),
            "unused_days": settings.ACCOUNT_UNUSED_DAYS,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/auth/user/review.html", context)

    @admin.action(description="Send the invitation again (users who have not set a password)")
    def send_invitation_again(self, request, queryset):
        sent = 0
        for user in queryset:
            if not user.has_usable_password() and user.email and user.is_active:
                services.invitation_send(user=user, invited_by=request.user)
                sent += 1
        self.message_user(request, f"{sent} invitation(s) sent", messages.SUCCESS)
