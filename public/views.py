"""
Public pages (no sign-in) and the generated documents. Reads come from public.selectors and
public.documents; every public view shows `ResponseUpdate.objects.public()` only.
"""

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify

from accounts import permissions
from deadlines import chasing
from responses.models import ResponseUpdate, response_url
from responses.selectors.targets import response_target_get

from . import documents, selectors
from .caching import public_document, public_page
from .docx import DOCX_CONTENT_TYPE, document_docx


@public_page
def super_complaint_list(request):
    return TemplateResponse(
        request,
        "public/supercomplaint_list.html",
        {"super_complaints": selectors.super_complaint_list(), "nav_section": "public"},
    )


@public_page
def super_complaint_detail(request, slug):
    super_complaint, recommendations = selectors.super_complaint_detail(slug=slug)
    return TemplateResponse(
        request,
        "public/supercomplaint_detail.html",
        {"super_complaint": super_complaint, "recommendations": recommendations,
         "nav_section": "public"},
    )


@public_page
def recommendation_detail(request, slug, number):
    recommendation = selectors.recommendation_get(slug=slug, number=number)
    return TemplateResponse(
        request,
        "public/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "super_complaint": recommendation.super_complaint,
            "positions": selectors.recommendation_positions(recommendation=recommendation),
            "nav_section": "public",
        },
    )


@public_page
def organisation_list(request):
    return TemplateResponse(
        request,
        "public/organisation_list.html",
        {"organisations": selectors.organisation_list(), "nav_section": "public_organisations"},
    )


@public_page
def organisation_detail(request, slug):
    answers = selectors.organisation_answers(slug=slug, page=request.GET.get("page"))
    return TemplateResponse(
        request,
        "public/organisation_detail.html",
        {
            "answers": answers,
            "organisation": answers.organisation,
            "page_obj": answers.page_obj,
            "nav_section": "public_organisations",
        },
    )


@public_page
def response_detail(request, slug, number, organisation):
    history = selectors.response_history(slug=slug, number=number, organisation_slug=organisation)
    return TemplateResponse(
        request,
        "public/response_detail.html",
        {
            "history": history,
            "recommendation": history.recommendation,
            "super_complaint": history.recommendation.super_complaint,
            "organisation": history.organisation,
            "nav_section": "public",
        },
    )


# Documents. The same views serve the public ones (under /public/, made for publication) and,
# under /documents/, the ones a signed-in user makes from everything they may read.


def _letter_date(request):
    """The letter's date: ?date=YYYY-MM-DD, else today. A malformed date is a 404."""
    value = request.GET.get("date", "")
    if not value:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise Http404("Not a date") from error


BUILDERS = {
    "response_page": lambda request, kwargs, common: documents.response_page(
        organisation_slug=kwargs["organisation"],
        super_complaint_slug=kwargs["slug"],
        **common,
    ),
    "overview": lambda request, kwargs, common: documents.overview(
        organisation_slug=kwargs["organisation"],
        # Sign-offs are never counted in a document made for publication: no need to ask.
        member_organisation_ids=(
            () if common["for_publication"]
            else permissions.member_organisation_ids(request.user)
        ),
        full_text=request.GET.get("text") == "full",
        **common,
    ),
    "letter": lambda request, kwargs, common: documents.letter(
        organisation_slug=kwargs["organisation"],
        super_complaint_slug=kwargs["slug"],
        date=_letter_date(request),
        reference=request.GET.get("reference", "")[:100],
        opening=request.GET.get("opening", ""),
        **common,
    ),
}


def _document_view(kind, *, for_publication, word=False):
    def view(request, **kwargs):
        publication = for_publication or request.GET.get("for") == "publication"
        updates = (
            ResponseUpdate.objects.public()
            if publication
            else ResponseUpdate.objects.readable_by(request.user)
        )
        document = BUILDERS[kind](
            request, kwargs, {"updates": updates, "for_publication": publication}
        )
        if word:
            response = HttpResponse(document_docx(document), content_type=DOCX_CONTENT_TYPE)
            name = slugify(f"{document.organisation.short_name} {document.title}")[:80]
            response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
            return response
        for_publication_query = request.GET.copy()
        for_publication_query["for"] = "publication"
        return TemplateResponse(
            request,
            f"public/document_{kind}.html",
            {
                "document": document,
                "for_publication_url": f"{request.path}?{for_publication_query.urlencode()}",
                "word_url": request.path.rstrip("/") + ".docx"
                + (f"?{request.GET.urlencode()}" if request.GET else ""),
                "nav_section": "public" if for_publication else "",
            },
        )

    view.__name__ = f"{kind}_{'public' if for_publication else 'document'}"
    if not for_publication:
        return view
    # A Word document has no navigation: the same bytes for every reader, signed in or not.
    return public_document(view) if word else public_page(view)


def document_views(kind):
    """(HTML view, Word view) for the public and the signed-in routes."""
    return {
        "public": _document_view(kind, for_publication=True),
        "public_docx": _document_view(kind, for_publication=True, word=True),
        "signed_in": _document_view(kind, for_publication=False),
        "signed_in_docx": _document_view(kind, for_publication=False, word=True),
    }


def _chaser_letter(request, slug, number, organisation, step):
    return documents.chaser_letter(
        super_complaint_slug=slug, number=number, organisation_slug=organisation, step=step,
        user=request.user,
    )


def chaser_letter(request, slug, number, organisation, step):
    """A step of the chasing ladder as a printable letter (signed in, need-to-know)."""
    letter = _chaser_letter(request, slug, number, organisation, step)
    return TemplateResponse(
        request,
        "public/document_chaser_letter.html",
        {
            "document": letter,
            "word_url": request.path.rstrip("/") + ".docx",
            "response_url": response_url(letter.recommendation, letter.organisation),
        },
    )


def chaser_letter_preview(request, slug, number, organisation):
    """
    The next step's letter as it will be sent, for a national reviewer to read before sending
    it (issue 21, item 5), with the button that sends it (`workflow:chaser_send`). When no step
    may be sent now (sent meanwhile, answered, not overdue), back to the response page with the
    reason.
    """
    target = response_target_get(
        super_complaint_slug=slug, number=number, organisation_slug=organisation
    )
    letter, refusal = documents.chaser_letter_preview(
        target=target, user=request.user, today=timezone.localdate()
    )
    url = response_url(target.recommendation, target.organisation)
    if refusal is not None:
        messages.error(request, refusal)
        return HttpResponseRedirect(url + "#chasers")
    return TemplateResponse(
        request,
        "public/chaser_letter_preview.html",
        {
            "document": letter,
            "response_url": url,
            "send_label": chasing.SEND_LABELS[letter.chaser.step],
        },
    )


def chaser_letter_docx(request, slug, number, organisation, step):
    """The same letter as a Word file."""
    letter = _chaser_letter(request, slug, number, organisation, step)
    response = HttpResponse(document_docx(letter), content_type=DOCX_CONTENT_TYPE)
    name = slugify(f"{letter.organisation.short_name} {letter.title}")[:80]
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response
