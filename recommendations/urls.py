from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("super-complaints/", views.SuperComplaintListView.as_view(), name="supercomplaint_list"),
    path(
        "super-complaints/<slug:slug>/",
        views.SuperComplaintDetailView.as_view(),
        name="supercomplaint_detail",
    ),
]
