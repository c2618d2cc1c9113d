from django.urls import path

from . import views

app_name = "deadlines"

RECOMMENDATION = "super-complaints/<slug:slug>/recommendations/<str:number>/"

urlpatterns = [
    path(
        RECOMMENDATION + "priority/",
        views.RecommendationPriorityView.as_view(),
        name="recommendation_priority",
    ),
    path(
        RECOMMENDATION + "<slug:organisation>/extensions/new/",
        views.ExtensionRequestView.as_view(),
        name="extension_request",
    ),
    path(
        RECOMMENDATION + "<slug:organisation>/extensions/<int:pk>/decide/",
        views.ExtensionDecideView.as_view(),
        name="extension_decide",
    ),
]
