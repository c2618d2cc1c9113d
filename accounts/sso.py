"""
Single sign-on: OpenID Connect with each organisation's identity provider (Microsoft Entra ID for
police forces and their offices), configured by OIDC_PROVIDERS (tracker/settings.py).

Authlib is the client: the authorization code flow with PKCE (S256), `state` and `nonce` kept in
the session and checked on return, the code exchanged at the token endpoint, and the ID token's
signature checked against the provider's published keys (its JWKS, fetched from the discovery
document and fetched again when a token names an unknown key), then its issuer, audience (our
client id), expiry and nonce. Authlib's joserfc does the checking; nothing here parses a JWT.

What happens after a valid token (`external_sign_in`) is this service's rule: the provider's
tenant must be one configured for it, and for one of the person's organisations; the person is
found by the (issuer, subject) pair stored at their first sign-in, or, that first time, by a
verified email address of an invited account. Nobody is created: an unknown person is told to
ask their organisation's administrator.
"""

import functools
import json
import logging
from dataclasses import dataclass

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.urls import add_params_to_uri
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from joserfc.errors import JoseError

from accounts.models import ExternalIdentity

logger = logging.getLogger(__name__)

SESSION_KEY = "sso"
# amr values (RFC 8176) that mean more than a password was used. Entra ID sends "mfa".
DEFAULT_MFA_AMR = ("mfa", "otp", "hwk", "swk", "fido", "sms", "tel", "face", "fpt", "iris")


class SignInRefused(Exception):
    """The provider's answer does not sign anyone in; the message is for the person."""


@dataclass(frozen=True)
class ExternalSignIn:
    user: object
    identity: ExternalIdentity
    second_factor: bool  # the provider asserts multi-factor authentication


def providers():
    """The configured providers (a list of dicts, OIDC_PROVIDERS), in the order configured."""
    return settings.OIDC_PROVIDERS


def provider_get(name):
    return next((p for p in providers() if p["name"] == name), None)


def provider_label(provider):
    return provider.get("label") or provider["name"]


def metadata_url(provider):
    return provider["issuer"].rstrip("/") + "/.well-known/openid-configuration"


def redirect_uri(provider):
    """Where the provider sends people back: SITE_URL, never the request's Host header."""
    return settings.SITE_URL.rstrip("/") + reverse("sso_callback", args=[provider["name"]])


@functools.cache
def _client(config):
    """One Authlib client per provider configuration, keeping its discovery document and keys."""
    provider = json.loads(config)
    registry = OAuth()
    return registry.register(
        name=provider["name"],
        client_id=provider["client_id"],
        client_secret=provider["client_secret"],
        server_metadata_url=metadata_url(provider),
        client_kwargs={
            "scope": provider.get("scope", "openid email profile"),
            "code_challenge_method": "S256",
            "timeout": 10,
        },
    )


def client_for(provider):
    return _client(json.dumps(provider, sort_keys=True))


def authorize_redirect(request, provider):
    """Start a sign-in: a redirect to the provider, with state, nonce and PKCE kept here."""
    return client_for(provider).authorize_redirect(request, redirect_uri(provider))


def token_from_callback(request, provider):
    """
    Check the provider's answer (state), exchange the code (PKCE verifier) and validate the ID
    token; return the token with its checked claims in "userinfo". Raise SignInRefused.
    """
    client = client_for(provider)
    try:
        token = client.authorize_access_token(
            request,
            leeway=settings.OIDC_CLOCK_LEEWAY,
            # Authlib checks the audience only when told to (otherwise only through `azp`).
            claims_options={
                "iss": {"essential": True, "values": [provider["issuer"]]},
                "aud": {"essential": True, "values": [provider["client_id"]]},
            },
        )
    except MismatchingStateError:
        raise SignInRefused(
            "The sign-in did not match one started in this browser, or took too long. "
            "Start again."
        ) from None
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError,
            KeyError) as error:
        logger.warning("Single sign-on with %s refused: %r", provider["name"], error)
        raise SignInRefused(
            "Your organisation's account could not sign you in. Start again, and if it happens "
            "again, contact the helpdesk."
        ) from None
    if not token.get("userinfo"):
        # Authlib validates an ID token only when it kept a nonce; without one, nothing is known.
        raise SignInRefused("Your organisation's account did not say who you are. Start again.")
    return token


