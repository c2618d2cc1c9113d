"""Facts about a request that several apps need the same way."""


def client_ip_address(request):
    """
    The address a request came from, for login throttling.

    Behind a load balancer REMOTE_ADDR is the balancer itself, so with USE_X_FORWARDED_FOR the
    right-most X-Forwarded-For entry (the one the trusted balancer appended) is used instead;
    entries further left are whatever the client sent and cannot be trusted.
    """
    from django.conf import settings

    if settings.USE_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-1]
    return request.META.get("REMOTE_ADDR", "")
