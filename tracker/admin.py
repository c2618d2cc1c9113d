from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from . import audit
from .accounts import services, twofactor
from .accounts.forms import InviteForm
from .models import Membership

# Replaced by the subclass below, which searches by organisation as well.
admin.site.unregister(LogEntry)


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


class MembershipInline(TolerantAutocompleteMixin, admin.TabularInline):
    """A user's organisations and roles, edited on the user's own page."""

    model = Membership
    fields = ("organisation", "role")
    autocomplete_fields = ("organisation",)
    extra = 1


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
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = (
        ("memberships__organisation", admin.RelatedOnlyFieldListFilter),
        "memberships__role", "is_active", "is_staff", "is_superuser",
    )
    search_fields = (*UserAdmin.search_fields, "memberships__organisation__name")

    def get_urls(self):
        return [
            path("invite/", self.admin_site.admin_view(self.invite_view), name="auth_user_invite"),
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

    @admin.action(description="Send the invitation again (users who have not set a password)")
    def send_invitation_again(self, request, queryset):
        sent = 0
        for user in queryset:
            if not user.has_usable_password() and user.email and user.is_active:
                services.invitation_send(user=user, invited_by=request.user)
                sent += 1
        self.message_user(request, f"{sent} invitation(s) sent", messages.SUCCESS)


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
