from django.urls import include, path

from .views import browse

app_name = "responses"

# The browse pages of the record. A response's own page and its actions are the workflow's
# (workflow.urls), requests for more time and the priority mark the deadlines' (deadlines.urls),
# under the same addresses.

# /super-complaints/<slug>/recommendations/<number>/...
recommendation_urls = [
    path("", browse.RecommendationDetailView.as_view(), name="recommendation_detail"),
    path("export/", browse.RecommendationExportView.as_view(), name="recommendation_export"),
    path("compare/", browse.RecommendationCompareView.as_view(), name="recommendation_compare"),
]

# /super-complaints/...
super_complaint_urls = [
    path("", browse.SuperComplaintListView.as_view(), name="supercomplaint_list"),
    path("<slug:slug>/", browse.SuperComplaintDetailView.as_view(), name="supercomplaint_detail"),
    path("<slug:slug>/matrix/", browse.MatrixView.as_view(), name="matrix"),
    path("<slug:slug>/matrix/export/", browse.MatrixExportView.as_view(), name="matrix_export"),
    path(
        "<slug:slug>/export/",
        browse.SuperComplaintExportView.as_view(),
        name="supercomplaint_export",
    ),
    path("<slug:slug>/recommendations/<str:number>/", include(recommendation_urls)),
]

urlpatterns = [
    path("super-complaints/", include(super_complaint_urls)),
    path("organisations/", browse.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "organisations/<slug:slug>/",
        browse.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path(
        "organisations/<slug:slug>/export/",
        browse.OrganisationExportView.as_view(),
        name="organisation_export",
    ),
]
