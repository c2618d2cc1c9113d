"""Reads for accounts: the account review (every account, how it signs in, whether it is used)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ExternalIdentity, Membership


def unused_since(now=None):
    """The moment before which an account's last sign-in makes it unused."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.ACCOUNT_UNUSED_DAYS)


def unused_accounts(now=None):
    """
    Active accounts nobody signed in to for ACCOUNT_UNUSED_DAYS: never signed in and made
    before then, or last signed in before then.
    """
    cutoff = unused_since(now)
    return get_user_model().objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )


@dataclass(frozen=True)
class AccountRow:
    user: object
    memberships: list
    providers: list  # names of the identity providers the account signs in with
    password: bool  # can sign in with a password
    authenticator_app: bool
    unused: bool


def account_review(now=None):
    """Every account with its organisations, roles and ways of signing in. Three queries."""
    cutoff = unused_since(now)
    users = (
        get_user_model().objects.order_by("-is_active", "last_name", "first_name", "username")
        .annotate(has_app=Exists(
            TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        ))
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("organisation")
                     .order_by("organisation__name")),
            Prefetch("external_identities", queryset=ExternalIdentity.objects.order_by("provider")),
        )
    )
    return [
        AccountRow(
            user=user,
            memberships=list(user.memberships.all()),
            providers=[identity.provider for identity in user.external_identities.all()],
            password=user.has_usable_password(),
            authenticator_app=user.has_app,
            unused=user.is_active and (
                user.last_login < cutoff if user.last_login else user.date_joined < cutoff
            ),
        )
        for user in users
    ]
