"""The read-only pages that compare organisations. Reads come from selectors.comparison."""

from types import SimpleNamespace

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from accounts import permissions
from core.caching import fingerprint, found_by_address
from core.fragments import cached_for_reader, cached_fragment, only_valid_choices
from recommendations.models import SuperComplaint

from .. import choices, exports
from ..choices import Status
from ..deadlines import stale_after_months
from ..selectors import comparison as selectors

MIN_SIDE_BY_SIDE, MAX_SIDE_BY_SIDE = 2, 4

# Query parameters of a page that are not filters: a download keeps everything else.
NOT_FILTERS = {"format", "page"}


def download_context(request, action):
    """What the "Download" choice of a page needs: where it goes and the filters it keeps."""
    return {
        "action": action,
        "params": [
            (name, value)
            for name, values in request.GET.lists()
            if name not in NOT_FILTERS
            for value in values
        ],
        "formats": exports.FORMAT_CHOICES,
    }


class ExportMixin:
    """
    Answer GET with the page's rows as a download in the format asked for (`?format=csv`,
    `xlsx` or `json`; CSV when absent), from the same selector and filters as the page.
    """

    def get_table(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return exports.render(self.get_table(), request.GET.get("format"))


class SuperComplaintListView(TemplateView):
    """Every super-complaint and its progress: the table is rendered once per change of data."""

    template_name = "responses/supercomplaint_list.html"

    def get_context_data(self, **kwargs):
        table = cached_fragment(
            "responses/_supercomplaint_table.html",
            key=(),
            context=lambda: {"super_complaints": selectors.super_complaint_list()},
            # Every publication redraws it: one process at a time (core.fragments).
            fingerprint=fingerprint("data"),
        )
        return super().get_context_data(table=table, **kwargs)


class SuperComplaintDetailView(TemplateView):
    """A super-complaint and its recommendations: rendered once per change of data."""

    template_name = "responses/supercomplaint_detail.html"

    def get_context_data(self, **kwargs):
        slug = kwargs["slug"]
        download = download_context(
            self.request, reverse("responses:supercomplaint_export", args=[slug])
        )

        def body_context():
            super_complaint, recommendations = selectors.super_complaint_detail(slug=slug)
            return {"super_complaint": super_complaint, "recommendations": recommendations,
                    "download": download}

        # Its own read for the title: a 404 for an unknown slug, before anything is cached;
        # then kept under its address, checked against the data's fingerprint.
        super_complaint, found = found_by_address(
            ("super-complaint", slug),
            lambda: get_object_or_404(SuperComplaint, slug=slug),
            lambda _: fingerprint("data"),
        )
        body = cached_fragment(
            "responses/_supercomplaint_detail_body.html",
            key=(super_complaint.pk, download["params"], *found),
            context=body_context,
            # No filters and no pages: kept for the bare address only.
            keep=only_valid_choices(self.request.GET),
        )
        return super().get_context_data(super_complaint=super_complaint, body=body, **kwargs)


class SuperComplaintExportView(ExportMixin, TemplateView):
    def get_table(self):
        super_complaint, recommendations = selectors.super_complaint_export(
            slug=self.kwargs["slug"]
        )
        return exports.super_complaint_table(
            super_complaint=super_complaint, recommendations=recommendations
        )


class RecommendationDetailView(TemplateView):
    """
    A recommendation and every expected organisation's current position, filterable. The body
    is kept rendered for each kind of reader (`comparison_reader`) under the recommendation's
    fingerprint and the filters, so a publication shows at once.
    """

    template_name = "responses/recommendation_detail.html"

    def get_comparison(self):
        recommendation = selectors.recommendation_get(
            slug=self.kwargs["slug"], number=self.kwargs["number"]
        )
        return selectors.recommendation_comparison(
            recommendation=recommendation, filters=self.request.GET, user=self.request.user
        )

    def get_context_data(self, **kwargs):
        heading, fingerprint = selectors.recommendation_heading(
            slug=self.kwargs["slug"], number=self.kwargs["number"]
        )
        user = self.request.user
        key = (*fingerprint, stale_after_months(), sorted(self.request.GET.lists()),
               *selectors.comparison_reader(user))
        body = cached_for_reader(
            self.request, "responses/_recommendation_page.html", key=key,
            context=lambda: self.get_body_context(fingerprint),
            keep=lambda body: only_valid_choices(self.request.GET, form=body["filter"].form),
        )
        return super().get_context_data(
            recommendation=heading, super_complaint=heading.super_complaint, body=body, **kwargs
        )

    def get_body_context(self, fingerprint):
        comparison = self.get_comparison()
        table_context = {
            "comparison": comparison,
            "recommendation": comparison.recommendation,
            "super_complaint": comparison.recommendation.super_complaint,
        }
        return {
            **table_context,
            "own_positions": selectors.own_positions(
                comparison=comparison, user=self.request.user
            ),
            "filter": comparison.filterset,
            "statuses": Status,
            "can_set_priority": permissions.can_set_priority(self.request.user),
            # Kept apart from the body, once for every reader with the same need to know
            # (whose bodies differ by their own positions and role), under the known filters
            # alone, so an address with anything else reuses it too; for the choices the page
            # offers only.
            "table": cached_fragment(
                "responses/_comparison_table.html",
                key=(selectors.comparison_cache_key(
                    comparison=comparison, recommendation_fingerprint=fingerprint,
                    filters=self.request.GET, user=self.request.user,
                ),),
                context=lambda: table_context,
                keep=only_valid_choices(
                    self.request.GET, form=comparison.filterset.form, others_allowed=True
                ),
            ),
            "download": download_context(
                self.request,
                reverse(
                    "responses:recommendation_export",
                    args=[self.kwargs["slug"], self.kwargs["number"]],
                ),
            ),
        }


class RecommendationExportView(ExportMixin, RecommendationDetailView):
    """Exactly the rows the recommendation page shows for the same filters."""

    def get_table(self):
        return exports.comparison_table(comparison=self.get_comparison())


class RecommendationCompareView(TemplateView):
    """Read 2 to 4 organisations' full latest published updates side by side."""

    template_name = "responses/recommendation_compare.html"

    def get(self, request, *args, **kwargs):
        recommendation = selectors.recommendation_get(slug=kwargs["slug"], number=kwargs["number"])
        chosen = list(dict.fromkeys(request.GET.getlist("organisation")))
        if not MIN_SIDE_BY_SIDE <= len(chosen) <= MAX_SIDE_BY_SIDE:
            messages.error(
                request,
                f"Select between {MIN_SIDE_BY_SIDE} and {MAX_SIDE_BY_SIDE} organisations "
                f"to compare (you selected {len(chosen)}).",
            )
            return redirect(recommendation.get_absolute_url() + "#comparison")
        organisations = selectors.side_by_side(
            recommendation=recommendation, organisation_slugs=chosen, user=request.user
        )
        return self.render_to_response(
            self.get_context_data(
                recommendation=recommendation,
                super_complaint=recommendation.super_complaint,
                organisations=organisations,
                **kwargs,
            )
        )


class MatrixView(TemplateView):
    template_name = "responses/matrix.html"
    # What the matrix's rendering depends on besides the data: the filters and the layout.
    VARIES_ON = ("region", "kind", "q", "priority", "orientation", "view")
    # The layouts its links offer besides the default one, the heat map grouped by region
    # ("heat-map" names it too, as links made before it was the default do).
    LAYOUTS = {"orientation": ("organisations",), "view": ("table", "heat-map")}
    # Where a reader's own organisations go in the kept heat map (see own_rows).
    OWN_ROWS = "<!-- own-organisations -->"

    def get_matrix(self, super_complaint=None, filterset=None):
        return selectors.super_complaint_matrix(
            slug=self.kwargs["slug"], filters=self.request.GET, super_complaint=super_complaint,
            filterset=filterset,
        )

    def get_context_data(self, **kwargs):
        super_complaint, fingerprint = selectors.matrix_get(slug=self.kwargs["slug"])
        context = {}

        def body_context():
            context.update(self.get_body_context(super_complaint, fingerprint))
            return self.with_table(context, fingerprint)

        body = cached_fragment(
            "responses/_matrix_page.html",
            key=(self.cache_key(fingerprint),),
            context=body_context,
            keep=lambda body: only_valid_choices(
                self.request.GET, form=body["filter"].form, layout=self.LAYOUTS
            ),
        )
        if self.OWN_ROWS in body:
            body = mark_safe(body.replace(  # noqa: S308 (both parts rendered by templates)
                self.OWN_ROWS, self.own_rows(super_complaint, fingerprint, context), 1
            ))
        return super().get_context_data(super_complaint=super_complaint, body=body, **kwargs)

    def own_rows(self, super_complaint, fingerprint, context):
        """
        The reader's own organisations, first in the heat map under "Your organisation": the
        matrix is kept once for every reader, these rows once per set of organisations, and
        put in its place on every request. Nothing when the reader belongs to none of them.
        """
        own_ids = permissions.member_organisation_ids(self.request.user)
        if not own_ids:
            return ""

        # Drawn already when the body was (one matrix for both); built only on a miss.
        filterset = SimpleLazyObject(
            lambda: context.get("filter") or selectors.matrix_filters(filters=self.request.GET)
        )

        def rows_context():
            matrix = context.get("matrix") or self.get_matrix(super_complaint, filterset)
            return {
                "lines": matrix.own_lines(own_ids),
                "width": len(matrix.recommendations) + 1,
            }

        return cached_fragment(
            "responses/_matrix_own_rows.html",
            key=(self.cache_key(fingerprint), "own", sorted(own_ids)),
            context=rows_context,
            keep=lambda rows: only_valid_choices(
                self.request.GET, form=filterset.form, layout=self.LAYOUTS, others_allowed=True,
            ),
        )

    def get_body_context(self, super_complaint, fingerprint):
        filterset = selectors.matrix_filters(filters=self.request.GET)
        # Worked out only when the rendering is not in the cache (see matrix.html).
        matrix = SimpleLazyObject(lambda: self.get_matrix(super_complaint, filterset))
        # The default is the heat map, organisations as rows grouped by region: the whole
        # country on one screen. The full table of status labels is one link away, either way
        # round.
        heat_map = self.request.GET.get("view") != "table"
        by_organisation = heat_map or self.request.GET.get("orientation") == "organisations"
        organisations_as_rows = self.request.GET.copy()
        organisations_as_rows["orientation"] = "organisations"
        recommendations_as_rows = self.request.GET.copy()
        recommendations_as_rows.pop("orientation", None)
        as_heat_map = self.request.GET.copy()
        as_heat_map.pop("view", None)
        as_heat_map.pop("orientation", None)
        as_table = self.request.GET.copy()
        as_table["view"] = "table"
        keep = {}
        if not heat_map:
            keep["view"] = "table"
            if by_organisation:
                keep["orientation"] = "organisations"
        if heat_map:
            grid = SimpleLazyObject(lambda: matrix.by_region())
        else:
            grid = SimpleLazyObject(lambda: matrix.table(by_organisation=by_organisation))
        return dict(
            heat_map=heat_map,
            heat_map_query=as_heat_map.urlencode(),
            table_query=as_table.urlencode(),
            legend=choices.heat_map_legend() if heat_map else None,
            filters_keep=keep,
            organisations_as_rows_query=organisations_as_rows.urlencode(),
            recommendations_as_rows_query=recommendations_as_rows.urlencode(),
            matrix=matrix,
            grid=grid,
            stale_months=stale_after_months(),
            super_complaint=super_complaint,
            filter=filterset,
            by_organisation=by_organisation,
            transposed=SimpleLazyObject(lambda: matrix.transposed()) if by_organisation else None,
            download=download_context(
                self.request, reverse("responses:matrix_export", args=[self.kwargs["slug"]])
            ),
        )

    def with_table(self, body, fingerprint):
        """
        `body` with its table (most of the body's work), kept apart under VARIES_ON alone: the
        body is kept only for the addresses the page's links make, and echoes anything else in
        its download form, so an address with a parameter the page does not know (a campaign
        tag, a made-up one) is drawn afresh but reuses the table. For the choices and layouts
        the page offers only.
        """
        table = cached_fragment(
            "responses/_matrix_table.html",
            key=(self.cache_key(fingerprint),),
            context=lambda: body,
            keep=only_valid_choices(
                self.request.GET, form=body["filter"].form, layout=self.LAYOUTS,
                others_allowed=True,
            ),
        )
        return {**body, "table": table}

    def cache_key(self, fingerprint):
        """
        The rendered matrix is the same for every reader: it depends on the data (the
        super-complaint's `fingerprint`), the day and stale age (deadline flags), the filters
        and the layout.
        """
        return repr((
            fingerprint, timezone.localdate().isoformat(), stale_after_months(),
            [(name, self.request.GET.getlist(name)) for name in self.VARIES_ON],
        ))


class MatrixExportView(ExportMixin, MatrixView):
    """The matrix's cells for the same filters, in the same orientation."""

    def get_table(self):
        return exports.matrix_table(
            matrix=self.get_matrix(),
            by_organisation=self.request.GET.get("orientation") == "organisations",
        )


class OrganisationListView(TemplateView):
    """The organisations, filtered: rendered once per filter and change of the data."""

    template_name = "responses/organisation_list.html"

    def get_context_data(self, **kwargs):
        filters = self.request.GET

        def listing_context():
            filterset, organisations = selectors.organisation_list(filters=filters)
            return {"filter": filterset, "organisations": organisations}

        listing = cached_fragment(
            "responses/_organisation_listing.html",
            key=(sorted(filters.lists()), *fingerprint("data")),
            context=listing_context,
            keep=lambda listing: only_valid_choices(filters, form=listing["filter"].form),
        )
        return super().get_context_data(listing=listing, **kwargs)


class OrganisationDetailView(TemplateView):
    """
    An organisation and a page of the recommendations that apply to it: the page's rows are
    rendered once per page, filter and change of the data.
    """

    template_name = "responses/organisation_detail.html"

    def get_context_data(self, **kwargs):
        request, slug = self.request, kwargs["slug"]
        organisation, found = selectors.organisation_heading(slug=slug)
        download = download_context(
            request, reverse("responses:organisation_export", args=[slug])
        )

        def listing_context():
            _, page_obj, filterset = selectors.organisation_detail(
                slug=slug, page=request.GET.get("page"), filters=request.GET
            )
            return {
                "organisation": organisation, "groups": page_obj.object_list,
                "page_obj": page_obj, "filter": filterset, "download": download,
                "path": request.path,
                # The pagination's links keep the filters: the query, never the request.
                "query": SimpleNamespace(GET=request.GET),
            }

        listing = cached_fragment(
            "responses/_organisation_recommendations.html",
            key=(organisation.pk, sorted(request.GET.lists()), *found),
            context=listing_context,
            keep=lambda listing: only_valid_choices(
                request.GET, form=listing["filter"].form, page=listing["page_obj"]
            ),
        )
        return super().get_context_data(organisation=organisation, listing=listing, **kwargs)


class OrganisationExportView(ExportMixin, TemplateView):
    """Every recommendation that applies to the organisation (deadline filter), all pages."""

    def get_table(self):
        organisation, groups = selectors.organisation_export(
            slug=self.kwargs["slug"], user=self.request.user, filters=self.request.GET
        )
        return exports.organisation_table(organisation=organisation, groups=groups)
