"""The API's filters: the pages' filters (region, kind, status, text) under the same names."""

import django_filters

from recommendations.models import Organisation, Recommendation, SuperComplaint
from responses.choices import ReviewOutcome, Status
from responses.filtersets import OrganisationFilterSet
from responses.models import Response


class SuperComplaintFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status of the super-complaint", choices=SuperComplaint.Status.choices
    )

    class Meta:
        model = SuperComplaint
        fields = ("status",)


class OrganisationApiFilterSet(django_filters.FilterSet):
    """
    Region, kind and name, as on the organisations page, and whether still active.

    Its own filters, not the page's: the schema generator builds (and caches) the form field of
    every filter it describes, and a cached field of the page's data-driven region choices
    would be shared by every later page's FilterSet. The region is free text here.
    """

    region = django_filters.CharFilter(label="Region, as written (North West)")
    kind = django_filters.ChoiceFilter(
        label="Kind of organisation", choices=Organisation.Kind.choices
    )
    q = django_filters.CharFilter(label="Organisation name", method="search")
    active = django_filters.BooleanFilter(label="Still active")

    search = OrganisationFilterSet.search

    class Meta:
        model = Organisation
        fields = ("region", "kind", "q", "active")


class RecommendationFilterSet(django_filters.FilterSet):
    super_complaint = django_filters.CharFilter(
        label="Super-complaint (slug)", field_name="super_complaint__slug"
    )
    recipient_group = django_filters.CharFilter(
        label="Addressed to the recipient group (slug)", field_name="recipient_groups__slug",
        distinct=True,
    )
    priority = django_filters.BooleanFilter(
        label="Marked as priority by a national reviewer (true or false)", field_name="priority"
    )

    class Meta:
        model = Recommendation
        fields = ("super_complaint", "recipient_group", "priority")


class ResponseFilterSet(django_filters.FilterSet):
    """Filters of `responses.selectors.open_data.responses` rows."""

    super_complaint = django_filters.CharFilter(
        label="Super-complaint (slug)", field_name="recommendation__super_complaint__slug"
    )
    recommendation = django_filters.CharFilter(
        label="Recommendation number (with super_complaint)", field_name="recommendation__number"
    )
    organisation = django_filters.CharFilter(
        label="Organisation (slug)", field_name="organisation__slug"
    )
    region = django_filters.CharFilter(label="Region", field_name="organisation__region")
    kind = django_filters.ChoiceFilter(
        label="Kind of organisation", field_name="organisation__kind",
        choices=Organisation.Kind.choices,
    )
    status = django_filters.MultipleChoiceFilter(
        label="Current status (repeat for several)", field_name="position_status",
        choices=Status.choices,
    )
    review_outcome = django_filters.ChoiceFilter(
        label="Review outcome", choices=ReviewOutcome.choices
    )

    class Meta:
        model = Response
        fields = (
            "super_complaint", "recommendation", "organisation", "region", "kind", "status",
            "review_outcome",
        )
