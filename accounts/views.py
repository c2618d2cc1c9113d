"""Account pages: sign-in, passwords, invitations, two-factor sign-in and "Your account"."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView

from accounts.models import Membership
from core.http import client_ip_address

from . import sso, throttle, twofactor
from .forms import (
    OTPTokenForm,
    PasswordResetForm,
    SetPasswordForm,
    SignInForm,
    ThrottledPasswordChangeForm,
)
from .tokens import invitation_token_generator


def safe_next(request, default="home"):
    """The `next` parameter when it points at this site, else the named default page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        next_url = self.get_redirect_url()
        query = f"?{urlencode({'next': next_url})}" if next_url else ""
        return {
            **super().get_context_data(**kwargs),
            # Single sign-on first when configured: most police staff have such an account.
            "sso_providers": [
                {"label": sso.provider_label(provider),
                 "url": reverse("sso_start", args=[provider["name"]]) + query}
                for provider in sso.providers()
            ],
        }


# The backend a single sign-on session is kept with: it loads the user on every request and
# refuses an inactive one, as for a password sign-in.
SSO_SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
SSO_NEXT_KEY = "sso_next"
SIGNED_OUT_KEY = "signed_out_of"


def provider_or_404(name):
    provider = sso.provider_get(name)
    if provider is None:
        raise Http404("No such identity provider.")
    return provider


@method_decorator([login_not_required, never_cache], name="dispatch")
class SingleSignOnStartView(View):
    """Send the visitor to their organisation's identity provider (OpenID Connect)."""

    two_factor_exempt = True

    def get(self, request, name):
        provider = provider_or_404(name)
        request.session[SSO_NEXT_KEY] = safe_next(request)
        return sso.authorize_redirect(request, provider)


@method_decorator([login_not_required, never_cache], name="dispatch")
class SingleSignOnCallbackView(View):
    """
    Where the provider sends people back: check its answer, sign the person in, and ask for this
    service's second factor unless the provider says it asked for one.
    """

    two_factor_exempt = True
    template_name = "accounts/sso_refused.html"

    def get(self, request, name):
        provider = provider_or_404(name)
        try:
            token = sso.token_from_callback(request, provider)
            signed_in = sso.external_sign_in(provider=provider, claims=token["userinfo"])
        except sso.SignInRefused as refusal:
            return render(request, self.template_name, status=403, context={
                "reason": str(refusal), "provider_label": sso.provider_label(provider),
            })
        next_url = request.session.pop(SSO_NEXT_KEY, "") or reverse("home")
        # Signs in like a password does: a new session key, the clocks and the two-factor step
        # decided (accounts.signals), the last sign-in recorded.
        auth_login(request, signed_in.user, backend=SSO_SESSION_BACKEND)
        request.session[sso.SESSION_KEY] = {
            "provider": provider["name"], "id_token": token.get("id_token", ""),
        }
        if signed_in.second_factor:
            # The provider asked for a second factor: this session counts as verified.
            request.session[twofactor.VERIFIED] = f"sso:{provider['name']}"
        return redirect(next_url)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetView(auth_views.PasswordResetView):
    """Email a reset link; the page afterwards never says whether the address has an account."""

    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        passed = throttle.password_reset_allowed(
            ip_address=client_ip_address(self.request), email=form.cleaned_data["email"]
        )
        if passed == "address":
            form.add_error(None, (
                "Too many password resets have been asked for from your network. Try again in "
                f"{throttle.reset_window_in_words()}."
            ))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        if passed == "account":
            # The same answer as when an email is sent, so nobody learns whether the address
            # has an account; its owner's inbox is spared the rest.
            return HttpResponseRedirect(self.get_success_url())
        # Links in the email use SITE_URL, not whatever Host header the request carried.
        scheme, _, domain = settings.SITE_URL.rstrip("/").partition("://")
        self.extra_email_context = {"service_name": settings.SERVICE_NAME,
                                    "protocol": scheme, "domain": domain}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The link in an invitation: choose a password (the GOV.UK "create a password" pattern)."""

    form_class = SetPasswordForm
    token_generator = invitation_token_generator
    template_name = "accounts/invitation_accept.html"
    success_url = reverse_lazy("invitation_complete")
    reset_url_token = "set-password"


class InvitationCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/invitation_complete.html"


@method_decorator(never_cache, name="dispatch")
class TwoFactorVerifyView(View):
    """Ask for a code from the authenticator app, or a recovery code, after the password."""

    two_factor_exempt = True
    template_name = "accounts/two_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if twofactor.is_verified(request) or twofactor.session_state(request) != twofactor.VERIFY:
            return redirect(safe_next(request))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(OTPTokenForm())

    @method_decorator(sensitive_post_parameters("otp_token"))
    def post(self, request):
        form = OTPTokenForm(request.POST)
        if form.is_valid():
            if throttle.password_checks_locked(request, request.user):
                form.add_error("otp_token", throttle_message())
            elif twofactor.verify(request=request, token=form.cleaned_data["otp_token"]):
                return redirect(safe_next(request))
            elif throttle.record_failure(request, request.user):
                form.add_error("otp_token", throttle_message())
            else:
                form.add_error(
                    "otp_token",
                    "The code is not right. Enter the 6-digit code your authenticator app shows "
                    "now, or one of your recovery codes",
                )
        return self.render(form, status=200)

    def render(self, form, status=200):
        return render(request=self.request, template_name=self.template_name, status=status,
                      context={"form": form, "next": safe_next(self.request)})


@method_decorator(never_cache, name="dispatch")
class TwoFactorSetUpView(View):
    """Set up an authenticator app: scan the QR code (or type the secret), then enter a code."""

    two_factor_exempt = True
    template_name = "accounts/two_factor_set_up.html"

    def dispatch(self, request, *args, **kwargs):
        # Someone with an app must verify first: a stolen password must not replace the app.
        if not twofactor.is_verified(request) and twofactor.session_state(request) == \
                twofactor.VERIFY:
            return redirect(reverse("two_factor_verify"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(OTPTokenForm())

    @method_decorator(sensitive_post_parameters("otp_token"))
    def post(self, request):
        form = OTPTokenForm(request.POST)
        device = twofactor.pending_app(request.user)
        if form.is_valid():
            if throttle.password_checks_locked(request, request.user):
                form.add_error("otp_token", throttle_message())
            else:
                codes = twofactor.app_confirm(
                    request=request, device=device, token=form.cleaned_data["otp_token"]
                )
                if codes is not None:
                    request.session[twofactor.RECOVERY_CODES_KEY] = codes
                    messages.success(request, "Two-factor sign-in is set up")
                    return redirect(f"{reverse('recovery_codes')}?next={safe_next(request)}")
                form.add_error("otp_token", throttle_message() if throttle.record_failure(
                    request, request.user
                ) else "The code is not right. Enter the 6-digit code your authenticator app "
                       "shows now")
        return self.render(form)

    def render(self, form):
        # Recovery codes do not exist yet at this step.
        form.fields["otp_token"].help_text = "The 6-digit code your authenticator app shows"
        device = twofactor.pending_app(self.request.user)
        return render(self.request, self.template_name, {
            "form": form,
            "qr_code": twofactor.qr_code_svg(device),
            "secret": twofactor.secret_for_typing(device),
            "required": twofactor.is_required(self.request.user),
            "next": safe_next(self.request),
        })


@method_decorator(never_cache, name="dispatch")
class RecoveryCodesView(View):
    """Show new recovery codes once; generate a fresh set on request."""

    template_name = "accounts/recovery_codes.html"

    def get(self, request):
        codes = request.session.pop(twofactor.RECOVERY_CODES_KEY, None)
        return render(request, self.template_name, {
            "codes": codes,
            "left": twofactor.recovery_codes_left(request.user),
            "has_app": twofactor.has_app(request.user),
            "next": safe_next(request, default="account"),
        })

    def post(self, request):
        if not twofactor.has_app(request.user):
            return redirect("two_factor_set_up")
        request.session[twofactor.RECOVERY_CODES_KEY] = twofactor.recovery_codes_replace(
            user=request.user
        )
        return redirect("recovery_codes")


class TwoFactorTurnOffView(View):
    """Turn two-factor sign-in off, for those who need not use it."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            twofactor.two_factor_turn_off(request=request)
        except PermissionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Two-factor sign-in is turned off")
        return redirect("account")


