from django.urls import include, path

from .views import browse, chasers, extensions, priority, workflow

app_name = "responses"

# /super-complaints/<slug>/recommendations/<number>/<organisation>/...
response_urls = [
    path("", workflow.ResponseDetailView.as_view(), name="response_detail"),
    path("updates/new/", workflow.UpdateCreateView.as_view(), name="update_create"),
    path("review/", workflow.ResponseReviewView.as_view(), name="response_review"),
    path(
        "extensions/new/", extensions.ExtensionRequestView.as_view(), name="extension_request"
    ),
    path(
        "extensions/<int:pk>/decide/",
        extensions.ExtensionDecideView.as_view(),
        name="extension_decide",
    ),
    path("chasers/send/", chasers.ChaserSendView.as_view(), name="chaser_send"),
]

# /super-complaints/<slug>/recommendations/<number>/...
recommendation_urls = [
    path("", browse.RecommendationDetailView.as_view(), name="recommendation_detail"),
    path("export/", browse.RecommendationExportView.as_view(), name="recommendation_export"),
    path("compare/", browse.RecommendationCompareView.as_view(), name="recommendation_compare"),
    path(
        "priority/",
        priority.RecommendationPriorityView.as_view(),
        name="recommendation_priority",
    ),
    path("<slug:organisation>/", include(response_urls)),
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

# /updates/<pk>/...
update_urls = [
    path("edit/", workflow.UpdateEditView.as_view(), name="update_edit"),
    path("submit/", workflow.UpdateSubmitView.as_view(), name="update_submit"),
    path("sign-off/", workflow.UpdateSignOffView.as_view(), name="update_sign_off"),
    path("delete/", workflow.UpdateDeleteView.as_view(), name="update_delete"),
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
    path("updates/<int:pk>/", include(update_urls)),
]
