from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from responses.views.home import HomeView

# /accounts/...
account_urls = [
    path("sign-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include(account_urls)),
    path("admin/", admin.site.urls),
    path("", include("responses.urls")),
]
