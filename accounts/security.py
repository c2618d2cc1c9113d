from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.db.models import Sum


class AddressLimitedAxesHandler(AxesDatabaseHandler):
    """
    django-axes' database handler with a second, looser limit per address.

    Axes locks the pair (username, address) after LOGIN_FAILURE_LIMIT failures. One address
    trying many usernames (password spraying) never trips that, so the failures of every username
    from one address are summed too, and LOGIN_ADDRESS_FAILURE_LIMIT of them lock the address.
    The limit is higher than the pair's because a whole police building may sign in through one
    address. The count is read from axes' own rows in the database, so every app server behind the
    load balancer sees the same number.
    """

    def address_failures(self, request):
        """Return the failures from the request's address within the cool-off period."""
        ip_address = getattr(request, "axes_ip_address", None)
        if not ip_address:
            return 0
        attempts = AccessAttempt.objects.filter(
            ip_address=ip_address, attempt_time__gte=get_cool_off_threshold(request)
        )
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def address_is_locked(self, request):
        from django.conf import settings

        return self.address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or self.address_is_locked(request)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        # Show the lockout page on the very failure that reaches the address limit, as axes does
        # for the pair's limit.
        if request is not None and not request.axes_locked_out and self.address_is_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def username_failures(username, request):
    """Return the failed passwords for `username` from any address within the cool-off period."""
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.update_request(request)
    attempts = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
