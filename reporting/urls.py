from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path(
        "organisations/<slug:slug>/dashboard/",
        views.OrganisationDashboardView.as_view(),
        name="dashboard_organisation",
    ),
    path(
        "organisations/<slug:slug>/dashboard/export/",
        views.DashboardExportView.as_view(),
        name="dashboard_export",
    ),
    path("overview/", views.OverviewView.as_view(), name="overview"),
]
