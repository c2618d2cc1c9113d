from django.contrib.auth.decorators import login_not_required
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from accounts import permissions
from core.fragments import cached_fragment

from ..selectors.home import home_summary, recent_from_others


@method_decorator(login_not_required, name="dispatch")
class HomeView(TemplateView):
    """
    The signed-in user's organisations at a glance (DESIGN.md section 4, page 2). A visitor who
    is not signed in gets the start page instead of a bare redirect: what the service is, who it
    is for and how to get in.
    """

    template_name = "workflow/home.html"
    # Open to visitors, but what it shows a signed-in user waits for their two-factor code.
    signed_in_content = True

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return TemplateResponse(request, "start.html")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        summary = home_summary(user=user)
        memberships, progress = summary["memberships"], summary["progress"]
        return super().get_context_data(
            **summary,
            organisation_summaries=self.organisation_summaries(
                memberships, summary["summaries"], summary["summaries_fingerprint"],
                administrator=user.is_staff,
            ),
            latest_positions=self.latest_positions(user, memberships, progress),
            # After the summary, which has read the user's memberships: no extra query.
            can_import_portal=permissions.can_import_anything(user),
            can_load_recommendations=permissions.can_load_recommendations(user),
            **kwargs,
        )

    @staticmethod
    def organisation_summaries(memberships, summaries, fingerprint, administrator=False):
        """
        The summaries of the user's organisations, rendered once for every member with the same
        organisations and roles (core.fragments), until one of them publishes or an edit.
        `summaries` are their figures, already read (from the cache) for the task list.
        """
        if not memberships:
            # An administrator adds memberships themselves: they are not told to ask one.
            return cached_fragment(
                "workflow/_home_summaries.html", key=("nobody", administrator),
                context=lambda: {"administrator": administrator},
            )
        return cached_fragment(
            "workflow/_home_summaries.html",
            key=([m.organisation_id for m in memberships], [m.role for m in memberships]),
            context=lambda: {"summaries": summaries},
            # Redrawn when one of these organisations publishes: one process at a time.
            fingerprint=fingerprint,
        )

    @staticmethod
    def latest_positions(user, memberships, progress):
        """
        The latest positions of other organisations, rendered once for every reader with the
        same organisations and the same need to know (whose OFFICIAL-SENSITIVE text they read),
        until the next publication (`progress`).
        """
        organisation_ids = sorted(m.organisation_id for m in memberships)
        readable = permissions.sensitive_readable_organisation_ids(user)
        return cached_fragment(
            "workflow/_home_recent.html",
            key=(organisation_ids, None if readable is None else sorted(readable)),
            context=lambda: {
                "recent_from_others": recent_from_others(
                    organisation_ids=organisation_ids, user=user
                )
            },
            # Every publication redraws it: one process at a time (core.fragments).
            fingerprint=progress,
        )