class AccountView(TemplateView):
    """Your account: who you are, your organisations and roles, password and two-factor."""

    template_name = "accounts/account.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "nav_section": "account",
            "memberships": Membership.objects.filter(user=user).select_related("organisation"),
            "has_app": twofactor.has_app(user),
            "required": twofactor.is_required(user),
            "recovery_codes_left": twofactor.recovery_codes_left(user),
        }


def throttle_message():
    return (
        "You entered a wrong code or password too many times. "
        f"Wait {throttle.cool_off_in_words()}, then try again"
    )


class LogoutView(auth_views.LogoutView):
    """
    Sign out here; after a single sign-on, go on to a page offering the provider's own sign-out
    (its end-session address), as signing out here does not sign anyone out of their
    organisation's account.
    """

    # Sign-out must work for a session that has not finished two-factor sign-in.
    two_factor_exempt = True

    def post(self, request, *args, **kwargs):
        signed_in_with = request.session.get(sso.SESSION_KEY)
        response = super().post(request, *args, **kwargs)
        provider = sso.provider_get(signed_in_with["provider"]) if signed_in_with else None
        if provider is None:
            return response
        # The session was emptied by signing out; this new one carries only the link.
        request.session[SIGNED_OUT_KEY] = {
            "label": sso.provider_label(provider),
            "url": sso.end_session_url(provider, signed_in_with.get("id_token", "")),
        }
        return redirect("signed_out")


@method_decorator([login_not_required, never_cache], name="dispatch")
class SignedOutView(TemplateView):
    """You have signed out; and the link to sign out of the organisation's account too."""

    two_factor_exempt = True
    template_name = "accounts/signed_out.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "signed_out_of": self.request.session.pop(SIGNED_OUT_KEY, None)}
