"""/documents/...: the documents a signed-in user makes from everything they may read."""

from django.urls import path

from . import views
from .urls import LETTER, OVERVIEW, RESPONSE_PAGE

# /documents/super-complaints/<slug>/recommendations/<number>/organisations/<organisation>/...
CHASER = (
    "super-complaints/<slug:slug>/recommendations/<str:number>/organisations/<slug:organisation>"
)

app_name = "documents"

urlpatterns = [
    path("super-complaints/<slug:slug>/organisations/<slug:organisation>/response/",
         RESPONSE_PAGE["signed_in"], name="response_page"),
    path("super-complaints/<slug:slug>/organisations/<slug:organisation>/response.docx",
         RESPONSE_PAGE["signed_in_docx"], name="response_page_docx"),
    path("super-complaints/<slug:slug>/organisations/<slug:organisation>/letter/",
         LETTER["signed_in"], name="letter"),
    path("super-complaints/<slug:slug>/organisations/<slug:organisation>/letter.docx",
         LETTER["signed_in_docx"], name="letter_docx"),
    path("organisations/<slug:organisation>/overview/", OVERVIEW["signed_in"], name="overview"),
    path("organisations/<slug:organisation>/overview.docx", OVERVIEW["signed_in_docx"],
         name="overview_docx"),
    path(f"{CHASER}/chasers/<int:step>/", views.chaser_letter, name="chaser_letter"),
    # The next step's letter before it is sent (nothing recorded until "Send").
    path(f"{CHASER}/chasers/next/", views.chaser_letter_preview, name="chaser_letter_preview"),
    path(f"{CHASER}/chasers/<int:step>.docx", views.chaser_letter_docx,
         name="chaser_letter_docx"),
]
