"""
The resources of the open-data API. Identifiers are the ones people use: slugs for
super-complaints and organisations, the number as printed for recommendations.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.site import absolute_url
from recommendations.models import Organisation, Recommendation, SuperComplaint
from responses.choices import (
    DatePrecision,
    Status,
    format_as_of,
    marking_label,
    show_redaction_marks,
    status_label,
)
from responses.deadlines import DeadlineKind
from responses.models import Response, ResponseUpdate


class _Links:
    """
    Absolute links to a resource in the API, under SITE_URL (core.site): never the Host the
    request named, which a shared cache in front could keep and give every later caller.
    """

    def _absolute(self, path):
        return absolute_url(path)


class SuperComplaintSerializer(_Links, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    report_url = serializers.CharField(source="report_link")
    # Both reckoned from the report's publication: none until it is published.
    comments_due_on = serializers.DateField(read_only=True, allow_null=True)
    progress_update_due_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = SuperComplaint
        fields = [
            "slug", "url", "title", "short_title", "complainants", "summary", "submitted_on",
            "report_published_on", "investigating_bodies", "status", "report_url",
            "comments_due_on", "progress_update_due_on",
        ]

    def get_url(self, obj) -> str:
        return self._absolute(reverse("api:supercomplaint_detail", args=[obj.slug]))


class OrganisationSerializer(_Links, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    # A force's local policing body and back; national bodies have none.
    paired = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["slug", "url", "name", "short_name", "kind", "region", "paired", "active"]

    def get_url(self, obj) -> str:
        return self._absolute(reverse("api:organisation_detail", args=[obj.slug]))


class RecipientGroupSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class DueDateSerializer(serializers.Serializer):
    date = serializers.DateField()
    applies_to = serializers.CharField(help_text='"police forces and national bodies"')


class DeadlineSerializer(serializers.Serializer):
    state = serializers.ChoiceField(source="kind", choices=DeadlineKind.choices)
    label = serializers.CharField(help_text='"Overdue by 12 days", "Answered on time"')
    due_on = serializers.DateField(allow_null=True)
    days = serializers.IntegerField(allow_null=True, help_text=(
        "Days until due, overdue by, answered late by, or since the last position (stale)."
    ))


class RecommendationSerializer(_Links, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    super_complaint = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    label = serializers.CharField(read_only=True)
    recipient_groups = RecipientGroupSerializer(many=True, read_only=True)
    depends_on = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    due_dates = serializers.SerializerMethodField(help_text=(
        "When the expected organisations must first answer: one entry per distinct date, "
        "with the kinds of organisation it applies to, earliest first."
    ))
    expected_organisations = serializers.SerializerMethodField(help_text=(
        "Slugs of the organisations expected to respond, computed from the recipient groups."
    ))

    class Meta:
        model = Recommendation
        fields = [
            "super_complaint", "number", "url", "label", "order", "title", "text", "notes",
            "recipient_groups", "depends_on", "due_dates", "expected_organisations", "priority",
        ]
        extra_kwargs = {"priority": {"help_text": (
            "Marked as priority by a national reviewer: its overdue answers lead every list."
        )}}

    def get_url(self, obj) -> str:
        return self._absolute(
            reverse("api:recommendation_detail", args=[obj.super_complaint.slug, obj.number])
        )

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_expected_organisations(self, obj):
        return obj.expected_slugs

    @extend_schema_field(DueDateSerializer(many=True))
    def get_due_dates(self, obj):
        return [{"date": day, "applies_to": who} for day, who in obj.due_dates]


class UpdateSerializer(serializers.ModelSerializer):
    status_label = serializers.SerializerMethodField()
    as_of_precision = serializers.ChoiceField(
        choices=DatePrecision.choices, read_only=True,
        help_text='"month" when only the month is known: `as_of` is then its first day.',
    )
    as_of_label = serializers.SerializerMethodField()
    narrative = serializers.SerializerMethodField()
    marking_label = serializers.SerializerMethodField()
    # Null when no sign-off was recorded: updates loaded as already published (demo data).
    published_at = serializers.DateTimeField(
        source="signed_off_at", read_only=True, allow_null=True
    )

    class Meta:
        model = ResponseUpdate
        fields = [
            "as_of", "as_of_precision", "as_of_label", "status", "status_label", "narrative",
            "awaiting", "position_provided_by", "marking", "marking_label", "public",
            "published_at",
        ]

    def get_status_label(self, obj) -> str:
        return status_label(obj.status)

    def get_as_of_label(self, obj) -> str:
        """The date as every page prints it: "27 May 2021", or "May 2021" (month only)."""
        return format_as_of(obj.as_of, obj.as_of_precision)

    def get_narrative(self, obj) -> str:
        """Sanitised HTML; in an OFFICIAL - REDACTED text each mark reads "[text withheld]"."""
        return show_redaction_marks(obj.narrative)

    def get_marking_label(self, obj) -> str:
        return marking_label(obj.marking)


class ResponseSerializer(_Links, serializers.ModelSerializer):
    """
    An organisation's response to a recommendation: its current position (the latest update
    the caller may read) and that update history, newest first.
    """

    url = serializers.SerializerMethodField()
    super_complaint = serializers.CharField(source="recommendation.super_complaint.slug")
    recommendation = serializers.CharField(source="recommendation.number")
    organisation = serializers.CharField(source="organisation.slug")
    status = serializers.ChoiceField(source="position_status", choices=Status.choices, help_text=(
        "The status of the latest update the caller may read."
    ))
    status_on = serializers.DateField(source="position_on")
    status_on_precision = serializers.ChoiceField(
        source="position_precision", choices=DatePrecision.choices, read_only=True,
        help_text='"month" when only the month of the position is known.',
    )
    status_on_label = serializers.SerializerMethodField()
    lead = serializers.SerializerMethodField()
    portal_reference = serializers.SerializerMethodField()
    deadline = DeadlineSerializer(read_only=True)
    updates = UpdateSerializer(source="visible_updates", many=True, read_only=True)

    class Meta:
        model = Response
        fields = [
            "super_complaint", "recommendation", "organisation", "url", "status", "status_on",
            "status_on_precision", "status_on_label", "lead", "portal_reference", "deadline",
            "review_outcome", "reviewed_at", "updates",
        ]

    def get_status_on_label(self, obj) -> str:
        return format_as_of(obj.position_on, obj.position_precision)

    def get_url(self, obj) -> str:
        recommendation = obj.recommendation
        return self._absolute(reverse(
            "api:response_detail",
            args=[recommendation.super_complaint.slug, recommendation.number,
                  obj.organisation.slug],
        ))

    # The lead and reference come from whichever update was published last, public or not:
    # signed-out callers do not get them, nor callers without a need to know an
    # OFFICIAL-SENSITIVE one (open_data.with_details_withheld; withheld unless it said not).
    def get_lead(self, obj) -> str | None:
        return None if getattr(obj, "details_withheld", True) else obj.lead

    def get_portal_reference(self, obj) -> str | None:
        return None if getattr(obj, "details_withheld", True) else obj.portal_reference
