"""
Limits on guessing secrets after sign-in: the current password on the change-password form and
two-factor codes. Failures are recorded through django-axes (the `user_login_failed` signal), so
they share its database rows and limits with failed sign-ins.
"""

import datetime

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache

from accounts.security import username_failures
from core.templatetags.govuk import duration_in_words


def password_checks_locked(request, user):
    """
    Return whether `user` may not try another secret from this request's address.

    Locked when the pair (username, address) or the address has reached django-axes' limits, or
    when the username has reached the pair's limit from all addresses together: whoever holds the
    session is already signed in, so locking the account's secret checks harms no one else.
    """
    credentials = {"username": user.get_username()}
    AxesProxyHandler.update_request(request)
    if not AxesProxyHandler.is_allowed(request, credentials):
        return True
    return username_failures(user.get_username(), request) >= settings.AXES_FAILURE_LIMIT


def record_failure(request, user):
    """
    Count a wrong secret of the signed-in `user` like a failed sign-in; return whether that
    reached a limit. The page then says so itself (django-axes' lockout page is about signing in,
    which this user already has).
    """
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
    locked = getattr(request, "axes_locked_out", False) or password_checks_locked(request, user)
    request.axes_locked_out = False
    return locked


def cool_off_in_words():
    return duration_in_words(settings.AXES_COOLOFF_TIME)


def password_reset_allowed(*, ip_address, email):
    """
    Count a request for a password-reset email, and say which limit it passed, if any:
    "address" (PASSWORD_RESET_ADDRESS_LIMIT from one network address in the window), "account"
    (PASSWORD_RESET_ACCOUNT_LIMIT for one email address) or None. Counted in Django's cache,
    shared by every app server in production, over PASSWORD_RESET_WINDOW_MINUTES.
    """
    window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
    for limit_name, key, limit in (
        ("address", f"password-reset:address:{ip_address}", settings.PASSWORD_RESET_ADDRESS_LIMIT),
        ("account", f"password-reset:account:{email.strip().lower()}",
         settings.PASSWORD_RESET_ACCOUNT_LIMIT),
    ):
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, window)
            count = 1
        if count > limit:
            return limit_name
    return None


def reset_window_in_words():
    return duration_in_words(datetime.timedelta(minutes=settings.PASSWORD_RESET_WINDOW_MINUTES))
