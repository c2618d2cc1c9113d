"""
Who is calling the API: a signed-in browser session (which must have passed the two-factor step
when it owes one) or a machine client with a per-user token an admin issued (django-rest-knox,
which stores only a hash of the token).
"""

from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework.authentication import SessionAuthentication

from accounts import twofactor


class TwoFactorSessionAuthentication(SessionAuthentication):
    """
    DRF's session authentication (CSRF enforced on unsafe methods), except that a session
    signed in with a password alone that still owes a two-factor code, or must set one up,
    counts as anonymous: the API is open to signed-out visitors, so the project's
    TwoFactorMiddleware lets its requests through and the check is made here instead.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        session_request = request._request
        if twofactor.is_verified(session_request):
            return result
        if twofactor.session_state(session_request) == twofactor.OPTIONAL:
            return result
        return None


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`; the token is compared with its stored hash."""
