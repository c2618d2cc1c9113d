"""
Chasing a non-responder: a national reviewer sends the next step of the ladder from the
response page, and a refusal is answered with that page, so the view is the response page's.
The write goes through `deadlines.services.chaser_send`, which checks the same permission and
the ladder's rules (`deadlines.chasing`) again. The letters themselves are documents
(`public.documents.chaser_letter`, under /documents/).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.views.generic import TemplateView

from accounts import permissions
from deadlines import chasing, services

from .responses import ResponsePageMixin


class ChaserSendView(ResponsePageMixin, TemplateView):
    """
    Send the next step. The form carries the step it was made for, so a double submit or a
    page left open while a colleague sent the step is refused (409, the page drawn again with
    the reason) instead of sending the step after it.
    """

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        target = self.get_target()
        permissions.require_chaser(request.user, target.organisation.pk)
        try:
            step = int(request.POST.get("step", ""))
        except ValueError:
            return HttpResponseBadRequest("The form did not say which step to send.")
        try:
            chaser = services.chaser_send(
                reviewer=request.user,
                response=target.response,
                recommendation=target.recommendation,
                organisation=target.organisation,
                step=step,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            # The target was read before the refusal: read the page afresh.
            del self._target
            return self.render_to_response(self.get_page_context(), status=409)
        messages.success(
            request,
            f"{chasing.SENT_LABELS[chaser.step]}: the letter to {target.organisation.name} is "
            "recorded below, to print or download.",
        )
        return HttpResponseRedirect(target.url + "#chasers")
