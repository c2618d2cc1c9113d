"""
Upload, preview and confirm: the monitoring-portal import (approvers for their own organisation,
signed off by another of its approvers, or administrators given the permission to publish
imports) and the recommendations spreadsheet (administrators given the permission to load
recommendations). Planning and writing live in `imports.portal`, `imports.recommendations_sheet`
and `imports.services`.
"""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView
from openpyxl import Workbook

from accounts import permissions

from . import selectors, services, tasks
from .forms import ConfirmForm, PortalConfirmForm, PortalUploadForm, RecommendationsUploadForm
from .models import ImportFile
from .portal import portal_plan
from .recommendations_sheet import COLUMNS, EXAMPLE, recommendations_plan

ROWS_PER_PAGE = 100
# The error summary lists at most this many problems, then says how many more there are.
PROBLEMS_SHOWN = 50


def problem_messages(problems):
    shown = [str(problem) for problem in problems[:PROBLEMS_SHOWN]]
    if len(problems) > PROBLEMS_SHOWN:
        shown.append(f"… and {len(problems) - PROBLEMS_SHOWN} more problems")
    return shown


class ImportsHomeView(TemplateView):
    """What the user may import."""

    template_name = "imports/imports_home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        can_load_recommendations = permissions.can_load_recommendations(user)
        if not (permissions.can_import_anything(user) or can_load_recommendations):
            raise PermissionDenied("Only administrators and approvers can import data.")
        return super().get_context_data(
            can_import_portal=permissions.can_import_anything(user),
            can_load_recommendations=can_load_recommendations,
            to_sign_off=selectors.portal_uploads_to_sign_off(user=user),
            pending=selectors.portal_uploads_pending(user=user),
            **kwargs,
        )


class UploadView(FormView):
    """
    Check an uploaded file whole; keep it and show its preview, or list its problems. A file
    larger than IMPORT_BACKGROUND_ABOVE_KB is kept at once and checked by the task worker, its
    preview showing how far the check has got.
    """

    kind = None

    def authorise_upload(self, form):
        """Refuse an upload the user may not make (beyond the form's own choices)."""

    def plan(self, form, content):
        raise NotImplementedError

    def store(self, form, content):
        raise NotImplementedError

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        content = upload.read()
        self.authorise_upload(form)
        if len(content) > settings.IMPORT_BACKGROUND_ABOVE_KB * 1024:
            import_file = self.store(form, content)
            tasks.check_later(import_file=import_file)
        else:
            plan = self.plan(form, content)
            if not plan.is_valid:
                form.add_error("file", problem_messages(plan.problems))
                return self.form_invalid(form)
            import_file = self.store(form, content)
            selectors.keep_plan(import_file, plan)
        return HttpResponseRedirect(reverse(f"imports:{self.kind}_preview", args=[import_file.pk]))


