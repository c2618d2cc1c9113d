from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.http.request import validate_host


@register(Tags.security, deploy=True)
def check_secret_key_is_not_the_development_key(app_configs, **kwargs):
    """Refuse to deploy with the development SECRET_KEY that ships in settings.py."""
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the development key.",
                hint="Set SECRET_KEY (or SECRET_KEY_FILE) in the environment.",
                id="tracker.E001",
            )
        ]
    return []


@register(Tags.security)
def check_site_url_is_an_address(app_configs, **kwargs):
    """
    SITE_URL is the start of every absolute link the service writes (feeds, API, emails): a
    scheme and a host, nothing after them, as a path would be written twice.
    """
    parts = urlsplit(settings.SITE_URL)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path.strip("/")
        or parts.query
        or parts.fragment
    ):
        return [
            Error(
                f"SITE_URL is {settings.SITE_URL!r}, not an address such as "
                "https://tracker.example.org.",
                hint="Set SITE_URL to the scheme and host people reach the service at.",
                id="tracker.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_site_url_is_the_production_address(app_configs, **kwargs):
    """
    In production links must point at the service's own https address: an http or development
    SITE_URL sends readers of every feed, API answer and email to the wrong place.
    """
    parts = urlsplit(settings.SITE_URL)
    warnings = []
    if parts.scheme != "https":
        warnings.append(
            Warning(
                f"SITE_URL is {settings.SITE_URL!r}, not an https address (unset, it is the "
                "development address): feeds, API answers and emails would link there.",
                hint="Set SITE_URL to the https address people use, e.g. "
                "https://tracker.example.org.",
                id="tracker.W001",
            )
        )
    if parts.hostname and not validate_host(parts.hostname, settings.ALLOWED_HOSTS):
        warnings.append(
            Warning(
                f"SITE_URL's host {parts.hostname!r} is not in ALLOWED_HOSTS: links to the "
                "service would be refused by it.",
                hint="Add the host to ALLOWED_HOSTS, or correct SITE_URL.",
                id="tracker.W002",
            )
        )
    return warnings


@register(Tags.security, deploy=True)
def check_identity_providers_use_https(app_configs, **kwargs):
    """
    A provider's issuer reached over plain http would let anyone on the way swap its keys, and
    so sign in as anyone: production providers are https (the tests' is on loopback).
    """
    return [
        Warning(
            f"OIDC_PROVIDERS: {provider['name']}'s issuer {provider['issuer']!r} is not https.",
            hint="Use the provider's https issuer (Entra ID: "
                 "https://login.microsoftonline.com/<tenant id>/v2.0).",
            id="tracker.W003",
        )
        for provider in settings.OIDC_PROVIDERS
        if urlsplit(provider["issuer"]).scheme != "https"
    ]
