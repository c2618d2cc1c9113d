"""
The dashboards and the national overview (issue 8, DESIGN.md section 4 page 9). Every signed-in
user may read any of them: they show published positions only. Reads come from
`selectors.dashboard` and `selectors.overview`; the one write (the last-visit bookmark) goes
through `services.dashboard_visit_record`.
"""


from types import SimpleNamespace

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView, View

from accounts import permissions
from core import caching
from core.fragments import cached_fragment, cached_fragments, only_valid_choices
from reporting import exports as reporting_exports
from reporting import presentation
from reporting.selectors import dashboard as selectors
from reporting.selectors import overview as overview_selectors
from responses import exports
from responses.deadlines import stale_after_months
from responses.selectors.guidance import guidance_landed, organisations_awaiting
from responses.views.browse import download_context

from . import services


def changes_since(organisations, since, fingerprint):
    """
    The latest published updates of a dashboard (`selectors.latest_changes`) since the reader's
    last visit `since` (all of them the first time), each a drawn list item. Drawn once for
    every reader and kept under `fingerprint` (the organisations scope of the shown
    organisations and the national bodies) with the moment each was published: a reader's are
    the first of them published after their last visit.
    """
    drawn = caching.kept(
        caching.cache_key("dashboard-changes", *(o.pk for o in organisations), *fingerprint),
        lambda: [
            (update.published_at,
             render_to_string("reporting/_dashboard_change.html", {"update": update}))
            for update in selectors.latest_changes(organisations=organisations)
        ],
    )
    return [
        mark_safe(html)  # noqa: S308 - drawn by our own template, escaped there
        for published_at, html in drawn
        if since is None or published_at > since
    ]


class OrganisationDashboardView(TemplateView):
    """
    An organisation and its paired force or body, against its region and the nation. What
    changed since the reader's last visit is theirs; the rest is the same for every reader and
    kept rendered under the fingerprint of the data (a publication shows at once).
    """

    template_name = "reporting/dashboard.html"
    own_dashboard = False

    def get_slug(self):
        return self.kwargs["slug"]

    def get_context_data(self, **kwargs):
        # Who is shown (kept), the data's fingerprint, which the figures compared with the
        # region and the nation change with, and that of the shown organisations' and the
        # national bodies' answers, which their own counts and the latest changes are kept
        # under: one query. So another force's publication redraws the comparisons only.
        shown, found = selectors.dashboard_shown(slug=self.get_slug())
        organisation, organisations = shown.organisation, shown.organisations
        fingerprint, own_fingerprint = found["data"], found["organisations"]
        last_visit = services.dashboard_visit_record(
            user=self.request.user, organisation=organisation
        )
        wanted = self.request.GET.get("super_complaint", "")
        key = (self.request.path, [o.pk for o in organisations], wanted, self.own_dashboard,
               stale_after_months())
        # Every publication redraws these (they compare with the region and the nation), kept
        # together: while one process redraws, the others serve them as they were just before.
        top, figures = cached_fragments(
            ("reporting/_dashboard_top.html", "reporting/_dashboard_figures.html"),
            key=key,
            context=lambda: self.get_shared_context(organisation.slug, wanted, own_fingerprint),
            keep=self.is_worth_keeping, fingerprint=fingerprint,
        )
        return super().get_context_data(
            organisation=organisation,
            shown_names=" and ".join(o.name for o in organisations),
            last_visit=last_visit,
            changes=changes_since(organisations, last_visit, own_fingerprint),
            changes_limit=selectors.CHANGES_LIMIT,
            top=top,
            figures=figures,
            own_dashboard=self.own_dashboard,
            nav_section="dashboard",
            download=download_context(
                self.request,
                reverse("reporting:dashboard_export", args=[organisation.slug]),
            ),
            **kwargs,
        )

    @staticmethod
    def is_worth_keeping(shared_context):
        """Kept for a super-complaint of the list only: any other name is rendered afresh."""
        return not shared_context["focus_error"]

    def get_shared_context(self, slug, wanted, own_fingerprint=None):
        """What every reader of this dashboard sees the same, for the kept fragments."""
        dashboard = selectors.dashboard_get(
            slug=slug, today=timezone.localdate(), own_fingerprint=own_fingerprint
        )
        focus_error = ""
        if wanted:
            chosen = next((sc for sc in dashboard.super_complaints if sc.slug == wanted), None)
            if chosen is None:
                focus_error = "Choose a super-complaint from the list"
            else:
                dashboard = selectors.focus_on(dashboard, chosen)
        return {
            "dashboard": dashboard,
            "focus_error": focus_error,
            # Drawn only with the figures' fragment (_dashboard_figures.html), not for the top.
            "charts": SimpleLazyObject(lambda: presentation.dashboard_charts(dashboard)),
            "guidance_landed": guidance_landed(
                organisation_ids=[o.pk for o in dashboard.organisations]
            ),
            "own_dashboard": self.own_dashboard,
            "here": self.request.path,
        }


