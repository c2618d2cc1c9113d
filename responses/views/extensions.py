"""
Asking for more time and deciding on it (issue 14): an organisation's writer asks, a national
reviewer approves or refuses. Writes go through `responses.services.extension_request` and
`extension_decide`, which check the same permissions again.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import FormView

from accounts import permissions

from .. import services
from ..choices import format_as_of
from ..deadlines import response_deadline_state
from ..forms import ExtensionDecisionForm, ExtensionRequestForm
from ..models import ExtensionRequest
from .workflow import ResponseTargetMixin, add_service_errors


class ExtensionRequestView(ResponseTargetMixin, FormView):
    """A contributor or approver asks for a later due date, with a reason."""

    form_class = ExtensionRequestForm
    template_name = "responses/extensionrequest_form.html"

    def dispatch(self, request, *args, **kwargs):
        permissions.require_extension_requester(request.user, self.get_target().organisation.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        target = self.get_target()
        return {
            **super().get_context_data(**kwargs),
            "recommendation": target.recommendation,
            "organisation": target.organisation,
            "deadline": response_deadline_state(
                recommendation=target.recommendation, organisation=target.organisation,
                response=target.response, today=timezone.localdate(),
            ),
            "response_url": target.url,
        }

    def form_valid(self, form):
        target = self.get_target()
        try:
            extension = services.extension_request(
                user=self.request.user,
                recommendation=target.recommendation,
                organisation=target.organisation,
                requested_due_on=form.cleaned_data["requested_due_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Your request for more time, to {format_as_of(extension.requested_due_on)}, has been "
            "sent to the national reviewers.",
        )
        return HttpResponseRedirect(target.url + "#extensions")


class ExtensionDecideView(ResponseTargetMixin, FormView):
    """A national reviewer approves or refuses a pending request for more time."""

    form_class = ExtensionDecisionForm
    template_name = "responses/extensionrequest_decide.html"

    def dispatch(self, request, *args, **kwargs):
        target = self.get_target()
        permissions.require_extension_decider(request.user, target.organisation.pk)
        self.extension = get_object_or_404(
            ExtensionRequest.objects.select_related("requested_by"),
            pk=kwargs["pk"], response=target.response,
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        target = self.get_target()
        return {
            **super().get_context_data(**kwargs),
            "recommendation": target.recommendation,
            "organisation": target.organisation,
            "extension": self.extension,
            "response_url": target.url,
        }

    def form_valid(self, form):
        try:
            extension = services.extension_decide(
                extension=self.extension,
                reviewer=self.request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Extension to {format_as_of(extension.requested_due_on)} "
            f"{extension.get_decision_display().lower()}.",
        )
        return HttpResponseRedirect(self.get_target().url + "#extensions")
