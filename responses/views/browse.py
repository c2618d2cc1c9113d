"""The read-only pages that compare organisations. Reads come from selectors.comparison."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import TemplateView

from .. import exports
from ..choices import Status
from ..selectors import comparison as selectors

MIN_SIDE_BY_SIDE, MAX_SIDE_BY_SIDE = 2, 4


class SuperComplaintListView(TemplateView):
    template_name = "responses/supercomplaint_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(super_complaints=selectors.super_complaint_list(), **kwargs)


class SuperComplaintDetailView(TemplateView):
    template_name = "responses/supercomplaint_detail.html"

    def get_context_data(self, **kwargs):
        super_complaint, recommendations = selectors.super_complaint_detail(slug=kwargs["slug"])
        return super().get_context_data(
            super_complaint=super_complaint, recommendations=recommendations, **kwargs
        )


class RecommendationDetailView(TemplateView):
    """A recommendation and every expected organisation's current position, filterable."""

    template_name = "responses/recommendation_detail.html"

    def get_comparison(self):
        recommendation = selectors.recommendation_get(
            slug=self.kwargs["slug"], number=self.kwargs["number"]
        )
        return selectors.recommendation_comparison(
            recommendation=recommendation, filters=self.request.GET
        )

    def get_context_data(self, **kwargs):
        comparison = self.get_comparison()
        return super().get_context_data(
            comparison=comparison,
            recommendation=comparison.recommendation,
            super_complaint=comparison.recommendation.super_complaint,
            filter=comparison.filterset,
            statuses=Status,
            export_query=self.request.GET.urlencode(),
            **kwargs,
        )


class RecommendationExportView(RecommendationDetailView):
    """Exactly the rows the recommendation page shows for the same filters, as CSV."""

    def get(self, request, *args, **kwargs):
        return exports.comparison_csv(comparison=self.get_comparison())


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
            recommendation=recommendation, organisation_slugs=chosen
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

    def get_matrix(self):
        return selectors.super_complaint_matrix(slug=self.kwargs["slug"], filters=self.request.GET)

    def get_context_data(self, **kwargs):
        matrix = self.get_matrix()
        by_organisation = self.request.GET.get("orientation") == "organisations"
        organisations_as_rows = self.request.GET.copy()
        organisations_as_rows["orientation"] = "organisations"
        recommendations_as_rows = self.request.GET.copy()
        recommendations_as_rows.pop("orientation", None)
        return super().get_context_data(
            orientation_keep={"orientation": "organisations"},
            organisations_as_rows_query=organisations_as_rows.urlencode(),
            recommendations_as_rows_query=recommendations_as_rows.urlencode(),
            matrix=matrix,
            super_complaint=matrix.super_complaint,
            filter=matrix.filterset,
            by_organisation=by_organisation,
            transposed=matrix.transposed() if by_organisation else None,
            export_query=self.request.GET.urlencode(),
            **kwargs,
        )


class MatrixExportView(MatrixView):
    def get(self, request, *args, **kwargs):
        return exports.matrix_csv(matrix=self.get_matrix())


class OrganisationListView(TemplateView):
    template_name = "responses/organisation_list.html"

    def get_context_data(self, **kwargs):
        filterset, organisations = selectors.organisation_list(filters=self.request.GET)
        return super().get_context_data(
            filter=filterset, organisations=organisations, **kwargs
        )


class OrganisationDetailView(TemplateView):
    template_name = "responses/organisation_detail.html"

    def get_context_data(self, **kwargs):
        organisation, page_obj, filterset = selectors.organisation_detail(
            slug=kwargs["slug"], page=self.request.GET.get("page"), filters=self.request.GET
        )
        return super().get_context_data(
            organisation=organisation, groups=page_obj.object_list, page_obj=page_obj,
            filter=filterset, **kwargs
        )
