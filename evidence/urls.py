from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    # /updates/<pk>/evidence/
    path("updates/<int:pk>/evidence/", views.EvidenceFilesView.as_view(), name="files"),
    # /evidence/<pk>/...
    path("evidence/<int:pk>/download/", views.EvidenceDownloadView.as_view(), name="download"),
    path("evidence/<int:pk>/remove/", views.EvidenceRemoveView.as_view(), name="remove"),
]
