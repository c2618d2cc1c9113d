from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportsHomeView.as_view(), name="home"),
    path("portal/", views.PortalUploadView.as_view(), name="portal_upload"),
    path("portal/<uuid:pk>/", views.PortalPreviewView.as_view(), name="portal_preview"),
    path("recommendations/", views.RecommendationsUploadView.as_view(),
         name="recommendations_upload"),
    path("recommendations/<uuid:pk>/", views.RecommendationsPreviewView.as_view(),
         name="recommendations_preview"),
    path("recommendations/template.csv", views.RecommendationsTemplateView.as_view(),
         {"file_format": "csv"}, name="recommendations_template_csv"),
    path("recommendations/template.xlsx", views.RecommendationsTemplateView.as_view(),
         {"file_format": "xlsx"}, name="recommendations_template_xlsx"),
]
