from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.urls import include, path
from django.utils.decorators import method_decorator
from django.views.generic import RedirectView

from public.basics import BasicsPageView
from reminders.views import NotificationPreferencesView, ReminderPreferenceView
from tracker import health
from workflow.views.home import HomeView


@method_decorator(login_not_required, name="dispatch")
class AdminLoginRedirectView(RedirectView):
    """
    The admin's sign-in page: send visitors to the service's sign-in; a signed-in user who is
    sent here lacks admin rights, so gets the 403 page (a redirect would loop).
    """

    pattern_name = "login"
    query_string = True

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            raise PermissionDenied("You need administrator rights to use the admin.")
        return super().get(request, *args, **kwargs)

urlpatterns = [
    # For the platform (probes, the metrics scraper): see tracker/health.py.
    path("-/live", health.live, name="live"),
    path("-/ready", health.ready, name="ready"),
    path("-/metrics", health.metrics, name="metrics"),
    path("", HomeView.as_view(), name="home"),
    path("accounts/reminders/", ReminderPreferenceView.as_view(), name="reminder_preference"),
    path("accounts/notifications/", NotificationPreferencesView.as_view(),
         name="notification_preferences"),
    path("accounts/", include("accounts.urls")),
    # One way in: the service's sign-in (password, then two-factor), never the admin's own form.
    path("admin/login/", AdminLoginRedirectView.as_view()),
    path("admin/", admin.site.urls),
    path("imports/", include("imports.urls")),
    # The footer's pages
    path("help/", BasicsPageView.as_view(template_name="basics/help.html"), name="help"),
    path("accessibility/", BasicsPageView.as_view(template_name="basics/accessibility.html"),
         name="accessibility"),
    path("privacy/", BasicsPageView.as_view(template_name="basics/privacy.html"), name="privacy"),
    path("cookies/", BasicsPageView.as_view(template_name="basics/cookies.html"), name="cookies"),
    path("public/", include("public.urls")),
    path("documents/", include("public.document_urls")),
    path("api/v1/", include("api.urls")),
    path("", include("responses.urls")),
    path("", include("deadlines.urls")),
    path("", include("workflow.urls")),
    path("", include("reporting.urls")),
    path("", include("evidence.urls")),
]

if settings.BENCHMARK_VIEWS:
    from . import bench

    urlpatterns[:0] = [
        path("_bench/bare/", bench.bare),
        path("_bench/shell/", bench.shell),
    ]
