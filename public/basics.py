"""
The pages every public service has, linked from every page's footer: help and contact, the
accessibility statement, the privacy notice and the cookies page. Open to everyone; they hold
no data, only the settings they name (the help address, the session limits).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView


@method_decorator(login_not_required, name="dispatch")
class BasicsPageView(TemplateView):
    """A fixed page; `two_factor_exempt` so a half signed-in person can read it too."""

    two_factor_exempt = True

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "session_hours": settings.SESSION_COOKIE_AGE // 3600,
            "idle_minutes": settings.SESSION_IDLE_TIMEOUT // 60,
            "unused_days": settings.ACCOUNT_UNUSED_DAYS,
            "single_sign_on": bool(settings.OIDC_PROVIDERS),
        }