class PortalUploadView(UploadView):
    template_name = "imports/portal_upload.html"
    form_class = PortalUploadForm
    kind = "portal"

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_import_anything(request.user):
            raise PermissionDenied(
                "Only an approver of an organisation, or an administrator given the permission "
                "to publish imports, can import a monitoring-portal export."
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def authorise_upload(self, form):
        permissions.require_importer(self.request.user, form.cleaned_data["organisation"].pk)

    def plan(self, form, content):
        return portal_plan(content=content, organisation=form.cleaned_data["organisation"],
                           super_complaint=form.cleaned_data["super_complaint"])

    def store(self, form, content):
        return services.import_file_store(
            kind=ImportFile.Kind.PORTAL, content=content, filename=form.cleaned_data["file"].name,
            user=self.request.user, organisation=form.cleaned_data["organisation"],
            super_complaint=form.cleaned_data["super_complaint"],
        )


class RecommendationsUploadView(UploadView):
    template_name = "imports/recommendations_upload.html"
    form_class = RecommendationsUploadForm
    kind = "recommendations"

    def dispatch(self, request, *args, **kwargs):
        permissions.require_recommendations_loader(request.user)
        return super().dispatch(request, *args, **kwargs)

    def plan(self, form, content):
        return recommendations_plan(content=content,
                                    super_complaint=form.cleaned_data["super_complaint"])

    def store(self, form, content):
        return services.import_file_store(
            kind=ImportFile.Kind.RECOMMENDATIONS, content=content,
            filename=form.cleaned_data["file"].name, user=self.request.user,
            super_complaint=form.cleaned_data["super_complaint"],
        )


class PreviewView(TemplateView):
    """
    Show exactly what a kept upload will write, planned from its bytes once and kept while
    nothing it depends on changes (imports.selectors.kept_plan); POST confirms it. Only the
    person who uploaded it sees it (and, for a portal export sent for sign-off, the approvers who
    may sign it off): to anyone else it does not exist. While the task worker checks or applies
    a large file, the page shows how far it has got instead.
    """

    kind = None

    def dispatch(self, request, *args, **kwargs):
        self.import_file = get_object_or_404(
            ImportFile.objects.select_related("organisation", "super_complaint", "uploaded_by"),
            pk=kwargs["pk"], kind=self.kind,
        )
        if not self.visible_to(request.user):
            raise Http404("No such upload")
        self.authorise()
        return super().dispatch(request, *args, **kwargs)

    def visible_to(self, user):
        return self.import_file.uploaded_by_id == user.pk

    def get(self, request, *args, **kwargs):
        import_file = self.import_file
        if not import_file.task and import_file.is_large and (
            selectors.kept_plan(import_file) is None
        ):
            tasks.check_later(import_file=import_file)
            import_file.refresh_from_db(fields=["task", "task_started_at", "progress_done",
                                                "progress_total"])
        if import_file.task:
            return render(request, "imports/import_progress.html", {
                "import_file": import_file, "back": self.back_url(),
            })
        return super().get(request, *args, **kwargs)

    def back_url(self):
        return reverse(f"imports:{self.kind}_upload")

    def confirm_later(self, sha256):
        """Hand a large file's confirmation to the task worker; its page shows the progress."""
        tasks.apply_later(import_file=self.import_file, user=self.request.user, sha256=sha256)
        return HttpResponseRedirect(self.request.path)

    def get_context_data(self, *, form=None, **kwargs):
        plan = selectors.current_plan(self.import_file)
        # Every row is shown, a page at a time: a 5,000-row export would be a 5 MB page.
        page_obj = Paginator(plan.rows, ROWS_PER_PAGE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            import_file=self.import_file, plan=plan, page_obj=page_obj,
            form=form or ConfirmForm(initial={"sha256": self.import_file.sha256}),
            problems=problem_messages(plan.problems), button=self.button(plan),
            done_url=self.done_url(), **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            raise Http404("Nothing to confirm")
        if self.import_file.applied_at:
            messages.info(request, "This file has already been imported.")
            return HttpResponseRedirect(self.done_url())
        try:
            if self.import_file.is_large:
                return self.confirm_later(form.cleaned_data["sha256"])
            result = self.confirm(form.cleaned_data["sha256"])
        except ValidationError as error:
            form.add_error(None, error.messages[:PROBLEMS_SHOWN])
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, self.success_message(result))
        return HttpResponseRedirect(self.done_url())


class PortalPreviewView(PreviewView):
    """
    The preview of a portal export, and what may be done with it: its uploader publishes it
    alone (with the permission to publish imports) or sends it for sign-off; another approver
    of the organisation then approves or returns it.
    """

    template_name = "imports/portal_preview.html"
    kind = ImportFile.Kind.PORTAL

    def visible_to(self, user):
        return super().visible_to(user) or (
            self.import_file.is_awaiting_sign_off
            and permissions.can_sign_off_import(user, self.import_file)
        )

    def authorise(self):
        if self.import_file.uploaded_by_id == self.request.user.pk:
            permissions.require_importer(self.request.user, self.import_file.organisation_id)

    def get_context_data(self, *, form=None, **kwargs):
        import_file, user = self.import_file, self.request.user
        is_uploader = import_file.uploaded_by_id == user.pk
        actions = PortalConfirmForm.Action
        if import_file.applied_at:
            offered = []
        elif not is_uploader:
            offered = [actions.APPROVE, actions.RETURN]
        elif permissions.can_publish_imports(user):
            offered = [actions.PUBLISH]
        elif import_file.is_awaiting_sign_off:
            offered = []
        else:
            offered = [actions.SUBMIT]
        return super().get_context_data(
            form=form or PortalConfirmForm(initial={"sha256": import_file.sha256}),
            is_uploader=is_uploader, offered=offered, **kwargs,
        )

    def button(self, plan):
        count = len(plan.new_rows)
        return f"{count} update{'s' if count != 1 else ''}"

    def post(self, request, *args, **kwargs):
        form = PortalConfirmForm(request.POST)
        if not form.is_valid():
            if set(form.errors) - {"publish_alone"}:
                raise Http404("Nothing to confirm")
            return self.render_to_response(self.get_context_data(form=form))
        if self.import_file.applied_at:
            messages.info(request, "This file has already been imported.")
            return HttpResponseRedirect(self.done_url())
        action, sha256 = form.cleaned_data["action"], form.cleaned_data["sha256"]
        organisation = self.import_file.organisation
        try:
            if action == PortalConfirmForm.Action.SUBMIT:
                services.portal_import_submit(import_file=self.import_file, user=request.user,
                                              sha256=sha256)
                messages.success(request, (
                    f"Sent for sign-off: another approver of {organisation.name} must check "
                    "and publish it. They will find it under Import data."
                ))
                return HttpResponseRedirect(reverse("imports:home"))
            if action == PortalConfirmForm.Action.RETURN:
                services.portal_import_return(import_file=self.import_file, user=request.user,
                                              sha256=sha256)
                messages.success(request, (
                    f"Returned to {self.import_file.uploaded_by.get_full_name() or 'its uploader'}"
                    ": nothing was published."
                ))
                return HttpResponseRedirect(reverse("imports:home"))
            if self.import_file.is_large:
                return self.confirm_later(sha256)
            result = services.portal_import_confirm(import_file=self.import_file,
                                                    user=request.user, sha256=sha256)
        except ValidationError as error:
            form.add_error(None, error.messages[:PROBLEMS_SHOWN])
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, self.success_message(result))
        return HttpResponseRedirect(self.done_url())

    def success_message(self, result):
        return (
            f"{result.created_updates} updates published from the monitoring-portal export"
            + (f"; {result.skipped} rows were already there" if result.skipped else "")
        )

    def done_url(self):
        return self.import_file.organisation.get_absolute_url()


