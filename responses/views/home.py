from django.views.generic import TemplateView

from .. import permissions
from ..selectors.home import home_summary


class HomeView(TemplateView):
    """The signed-in user's organisations at a glance: DESIGN.md section 4, page 2."""

    template_name = "responses/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            **home_summary(user=user),
            # After the summary, which has read the user's memberships: no extra query.
            can_import=permissions.can_import_anything(user),
            **kwargs,
        )
