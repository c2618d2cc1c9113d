from django.urls import include, path

from . import feeds, views
from .caching import public_document

app_name = "public"

RESPONSE_PAGE = views.document_views("response_page")
OVERVIEW = views.document_views("overview")
LETTER = views.document_views("letter")

# /public/super-complaints/<slug>/organisations/<organisation>/... and
# /public/organisations/<organisation>/...: documents made for publication.
document_urls = [
    path("super-complaints/<slug:slug>/organisations/<slug:organisation>/response/",
         RESPONSE_PAGE["public"], name="response_page"),
    path("super-complaints/<slug:slug>/organisations/<slug:organisation>/response.docx",
         RESPONSE_PAGE["public_docx"], name="response_page_docx"),
    path("super-complaints/<slug:slug>/organisations/<slug:organisation>/letter/",
         LETTER["public"], name="letter"),
    path("super-complaints/<slug:slug>/organisations/<slug:organisation>/letter.docx",
         LETTER["public_docx"], name="letter_docx"),
    path("organisations/<slug:organisation>/overview/", OVERVIEW["public"], name="overview"),
    path("organisations/<slug:organisation>/overview.docx", OVERVIEW["public_docx"],
         name="overview_docx"),
]

# /public/super-complaints/<slug>/recommendations/<number>/...
recommendation_urls = [
    path("", views.recommendation_detail, name="recommendation_detail"),
    path("<slug:organisation>/", views.response_detail, name="response_detail"),
]

urlpatterns = [
    path("", views.super_complaint_list, name="supercomplaint_list"),
    path("super-complaints/<slug:slug>/", views.super_complaint_detail,
         name="supercomplaint_detail"),
    path("super-complaints/<slug:slug>/feed/", public_document(feeds.SuperComplaintFeed()),
         name="supercomplaint_feed"),
    path("super-complaints/<slug:slug>/recommendations/<str:number>/",
         include(recommendation_urls)),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<slug:slug>/feed/", public_document(feeds.OrganisationFeed()),
         name="organisation_feed"),
    *document_urls,
]