class RecommendationsPreviewView(PreviewView):
    template_name = "imports/recommendations_preview.html"
    kind = ImportFile.Kind.RECOMMENDATIONS

    def authorise(self):
        permissions.require_recommendations_loader(self.request.user)

    def confirm(self, sha256):
        return services.recommendations_import_confirm(import_file=self.import_file,
                                                       user=self.request.user, sha256=sha256)

    def button(self, plan):
        count = len(plan.rows_to_write)
        return f"Save {count} recommendation{'s' if count != 1 else ''}"

    def success_message(self, result):
        plural = "" if result.created == 1 else "s"
        return f"{result.created} recommendation{plural} created and {result.updated} updated"

    def done_url(self):
        return self.import_file.super_complaint.get_absolute_url()


class RecommendationsTemplateView(View):
    """The recommendations spreadsheet's columns and one example row, as CSV or XLSX."""

    def get(self, request, *args, file_format, **kwargs):
        permissions.require_recommendations_loader(request.user)
        example = [EXAMPLE[column] for column in COLUMNS]
        if file_format == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="recommendations.csv"'
            writer = csv.writer(response)
            writer.writerow(COLUMNS)
            writer.writerow(example)
            return response
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Recommendations"
        sheet.append(COLUMNS)
        sheet.append(example)
        sheet.freeze_panes = "A2"
        for letter, width in zip("ABCDEFGH", (10, 8, 40, 60, 40, 30, 12, 12), strict=True):
            sheet.column_dimensions[letter].width = width
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="recommendations.xlsx"'
        return response
