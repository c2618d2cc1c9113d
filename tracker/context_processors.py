from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

# The service navigation's links (base.html): {name in templates: URL name}.
NAVIGATION = {
    "home": "home",
    "dashboard": "reporting:dashboard",
    "overview": "reporting:overview",
    "super_complaints": "responses:supercomplaint_list",
    "organisations": "responses:organisation_list",
    "public_super_complaints": "public:supercomplaint_list",
    "public_organisations": "public:organisation_list",
    "account": "account",
    "sign_in": "login",
    "sign_out": "logout",
    # The footer's links (every page)
    "help": "help",
    "accessibility": "accessibility",
    "privacy": "privacy",
    "cookies": "cookies",
    "admin": "admin:index",
}


@cache
def _navigation_urls(script_prefix):
    """The navigation's URLs, reversed once per process (and prefix) instead of on every page."""
    return {name: reverse(url_name) for name, url_name in NAVIGATION.items()}


def service(request):
    """Expose the service name, the help address and the navigation's and footer's URLs."""
    return {
        "service_name": settings.SERVICE_NAME,
        "support_email": settings.SUPPORT_EMAIL,
        "navigation_urls": _navigation_urls(get_script_prefix()),
    }
