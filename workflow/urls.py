from django.urls import include, path

from .views import chasers, responses

app_name = "workflow"

# /super-complaints/<slug>/recommendations/<number>/<organisation>/...
response_urls = [
    path("", responses.ResponseDetailView.as_view(), name="response_detail"),
    path("updates/new/", responses.UpdateCreateView.as_view(), name="update_create"),
    path("review/", responses.ResponseReviewView.as_view(), name="response_review"),
    path("chasers/send/", chasers.ChaserSendView.as_view(), name="chaser_send"),
]

# /updates/<pk>/...
update_urls = [
    path("edit/", responses.UpdateEditView.as_view(), name="update_edit"),
    path("submit/", responses.UpdateSubmitView.as_view(), name="update_submit"),
    path("sign-off/", responses.UpdateSignOffView.as_view(), name="update_sign_off"),
    path("delete/", responses.UpdateDeleteView.as_view(), name="update_delete"),
]

urlpatterns = [
    path(
        "super-complaints/<slug:slug>/recommendations/<str:number>/<slug:organisation>/",
        include(response_urls),
    ),
    path("updates/<int:pk>/", include(update_urls)),
]