def asserts_second_factor(provider, claims):
    """Return whether the ID token says the person used more than a password (amr or acr)."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    mfa_amr = set(provider.get("mfa_amr", DEFAULT_MFA_AMR))
    if mfa_amr.intersection(amr):
        return True
    acr = claims.get("acr")
    return bool(acr) and acr in set(provider.get("mfa_acr", ()))


def _verified_email(provider, claims):
    email = (claims.get("email") or "").strip()
    if email and (claims.get("email_verified") is True or provider.get("trust_email")):
        return email
    return ""


def _unknown_person(email):
    who = f"for {email} " if email else ""
    return SignInRefused(
        f"There is no account in this service {who}yet. Ask your organisation's "
        "administrator for this service to invite you."
    )


@transaction.atomic
def external_sign_in(*, provider, claims):
    """
    Find the account a validated ID token signs in, or raise SignInRefused with the reason.

    - The tenant (Entra ID's `tid`, or the configured claim) must be one of the provider's,
      and one of the person's organisations must be among that tenant's organisations
      ("*": any, and people with no organisation, such as administrators).
    - A known (issuer, subject) pair finds its account; otherwise a verified email address that
      names exactly one account links it, once. No account is ever created here.
    - A deactivated account is refused, whoever the provider says it is.
    """
    tenant = claims.get(provider.get("tenant_claim", "tid"))
    tenant_organisations = provider["tenants"].get(tenant) if tenant else None
    if tenant_organisations is None:
        raise SignInRefused(
            "This service does not accept sign-ins from your organisation's account. Sign in "
            "with your email address and password, or ask your organisation's administrator."
        )
    issuer, subject = claims["iss"], str(claims["sub"])
    email = _verified_email(provider, claims)
    identity = (
        ExternalIdentity.objects.select_for_update().select_related("user")
        .filter(issuer=issuer, subject=subject).first()
    )
    if identity is None:
        if not email:
            raise _unknown_person("")
        matches = list(get_user_model().objects.filter(email__iexact=email)[:2])
        if len(matches) != 1:
            raise _unknown_person(email)
        user = matches[0]
        if ExternalIdentity.objects.filter(user=user, issuer=issuer).exists():
            # Someone else at the provider now holds the address this account was linked by.
            raise SignInRefused(
                "Your organisation's account does not match the account in this service. Ask "
                "your organisation's administrator for this service."
            )
        identity = ExternalIdentity(user=user, issuer=issuer, subject=subject)
    user = identity.user
    if not user.is_active:
        raise SignInRefused(
            "Your account in this service is deactivated. Ask your organisation's administrator "
            "for this service."
        )
    if tenant_organisations != "*":
        slugs = set(user.memberships.values_list("organisation__slug", flat=True))
        if not slugs.intersection(tenant_organisations):
            raise SignInRefused(
                "Your organisation's account cannot sign you in for the organisations you are a "
                "member of here. Sign in with the account of the organisation you work for."
            )
    identity.provider = provider["name"]
    identity.email = email or identity.email
    identity.last_used_at = timezone.now()
    identity.full_clean()
    identity.save()
    return ExternalSignIn(user=user, identity=identity,
                          second_factor=asserts_second_factor(provider, claims))


def end_session_url(provider, id_token):
    """
    The provider's end-session (RP-initiated logout) address, to sign out there too, or "" when
    it publishes none. Reads the discovery document (kept after the first sign-in).
    """
    try:
        metadata = client_for(provider).load_server_metadata()
    except (AuthlibBaseError, requests.RequestException, ValueError):
        return ""
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return ""
    return add_params_to_uri(endpoint, {
        "id_token_hint": id_token,
        "client_id": provider["client_id"],
        "post_logout_redirect_uri": settings.SITE_URL.rstrip("/") + reverse("signed_out"),
    })
