"""
Marking a recommendation as priority, and removing the mark (issue 14, section 3): national
reviewers only. Writes go through `responses.services.recommendation_priority_mark` and
`_remove`, which check the same permission again.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.views.generic import FormView

from accounts import permissions

from .. import services
from ..forms import PriorityForm
from ..selectors import comparison as selectors
from .workflow import add_service_errors


class RecommendationPriorityView(FormView):
    """Mark the recommendation as priority with a reason, or remove the mark."""

    form_class = PriorityForm
    template_name = "responses/recommendation_priority.html"
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
