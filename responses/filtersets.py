import django_filters
from django.db.models import Case, F, IntegerField, Q, Value, When

from recommendations.models import Organisation, SuperComplaint

from .choices import NO_RESPONSE, NO_RESPONSE_LABEL, STATUS_SEVERITY_ORDER, Marking, Status
from .deadlines import DeadlineFilter

STATUS_FILTER_CHOICES = [(NO_RESPONSE, NO_RESPONSE_LABEL), *Status.choices]


def _region_choices():
    regions = (
        Organisation.objects.exclude(region="").order_by("region").values_list("region", flat=True)
    )
    return [(region, region) for region in dict.fromkeys(regions)]


class OrganisationFilterSet(django_filters.FilterSet):
    """Region and kind: the filters every cross-organisation page shares (matrix, list)."""

    region = django_filters.ChoiceFilter(label="Region", choices=[], empty_label="Any region")
    kind = django_filters.ChoiceFilter(
        label="Kind of organisation", choices=Organisation.Kind.choices, empty_label="Any kind"
    )
    q = django_filters.CharFilter(label="Organisation name", method="search")

    class Meta:
        model = Organisation
        fields = ("region", "kind", "q")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Regions come from the data (one query), so a new region needs no code change.
        self.filters["region"].extra["choices"] = _region_choices()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(slug__icontains=value)
        )


class MatrixFilterSet(OrganisationFilterSet):
    """
    The matrix's filters: its organisations (region, kind, name) and, with "priority only", its
    recommendations, which the selector narrows (they are not this queryset's rows).
    """

    PRIORITY_ONLY = "yes"

    priority = django_filters.ChoiceFilter(
        label="Recommendations",
        choices=[(PRIORITY_ONLY, "Priority only")],
        empty_label="All recommendations",
        method="filter_priority",
    )

    class Meta:
        model = Organisation
        fields = ("region", "kind", "q", "priority")

    def filter_priority(self, queryset, name, value):
        return queryset  # applied to the recommendations by the selector

    def priority_only(self):
        """Whether "priority only" was chosen (and the filters are valid)."""
        return self.is_valid() and self.form.cleaned_data.get("priority") == self.PRIORITY_ONLY


def deadline_filter():
    """
    "Overdue", "due within 30 days", "stale". The states are computed after the query by the
    one home of the rules (`responses.deadlines`), so the selector applies this filter with
    `deadline_matches`; here it only reads and checks the choice.
    """
    return django_filters.ChoiceFilter(
        label="Deadline", choices=DeadlineFilter.choices, empty_label="Any deadline",
        method="filter_deadline",
    )


class DeadlineFilterSet(django_filters.FilterSet):
    """The deadline filter alone: the organisation page's rows are not a queryset."""

    deadline = deadline_filter()

    class Meta:
        model = Organisation
        fields = ("deadline",)

    def filter_deadline(self, queryset, name, value):
        return queryset  # applied to the computed states by the selector


class ComparisonFilterSet(OrganisationFilterSet):
    """
    Filters the rows of a recommendation's comparison: organisations annotated with their
    response (see `selectors.comparison.comparison_queryset`).
    """

    status = django_filters.MultipleChoiceFilter(
        label="Status", choices=STATUS_FILTER_CHOICES, method="filter_status"
    )
    q = django_filters.CharFilter(label="Search organisations and response text", method="search")
    deadline = deadline_filter()
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[
            ("organisation", "Organisation"),
            ("status", "Status"),
            ("-date", "Date (newest first)"),
            ("date", "Date (oldest first)"),
        ],
        empty_label=None,
        method="sort_rows",
    )

    class Meta:
        model = Organisation
        fields = ("region", "kind", "status", "deadline", "q", "sort")

    def filter_deadline(self, queryset, name, value):
        return queryset  # applied to the computed states by the selector

    def __init__(self, *args, sensitive_readable=frozenset(), **kwargs):
        # Whose OFFICIAL-SENSITIVE text the reader may search (None: everyone's). The default
        # searches none, so a caller that forgets cannot leak a word of it.
        self.sensitive_readable = sensitive_readable
        super().__init__(*args, **kwargs)

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q(response_status__in=[v for v in value if v != NO_RESPONSE])
        if NO_RESPONSE in value:
            condition |= Q(response_status__isnull=True)
        return queryset.filter(condition)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # The lead is the current update's, withheld with its text.
        text = Q(response_narrative__icontains=value) | Q(response_lead__icontains=value)
        if self.sensitive_readable is not None:
            # A match in withheld text would tell the reader what it says.
            text &= ~Q(response_marking=Marking.OFFICIAL_SENSITIVE) | Q(
                pk__in=list(self.sensitive_readable)
            )
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value) | text)

    def sort_rows(self, queryset, name, value):
        if value == "status":
            rank = Case(
                *(
                    When(response_status=code, then=Value(i))
                    for i, code in enumerate(STATUS_SEVERITY_ORDER)
                ),
                default=Value(-1),  # no response yet comes first: it is the gap to chase
                output_field=IntegerField(),
            )
            return queryset.annotate(status_rank=rank).order_by("status_rank", "name")
        if value == "date":
            return queryset.order_by(F("response_status_on").asc(nulls_first=True), "name")
        if value == "-date":
            return queryset.order_by(F("response_status_on").desc(nulls_last=True), "name")
        return queryset.order_by("name")


class OverviewFilterSet(OrganisationFilterSet):
    """The overview's filters: which super-complaint's figures, and which organisations."""

    super_complaint = django_filters.ModelChoiceFilter(
        label="Super-complaint",
        queryset=SuperComplaint.objects.order_by("short_title"),
        to_field_name="slug",
        empty_label="All super-complaints",
        method="filter_super_complaint",
    )

    class Meta:
        model = Organisation
        fields = ("super_complaint", "region", "kind")

    def filter_super_complaint(self, queryset, name, value):
        return queryset  # it narrows the figures (selectors.overview), not the organisations
