"""Forms of the account pages: signing in, passwords, invitations and two-factor codes."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.models import Membership

from . import throttle

# Longer than any password a person types, short enough that hashing it costs nothing notable.
MAX_PASSWORD_LENGTH = 1024


class SignInForm(auth_forms.AuthenticationForm):
    """
    Django's sign-in form, refusing over-long input before it reaches the authentication backends.

    Django sets the username field's max_length after the field is built, so its length validator
    never runs and a 5,000-character username went on to django-axes, whose 255-character column
    refused it on PostgreSQL (a 500). No account can have such a username, so it simply gets the
    usual "enter a correct username and password" error.
    """

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        max_username = get_user_model()._meta.get_field("username").max_length
        if len(username) > max_username or len(password) > MAX_PASSWORD_LENGTH:
            raise self.get_invalid_login_error()
        return super().clean()

    def confirm_login_allowed(self, user):
        """
        Refuse a password sign-in for a member of an organisation that turned local sign-in off
        (its staff sign in with the organisation's own account), after the password was right.
        """
        super().confirm_login_allowed(user)
        if Membership.objects.filter(
            user=user, organisation__local_sign_in_allowed=False
        ).exists():
            raise forms.ValidationError(
                "Your organisation signs you in with its own account. Choose \"Sign in with "
                "your organisation's account\".",
                code="local_sign_in_off",
            )


class ThrottledPasswordChangeForm(auth_forms.PasswordChangeForm):
    """
    Change a password, counting each wrong current password as a failed sign-in.

    Someone holding a stolen session could otherwise guess the current password here without
    limit. The failures go through django-axes like sign-in failures, so the same limits apply:
    per username and address, per address, and here also per username from any address.
    """

    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "locked_out": (
            "You entered your current password wrongly too many times. "
            "Wait %(minutes)s, then try again."
        ),
    }

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        if throttle.password_checks_locked(self.request, self.user):
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": throttle.cool_off_in_words()},
            )
        old_password = self.cleaned_data.get("old_password") or ""
        if len(old_password) > MAX_PASSWORD_LENGTH or not self.user.check_password(old_password):
            if throttle.record_failure(self.request, self.user):
                raise forms.ValidationError(
                    self.error_messages["locked_out"],
                    code="locked_out",
                    params={"minutes": throttle.cool_off_in_words()},
                )
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class InviteForm(forms.Form):
    """What an administrator types to invite someone: who they are and where they work."""

    email = forms.EmailField(label="Email address")
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    organisation = forms.ModelChoiceField(queryset=None, label="Organisation", required=False)
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices, required=False)
    is_staff = forms.BooleanField(label="Staff (can use this admin)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from recommendations.models import Organisation

        self.fields["organisation"].queryset = Organisation.objects.filter(active=True)

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        # The email address becomes the username, so it must fit and be free as one too.
        users = get_user_model()
        longest = users._meta.get_field("username").max_length
        if len(email) > longest:
            raise forms.ValidationError(
                f"Enter an email address of {longest} characters or fewer: it becomes the "
                "username."
            )
        if users.objects.filter(
            Q(email__iexact=email) | Q(username__iexact=email)
        ).exists():
            raise forms.ValidationError("A user with this email address already exists.")
        return email

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("organisation")) != bool(cleaned.get("role")):
            raise forms.ValidationError("Choose both an organisation and a role, or neither.")
        return cleaned


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Ask for the account's email address (GOV.UK wording)."""

    email = forms.EmailField(
        label="Email address", max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Choose a password (invitation or reset): the same validators as everywhere else."""


class OTPTokenForm(forms.Form):
    """A six-digit code from an authenticator app, or a recovery code."""

    otp_token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows, or a recovery code",
        max_length=20,
        strip=True,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false",
        }),
    )

    def clean_otp_token(self):
        # People copy codes with spaces ("123 456"); recovery codes are letters and digits.
        return "".join(self.cleaned_data["otp_token"].split()).lower()
