from django.views.generic import TemplateView

from ..selectors.home import home_summary


class HomeView(TemplateView):
    """The signed-in user's organisations at a glance: DESIGN.md section 4, page 2."""

    template_name = "responses/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**home_summary(user=self.request.user), **kwargs)
