from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from responses.views.home import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include("tracker.accounts.urls")),
    # One way in: the service's sign-in (password, then two-factor), never the admin's own form.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("", include("responses.urls")),
]
