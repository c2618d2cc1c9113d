from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

# /accounts/...
urlpatterns = [
    path("", views.AccountView.as_view(), name="account"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.LogoutView.as_view(), name="logout"),
    path("signed-out/", views.SignedOutView.as_view(), name="signed_out"),
    # Single sign-on (OpenID Connect): /accounts/sign-in/<provider>/ and its callback
    path("sign-in/<slug:name>/", views.SingleSignOnStartView.as_view(), name="sso_start"),
    path("sign-in/<slug:name>/callback/", views.SingleSignOnCallbackView.as_view(),
         name="sso_callback"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    # Forgotten password
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    # Invitations
    path("invitation/<uidb64>/<token>/", views.InvitationAcceptView.as_view(),
         name="invitation_accept"),
    path("invitation/done/", views.InvitationCompleteView.as_view(), name="invitation_complete"),
    # Two-factor sign-in
    path("two-factor/", views.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path("two-factor/set-up/", views.TwoFactorSetUpView.as_view(), name="two_factor_set_up"),
    path("two-factor/recovery-codes/", views.RecoveryCodesView.as_view(), name="recovery_codes"),
    path("two-factor/turn-off/", views.TwoFactorTurnOffView.as_view(), name="two_factor_turn_off"),
]