class DashboardView(OrganisationDashboardView):
    """The signed-in user's own organisation's dashboard (the first, for several)."""

    def get(self, request, *args, **kwargs):
        self.memberships = list(
            request.user.memberships.select_related("organisation").order_by("organisation__name")
        )
        if not self.memberships:
            messages.info(
                request,
                "You are not a member of any organisation, so you have no dashboard of your own. "
                "Choose an organisation from the overview to see its dashboard.",
            )
            return redirect("reporting:overview")
        return super().get(request, *args, **kwargs)

    own_dashboard = True

    def get_slug(self):
        return self.memberships[0].organisation.slug

    def get_context_data(self, **kwargs):
        return super().get_context_data(other_memberships=self.memberships[1:], **kwargs)


class DashboardExportView(View):
    """
    Every figure of an organisation's dashboard as CSV, XLSX or JSON (`?format=`; it does not
    count as a visit).
    """

    def get(self, request, *args, **kwargs):
        dashboard = selectors.dashboard_get(slug=kwargs["slug"], today=timezone.localdate())
        return exports.render(reporting_exports.dashboard_table(dashboard=dashboard),
                              request.GET.get("format"))


class OverviewView(TemplateView):
    """
    The national league table of organisations by overdue, stale and completed. The same for
    every reader but the chasing ladder (national reviewers only): kept rendered under the
    filters, whether the reader is a reviewer, and the fingerprint of the data.
    """

    template_name = "reporting/overview.html"

    # The two long lists page by their own parameter: the league table and the chasing ladder.
    PAGES = ("page", "ladder")

    def get_context_data(self, **kwargs):
        is_reviewer = permissions.is_reviewer(self.request.user)
        filters = self.request.GET
        fingerprint = caching.fingerprint("data")
        body = cached_fragment(
            "reporting/_overview_body.html",
            key=(sorted(filters.lists()), is_reviewer, stale_after_months()),
            context=lambda: self.get_body_context(is_reviewer, fingerprint),
            keep=self.worth_keeping,
            # Every publication redraws it: while one process does, the others serve it as it
            # was just before.
            fingerprint=fingerprint,
        )
        return super().get_context_data(body=body, nav_section="overview", **kwargs)

    def worth_keeping(self, body):
        """The filters the form offers, and page numbers only as the pages served."""
        filters = self.request.GET.copy()
        served = {"page": body["league_page"], "ladder": body["ladder_page"]}
        for name in self.PAGES:
            values = filters.pop(name, None)
            if values is not None and (
                served[name] is None or values != [str(served[name].number)]
            ):
                return False
        return only_valid_choices(filters, form=body["filter"].form)

    def get_body_context(self, is_reviewer, fingerprint):
        overview = overview_selectors.overview(
            filters=self.request.GET, today=timezone.localdate()
        )
        chosen = overview.filterset.form.cleaned_data if overview.filterset.is_valid() else {}
        # The chasing ladder is the national reviewers' work list: they alone send letters.
        # It is narrowed by the same filters as the league table.
        ladder = ladder_page = None
        if is_reviewer:
            ladder_number = 1
            try:
                ladder_number = max(1, int(self.request.GET.get("ladder", 1)))
            except ValueError:
                pass
            ladder = overview_selectors.chasing_ladder(
                today=overview.today, super_complaint=overview.super_complaint,
                fingerprint=fingerprint, region=chosen.get("region") or "",
                kind=chosen.get("kind") or "", page=ladder_number,
            )
            ladder_page = ladder.page(ladder_number)
            if ladder_page.number != ladder_number:  # beyond the last: the last page's rows
                ladder = overview_selectors.chasing_ladder(
                    today=overview.today, super_complaint=overview.super_complaint,
                    fingerprint=fingerprint, region=chosen.get("region") or "",
                    kind=chosen.get("kind") or "", page=ladder_page.number,
                )
        league_page = Paginator(
            overview.rows, overview_selectors.LEAGUE_PAGE_SIZE
        ).get_page(self.request.GET.get("page"))
        return {
            "overview": overview,
            "filter": overview.filterset,
            "league_page": league_page,
            "awaited": organisations_awaiting(super_complaint=overview.super_complaint),
            "pending_extensions": overview_selectors.extensions_awaiting_decision(
                super_complaint=overview.super_complaint
            ),
            "ladder": ladder,
            "ladder_page": ladder_page,
            "stale_months": stale_after_months(),
            # For the pagination's links (the filters and the other list's page), which the
            # key this body is kept under holds.
            "request": SimpleNamespace(GET=self.request.GET),
        }
