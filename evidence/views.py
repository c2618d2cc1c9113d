"""
Evidence pages: the files of a draft (attach, remove) and the one way to download a file.

Reads come from evidence.selectors, writes go through evidence.services, which check the
user's role again. Stored files are never served from a public folder: every download comes
through `EvidenceDownloadView`, which applies the update's visibility rule.
"""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView

from accounts import permissions
from core.forms import add_service_errors
from responses import services as response_services
from responses.models import response_url
from responses.selectors.targets import response_update_get
from responses.services import CONFLICT_CODES

from . import services
from .forms import EvidenceUploadForm
from .selectors import evidence_file_get, evidence_file_list
from .uploads import limit_upload_size, upload_was_too_large


def update_page_url(update):
    """The update on its response's page."""
    response = update.response
    return f"{response_url(response.recommendation, response.organisation)}#update-{update.pk}"


@method_decorator(csrf_exempt, name="dispatch")
class EvidenceFilesView(FormView):
    """
    The files of a draft or returned update: the list, each with a Remove button, and a form to
    attach one more (title, protective marking, file).
    """

    form_class = EvidenceUploadForm
    template_name = "evidence/evidence_files.html"

    def dispatch(self, request, *args, **kwargs):
        # The size limit must be in place before anything reads the upload, the CSRF check
        # included, hence csrf_exempt on dispatch and the same check (csrf_protect) just after.
        limit_upload_size(request)
        return csrf_protect(self._dispatch)(request, *args, **kwargs)

    def _dispatch(self, request, *args, **kwargs):
        self.update = response_update_get(pk=kwargs["pk"])
        permissions.require_writer(request.user, self.update.response.organisation_id)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not self.update.is_editable:
            messages.error(request, response_services.NOT_EDITABLE)
            return HttpResponseRedirect(update_page_url(self.update))
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "too_large": upload_was_too_large(self.request)}

    def get_context_data(self, **kwargs):
        response = self.update.response
        return super().get_context_data(
            update=self.update,
            files=evidence_file_list(update=self.update),
            recommendation=response.recommendation,
            organisation=response.organisation,
            response_url=response_url(response.recommendation, response.organisation),
            update_url=update_page_url(self.update),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            evidence = services.evidence_file_add(
                update=self.update,
                user=self.request.user,
                uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                marking=form.cleaned_data["marking"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            # Submitted or published meanwhile: nothing can be attached any more.
            status = 409 if getattr(error, "code", None) in CONFLICT_CODES else 200
            return self.render_to_response(self.get_context_data(form=form), status=status)
        messages.success(self.request, f"File attached: {evidence.title}")
        return HttpResponseRedirect(reverse("evidence:files", args=[self.update.pk]))


class EvidenceRemoveView(View):
    """Remove one file from a draft or returned update (POST only)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        evidence = evidence_file_get(pk=pk)
        update = evidence.update
        permissions.require_writer(request.user, update.response.organisation_id)
        try:
            services.evidence_file_remove(evidence_file=evidence, user=request.user)
        except ValidationError as error:
            # The update was submitted or published: its files are part of the record.
            raise PermissionDenied(" ".join(error.messages)) from None
        messages.success(request, f"File removed: {evidence.title}")
        return HttpResponseRedirect(reverse("evidence:files", args=[update.pk]))


# Letters (any alphabet), digits, spaces and . _ - ( ) stay in a download's name; anything else
# (quotes, slashes, semicolons, control characters) becomes "_".
_UNSAFE_IN_NAME = re.compile(r"[^\w .()-]+")


def download_name(evidence):
    """
    The name a download is saved under: the original name made safe for a header and a file
    system, always ending in the extension of its checked type.
    """
    stem = evidence.original_name
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    stem = _UNSAFE_IN_NAME.sub("_", stem).strip(" ._")[:150] or "evidence"
    return f"{stem}.{evidence.extension}"


class EvidenceDownloadView(View):
    """
    Download one file, if the user may read its update (a published update's files for anyone
    signed in, a draft's only inside its organisation) and, for an OFFICIAL-SENSITIVE file, needs
    to know. Others get 404, as for a missing file: a refusal must not confirm what exists.

    Always an attachment, with the content type of the checked type and `nosniff`, so no upload
    can run as a page of this site; never cached.
    """

    http_method_names = ["get", "head"]

    def get(self, request, pk):
        evidence = evidence_file_get(pk=pk)
        if not permissions.can_read_evidence(request.user, evidence):
            raise Http404("No such file.")
        try:
            stored = evidence.file.open("rb")
        except FileNotFoundError:
            # Lost from the storage (a restore without the media folder): say so, not a 500.
            raise Http404("This file is missing from the store. Ask an administrator.") from None
        download = FileResponse(
            stored,
            as_attachment=True,
            filename=download_name(evidence),
            content_type=evidence.content_type,
        )
        download["X-Content-Type-Options"] = "nosniff"
        download["Cache-Control"] = "no-store"
        download["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return download
