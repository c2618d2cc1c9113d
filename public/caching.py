"""How public pages are cached: by browsers and shared caches, revalidated by ETag."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import patch_cache_control
from django.utils.decorators import decorator_from_middleware

# An ETag from the content, and 304 Not Modified for a matching If-None-Match.
_etag = decorator_from_middleware(ConditionalGetMiddleware)


def public_page(view):
    """
    Open `view` to visitors and let its answer be cached (`Cache-Control: public, max-age`,
    `ETag`). Public pages show the same thing to everyone and carry no form, so nothing of a
    signed-in user is cached: tracker.middleware.NoStoreMiddleware still sends `no-store` to a
    signed-in user.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response

    return login_not_required(_etag(wrapped))
