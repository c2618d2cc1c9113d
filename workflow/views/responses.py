"""
One response's page and the work done on it: writing and editing updates, signing them off,
deleting drafts and reviewing the response.

The page brings together the response's updates (`responses`), their files and the review
(`evidence`) and its deadlines, requests for more time and chasing letters (`deadlines`), so it
lives above all three. Reads come from `workflow.selectors.timeline`; writes go through the
services of the capability they change (`responses.services`, `evidence.services`), which
check permissions again. A refused write is a 403; a rejected value is a form error.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from accounts import permissions
from core import formstash
from core.forms import add_service_errors
from core.fragments import cached_for_reader
from evidence import services as evidence_services
from evidence.forms import ReviewWithEvidenceForm
from evidence.selectors import evidence_for_timeline, published_evidence_files
from responses import services
from responses.choices import ReviewOutcome, Status
from responses.deadlines import stale_after_months
from responses.forms import ResponseUpdateForm, ReturnUpdateForm, initial_from_data
from responses.selectors.guidance import (
    awaited_recommendation_suggestion,
    guidance_landed_on_response,
)
from responses.selectors.targets import (
    ResponseTarget,
    response_target_by_pk,
    response_target_kept,
    response_update_get,
)
from responses.services import CONFLICT_CODES
from responses.views.targets import ResponseTargetMixin

from ..forms import UpdateCreateForm, attachment_title
from ..selectors.history import response_history
from ..selectors.timeline import response_page_reader, response_timeline


def organisation_label(organisation):
    """Banners name an organisation in full: "Update returned to South Yorkshire Police"."""
    return organisation.name


class ResponsePageMixin(ResponseTargetMixin):
    """Build the response page, optionally with a failed sign-off or review form on it."""

    template_name = "workflow/response_detail.html"

    def get_page_context(self, *, return_form=None, review_form=None):
        target = self.get_target()
        timeline = response_timeline(target=target, user=self.request.user)
        # Each update's files and each review's cited files; the published ones can be cited.
        published_evidence = evidence_for_timeline(timeline=timeline, user=self.request.user)
        for update in timeline.updates:
            if update.can_sign_off:
                if return_form is not None and return_form.update_pk == update.pk:
                    update.return_form = return_form
                else:
                    update.return_form = ReturnUpdateForm(update_pk=update.pk)
        if timeline.can_review and review_form is None:
            review_form = ReviewWithEvidenceForm(evidence_files=published_evidence)
        failed = next(
            (f for f in (return_form, review_form) if f is not None and f.errors), None
        )
        return {
            # The form that failed is drawn at the top, under the error summary, so the page
            # opens at the error (issue 21, item 5), and not again further down.
            "failed_review": failed is not None and failed is review_form,
            "failed_sign_off": next(
                (u for u in timeline.updates
                 if failed is not None and getattr(u, "return_form", None) is failed),
                None,
            ),
            "timeline": timeline,
            "recommendation": timeline.recommendation,
            "organisation": timeline.organisation,
            "response": timeline.response,
            "review_form": review_form,
            # `form` is the one with errors: base.html prefixes the title with "Error: " and the
            # error summary lists its fields.
            "form": failed,
            "response_url": target.url,
            "history": response_history(
                response=timeline.response, user=self.request.user,
                quote_details=not timeline.withholds_any_update,
            ),
            # The organisation's own prompt to review its status: only its members see it.
            "landed_guidance": (
                guidance_landed_on_response(response=timeline.response)
                if timeline.is_member
                else None
            ),
        }


class ResponseDetailView(ResponsePageMixin, TemplateView):
    """
    One organisation's response to one recommendation, with its timeline and actions. The body
    is kept rendered for each reader (`response_page_reader`) under the fingerprint of what it
    is drawn from, so a publication, review, letter or upload shows at once.
    """

    def get_target(self):
        # The page's own reads (no write follows): the target kept under its address, checked
        # against the fingerprint the page is kept under anyway.
        if not hasattr(self, "_target"):
            self._target, self._fingerprint = response_target_kept(
                super_complaint_slug=self.kwargs["slug"],
                number=self.kwargs["number"],
                organisation_slug=self.kwargs["organisation"],
            )
        return self._target

    def get_context_data(self, **kwargs):
        target = self.get_target()
        context = {
            **super().get_context_data(**kwargs),
            "recommendation": target.recommendation,
            "organisation": target.organisation,
            "response": target.response,
        }
        if target.response and target.response.current_status == Status.AWAITING_NATIONAL:
            # Its banner says whether the awaited guidance has landed: drawn from other
            # responses than this one, so rendered afresh.
            return {**context, **self.get_page_context()}
        context["body"] = cached_for_reader(
            self.request,
            "workflow/_response_page.html",
            key=(
                *self._fingerprint,
                stale_after_months(),
                *response_page_reader(target=target, user=self.request.user),
            ),
            context=self.get_page_context,
        )
        return context



class UpdateFormMixin:
    """
    The update form shared by create and edit: stashed text comes back once, writes happen in
    one transaction, and a service's refusal becomes form errors.
    """

    form_class = ResponseUpdateForm
    template_name = "workflow/responseupdate_form.html"
    # core.formstash keeps what was typed if the session expires or the CSRF check fails.
    keeps_typed_text = True
    stashed = None
    stash_banner = ""

    def get(self, request, *args, **kwargs):
        self.stashed, self.stash_banner = formstash.pop(request)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        initial = self.get_stored_initial()
        if self.stashed is not None:
            initial.update(initial_from_data(self.form_class, self.stashed))
        return initial

    def get_context_data(self, **kwargs):
        target = self.get_target()
        return super().get_context_data(
            recommendation=target.recommendation,
            organisation=target.organisation,
            response=target.response,
            response_url=target.url,
            stash_banner=self.stash_banner,
            **kwargs,
        )

    def form_valid(self, form):
        action = self.request.POST.get("action")
        submit = action == "submit"
        try:
            update = self.save(form, submit=submit)
        except services.StaleUpdate as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            if getattr(error, "code", None) == "form_used":
                # Shown again to be saved as another update: with a token of its own.
                form.renew_form_token()
            if getattr(error, "code", None) in CONFLICT_CODES:
                return self.render_to_response(self.get_context_data(form=form), status=409)
            return self.form_invalid(form)
        messages.success(
            self.request, "Update submitted for sign-off" if submit else "Draft saved"
        )
        if action == "attach":
            # "Save draft and attach files": on to the draft's evidence page.
            return HttpResponseRedirect(reverse("evidence:files", args=[update.pk]))
        return HttpResponseRedirect(self.get_target().url)


class UpdateCreateView(UpdateFormMixin, ResponseTargetMixin, FormView):
    """
    Write a new update for an organisation (creating its response on the first one), with the
    files chosen on the same screen (issue 22).
    """

    form_class = UpdateCreateForm

    def dispatch(self, request, *args, **kwargs):
        permissions.require_writer(request.user, self.get_target().organisation.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_stored_initial(self):
        # What is awaited starts empty (issue 22): the recommendation this one depends on is
        # named in its hint, not chosen for the user.
        return ResponseUpdateForm.initial_for_response(self.get_target().response)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            suggested_recommendation=awaited_recommendation_suggestion(
                recommendation=self.get_target().recommendation
            ),
            with_attachments=True,
            **kwargs,
        )

    def save(self, form, *, submit):
        target = self.get_target()
        attachments = form.cleaned_data.get("attachments") or []
        with transaction.atomic():
            # With files, the update is written as a draft, they are attached (files can be
            # added to a draft only), and only then is it submitted: all or nothing.
            update = services.response_update_create(
                recommendation=target.recommendation,
                organisation=target.organisation,
                author=self.request.user,
                submit=submit and not attachments,
                form_token=form.cleaned_data["form_token"],
                **form.update_fields(),
            )
            # The same form posted again (a double click) returns the first post's update,
            # which has its files already.
            if attachments and not update.evidence_files.exists():
                for uploaded in attachments:
                    evidence_services.evidence_file_add(
                        update=update, user=self.request.user, uploaded_file=uploaded,
                        title=attachment_title(uploaded), marking=update.marking,
                    )
                if submit:
                    update = services.response_update_edit(
                        update=update, editor=self.request.user, submit=True
                    )
        return update


DRAFT_VANISHED = (
    "This draft was deleted, perhaps by a colleague, while you were editing it. Your text has "
    "not been saved: it is in the form below. Save it as a new draft to keep it."
)


class UpdateEditView(UpdateFormMixin, FormView):
    """
    Change a draft or returned update of the user's organisation.

    A draft deleted while it was being edited loses nothing typed: the form comes back with the
    text in it and posts to the new update form of the same response (`draft_vanished`).
    """

    def dispatch(self, request, *args, **kwargs):
        try:
            self.update = response_update_get(pk=kwargs["pk"])
        except Http404:
            if request.method != "POST":
                raise
            return self.draft_vanished(self.get_form_class()(data=request.POST))
        permissions.require_writer(request.user, self.update.response.organisation_id)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except Http404:
            # Deleted between opening the page and saving it (the service found it gone).
            return self.draft_vanished(form)

    def draft_vanished(self, form):
        """
        409: the draft being edited no longer exists. Show the form again, with what was typed
        and the reason, posting to the new update form of the response it belonged to (the
        edit form names it), for a writer of that response's organisation.
        """
        try:
            target = response_target_by_pk(pk=int(self.request.POST.get("response", "")))
        except ValueError:
            target = None
        if target is None:
            raise Http404(services.GONE)
        permissions.require_writer(self.request.user, target.organisation.pk)
        self.update, self._target = None, target
        form.is_valid()
        form.add_error(None, DRAFT_VANISHED)
        context = self.get_context_data(
            form=form,
            form_action=reverse(
                "workflow:update_create",
                args=[target.recommendation.super_complaint.slug, target.recommendation.number,
                      target.organisation.slug],
            ),
        )
        return self.render_to_response(context, status=409)

    def get(self, request, *args, **kwargs):
        if not self.update.is_editable:
            messages.error(request, services.NOT_EDITABLE)
            url = self.get_target().url
            return HttpResponseRedirect(f"{url}#update-{self.update.pk}")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.update.is_editable:
            # Submitted or published meanwhile (by a colleague, in another tab): refuse, but give
            # back what was typed so it can be copied into a new update.
            form = self.get_form()
            form.is_valid()
            form.add_error(None, services.NOT_EDITABLE)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        return super().post(request, *args, **kwargs)

    def get_target(self):
        if self.update is None:
            return self._target
        response = self.update.response
        return ResponseTarget(response.recommendation, response.organisation, response)

    def get_stored_initial(self):
        return ResponseUpdateForm.initial_for_update(self.update)

    def get_context_data(self, **kwargs):
        return super().get_context_data(update=self.update, **kwargs)

    def save(self, form, *, submit):
        return services.response_update_edit(
            update=self.update,
            editor=self.request.user,
            submit=submit,
            expected_version=form.cleaned_data["version"],
            **form.update_fields(),
        )

    def conflict(self, form, conflict):
        """
        Someone saved the update after this form was opened: show what they saved beside what
        this user typed (kept in the form), and let a second save knowingly replace theirs.
        """
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = conflict.current.version
        form.add_error(None, conflict)
        context = self.get_context_data(form=form, their_version=conflict.current)
        return self.render_to_response(context, status=409)


class UpdateSubmitView(ResponsePageMixin, TemplateView):
    """Send a draft or returned update for sign-off from the response page, as it stands."""

    http_method_names = ["post"]
    STALE = ("This update was changed since you opened the page. Read it again, then submit it "
             "for sign-off.")

    def post(self, request, *args, **kwargs):
        update = response_update_get(pk=kwargs["pk"])
        response = update.response
        self._target = ResponseTarget(response.recommendation, response.organisation, response)
        permissions.require_writer(request.user, response.organisation_id)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            return HttpResponseBadRequest("The form did not say which version to submit.")
        try:
            services.response_update_edit(
                update=update, editor=request.user, submit=True, expected_version=version
            )
        except services.StaleUpdate:
            messages.error(request, self.STALE)
            return self.render_to_response(self.get_page_context(), status=409)
        except ValidationError as error:
            # Submitted, published or deleted meanwhile; or a rule the draft does not meet yet.
            messages.error(request, " ".join(error.messages))
            status = 409 if getattr(error, "code", None) in CONFLICT_CODES else 200
            return self.render_to_response(self.get_page_context(), status=status)
        messages.success(request, "Update submitted for sign-off")
        return HttpResponseRedirect(self._target.url)


class UpdateSignOffView(ResponsePageMixin, TemplateView):
    """
    An approver publishes an update awaiting sign-off, or returns it with a comment. Both forms
    carry the version of the update the approver read: if it has changed since, nothing is
    done and the page is shown again with the update as it is now.
    """

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        update = response_update_get(pk=kwargs["pk"])
        response = update.response
        self._target = ResponseTarget(response.recommendation, response.organisation, response)
        permissions.require_approver(request.user, response.organisation_id)
        action = request.POST.get("action")
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            return HttpResponseBadRequest("The form did not say which version it signs off.")
        if action == "approve":
            try:
                services.response_update_publish(
                    update=update, approver=request.user, expected_version=version
                )
            except services.StaleSignOff as conflict:
                return self.changed_since_opened(conflict)
            except ValidationError as error:
                # Signed off, returned or changed by someone else meanwhile.
                messages.error(request, " ".join(error.messages))
                return self.render_to_response(self.get_page_context(), status=409)
            messages.success(request, "Update published")
        elif action == "return":
            form = ReturnUpdateForm(request.POST, update_pk=update.pk)
            status = 200
            if form.is_valid():
                try:
                    services.response_update_return(
                        update=update, approver=request.user,
                        comment=form.cleaned_data["comment"], expected_version=version,
                    )
                except services.StaleSignOff as conflict:
                    # The comment stays in the form, under the update as it is now.
                    return self.changed_since_opened(conflict, return_form=form)
                except ValidationError as error:
                    add_service_errors(form, error)
                    # Not about the comment: the update moved on meanwhile.
                    status = 200 if hasattr(error, "error_dict") else 409
            if form.errors:
                return self.render_to_response(
                    self.get_page_context(return_form=form), status=status
                )
            messages.success(
                request, f"Update returned to {organisation_label(response.organisation)}"
            )
        else:
            return HttpResponseBadRequest("Choose whether to approve or return the update.")
        return HttpResponseRedirect(self._target.url)

    def changed_since_opened(self, conflict, *, return_form=None):
        """409: the page again, saying why nothing was done and linking to the current text."""
        context = self.get_page_context(return_form=return_form)
        context["changed_since_opened"] = {"message": conflict.message,
                                           "update_pk": conflict.current.pk}
        return self.render_to_response(context, status=409)


class ResponseReviewView(ResponsePageMixin, TemplateView):
    """A national reviewer closes a response (evidence accepted) or returns it."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        target = self.get_target()
        permissions.require_reviewer(request.user, target.organisation.pk)
        evidence_files = []
        if target.response is not None:
            evidence_files = published_evidence_files(response=target.response)
        form = ReviewWithEvidenceForm(request.POST, evidence_files=evidence_files)
        if form.is_valid():
            if target.response is None:
                form.add_error(None, evidence_services.NOTHING_TO_REVIEW)
            else:
                try:
                    evidence_services.response_review_with_evidence(
                        response=target.response,
                        reviewer=request.user,
                        outcome=form.cleaned_data["outcome"],
                        comment=form.cleaned_data["comment"],
                        considered=form.considered(),
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
        if form.errors:
            return self.render_to_response(self.get_page_context(review_form=form))
        if form.cleaned_data["outcome"] == ReviewOutcome.CLOSED:
            messages.success(request, "Response closed")
        else:
            messages.success(
                request, f"Response returned to {organisation_label(target.organisation)}"
            )
        return HttpResponseRedirect(target.url)


class UpdateDeleteView(TemplateView):
    """
    Confirm, then delete, a draft or returned update. Published updates stay for ever. The
    confirmation carries the version it showed: a draft saved since is not deleted.
    """

    template_name = "workflow/responseupdate_confirm_delete.html"

    def dispatch(self, request, *args, **kwargs):
        self.update = response_update_get(pk=kwargs["pk"])
        response = self.update.response
        self.target = ResponseTarget(response.recommendation, response.organisation, response)
        permissions.require_writer(request.user, response.organisation_id)
        if not self.update.is_editable:
            raise PermissionDenied(services.NOT_EDITABLE)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            update=self.update,
            recommendation=self.target.recommendation,
            organisation=self.target.organisation,
            response=self.target.response,
            response_url=self.target.url,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            return HttpResponseBadRequest("The form did not say which version to delete.")
        try:
            services.response_update_delete(
                update=self.update, user=request.user, expected_version=version
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                # Saved since the page was opened: show it as it is now, and delete nothing.
                self.update = response_update_get(pk=self.update.pk)
                context = self.get_context_data(changed_since_opened=error.message)
                return self.render_to_response(context, status=409)
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Draft deleted")
        return HttpResponseRedirect(self.target.url)
