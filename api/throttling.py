"""Rate limits: anonymous callers (per address) get fewer requests than users (per user)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.http import client_ip_address


class AnonymousThrottle(AnonRateThrottle):
    # The rate is read on each request (DRF binds its own setting at import time), so a changed
    # setting takes effect without a restart of the test process.
    def get_rate(self):
        return settings.API_ANONYMOUS_RATE

    def get_ident(self, request):
        """The caller's address, taken the way login throttling takes it (USE_X_FORWARDED_FOR)."""
        return client_ip_address(request._request)


class SignedInThrottle(UserRateThrottle):
    def get_rate(self):
        return settings.API_SIGNED_IN_RATE
