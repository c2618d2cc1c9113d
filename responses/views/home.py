from django.contrib.auth.decorators import login_not_required
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from .. import permissions
from ..selectors.home import home_summary


@method_decorator(login_not_required, name="dispatch")
class HomeView(TemplateView):
    """
    The signed-in user's organisations at a glance (DESIGN.md section 4, page 2). A visitor who
    is not signed in gets the start page instead of a bare redirect: what the service is, who it
    is for and how to get in.
    """

    template_name = "responses/home.html"
    # Open to visitors, but what it shows a signed-in user waits for their two-factor code.
    signed_in_content = True

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return TemplateResponse(request, "start.html")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            **home_summary(user=user),
            # After the summary, which has read the user's memberships: no extra query.
            can_import=permissions.can_import_anything(user),
            **kwargs,
        )
