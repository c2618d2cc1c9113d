"""
The pages of deadlines: asking for more time and deciding on it (an organisation's writer asks,
a national reviewer approves or refuses), and marking a recommendation as priority or removing
the mark (national reviewers only). Writes go through `deadlines.services`, which check the same
permissions again. Sending a chasing letter is a button on the response page, answered with that
page, so its view is the response page's (`workflow.views.chasers`).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import FormView

from accounts import permissions
from core.forms import add_service_errors
from responses.choices import format_as_of
from responses.deadlines import response_deadline_state
from responses.models import ExtensionRequest
from responses.selectors import comparison as selectors
from responses.views.targets import ResponseTargetMixin

from . import services
from .forms import ExtensionDecisionForm, ExtensionRequestForm, PriorityForm


class ExtensionRequestView(ResponseTargetMixin, FormView):
    """A contributor or approver asks for a later due date, with a reason."""

    form_class = ExtensionRequestForm
    template_name = "deadlines/extensionrequest_form.html"

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
    template_name = "deadlines/extensionrequest_decide.html"

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


class RecommendationPriorityView(FormView):
    """Mark the recommendation as priority with a reason, or remove the mark."""

    form_class = PriorityForm
    template_name = "deadlines/recommendation_priority.html"
    # A reason typed when the session ran out comes back after signing in (core.formstash).
    keeps_typed_text = True

    def dispatch(self, request, *args, **kwargs):
        permissions.require_priority_setter(request.user)
        self.recommendation = selectors.recommendation_get(
            slug=kwargs["slug"], number=kwargs["number"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "removing": self.recommendation.priority}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            recommendation=self.recommendation,
            super_complaint=self.recommendation.super_complaint,
            removing=self.recommendation.priority,
            **kwargs,
        )

    def form_valid(self, form):
        change = (
            services.recommendation_priority_remove
            if form.removing
            else services.recommendation_priority_mark
        )
        try:
            recommendation = change(
                recommendation=self.recommendation,
                reviewer=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{recommendation.label} is marked as priority."
            if recommendation.priority
            else f"{recommendation.label} is no longer marked as priority.",
        )
        return HttpResponseRedirect(recommendation.get_absolute_url())
