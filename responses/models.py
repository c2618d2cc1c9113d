from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel
from core.richtext import RichTextField
from recommendations.models import Organisation, Recommendation

from .choices import (
    EDITABLE_STATES,
    ChaserStep,
    DatePrecision,
    ExtensionDecision,
    Marking,
    ReviewOutcome,
    Status,
    WorkflowState,
    format_as_of,
)
from .querysets import ResponseQuerySet, ResponseUpdateQuerySet

_SLUG_PLACEHOLDER = "organisation-slug-placeholder"


def response_urls(recommendation):
    """
    Return a function `organisation -> URL` of the response pages of one recommendation.

    `reverse()` runs once, however many organisations: the pages that list every force (and the
    organisation page at national scale) build hundreds of these links.
    """
    pattern = reverse(
        "workflow:response_detail",
        args=[recommendation.super_complaint.slug, recommendation.number, _SLUG_PLACEHOLDER],
    )
    prefix, suffix = pattern.split(_SLUG_PLACEHOLDER)
    return lambda organisation: f"{prefix}{organisation.slug}{suffix}"


def response_url(recommendation, organisation):
    """
    The page of an organisation's response to a recommendation. It exists before the Response
    row does (an expected organisation with nothing written yet), so it is built from the pair.
    """
    return response_urls(recommendation)(organisation)


class ResponseManager(models.Manager.from_queryset(ResponseQuerySet)):
    def get_by_natural_key(self, super_complaint_slug, number, organisation_slug):
        return self.get(
            recommendation__super_complaint__slug=super_complaint_slug,
            recommendation__number=number,
            organisation__slug=organisation_slug,
        )


class Response(TimeStampedModel):
    """
    One organisation's answer to one recommendation, over time.

    `current_status` and `current_status_on` mirror the published update with the latest `as_of`;
    only `responses.services.response_record_publication` sets them, in the publishing
    transaction (a sign-off or an import). It also records `first_published_on`, the day it first
    answered, which the deadlines read (`responses.deadlines`) and which a later publication
    never moves.
    """

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="responses"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="responses"
    )
    portal_reference = models.CharField(
        max_length=50, blank=True, help_text='The HMICFRS monitoring portal reference, "#17527".'
    )
    lead = models.CharField(
        max_length=300, blank=True, help_text='"DCI ..., in consultation with OPCC".'
    )
    current_status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    current_status_on = models.DateField(null=True, blank=True)
    current_status_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY,
        help_text="Whether the current status's date is known to the day or only to the month.",
    )
    first_published_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "The day it first answered: its first sign-off, or the date of an earlier imported "
            "position (published on the monitoring portal then). A later publication never "
            "moves it."
        ),
    )
    current_update = models.ForeignKey(
        "ResponseUpdate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The published update the current status comes from.",
    )
    review_outcome = models.CharField(
        max_length=20, choices=ReviewOutcome.choices, default=ReviewOutcome.OPEN
    )
    review_comment = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    extended_due_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "The date of the latest approved extension, which replaces the computed due date; "
            "only deadlines.services.extension_decide sets it."
        ),
    )

    objects = ResponseManager()

    class Meta:
        ordering = ["recommendation", "organisation__name"]
        indexes = [
            # A reviewer's work list on the home page (`ResponseQuerySet.awaiting_review`),
            # oldest claim first: a few thousand rows of 60,000, read in order without a scan.
            models.Index(
                fields=["current_status_on", "id"],
                condition=models.Q(
                    current_status=Status.COMPLETED, review_outcome=ReviewOutcome.OPEN
                ),
                name="response_awaiting_review_idx",
            ),
            # The latest change: part of the "data" scope's fingerprint (core.caching), found
            # without a scan.
            models.Index(fields=["updated_at"], name="response_updated_at_idx"),
            # The "organisations" scope's fingerprint (a few organisations' count, greatest pk
            # and latest change) from the index alone, on every read of home, an organisation's
            # page and a dashboard: 0.2 ms rather than 2 ms at national scale (PostgreSQL; on
            # SQLite, which has no covering indexes, Django leaves it out).
            models.Index(
                fields=["organisation", "updated_at"], include=["id"],
                name="response_org_changes_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "organisation"],
                name="unique_response_per_recommendation_and_organisation",
            )
        ]

    def __str__(self):
        return f"{self.organisation} – {self.recommendation}"

    def natural_key(self):
        return self.recommendation.natural_key() + (self.organisation.slug,)

    natural_key.dependencies = ["recommendations.recommendation", "recommendations.organisation"]

    def get_absolute_url(self):
        return response_url(self.recommendation, self.organisation)


SENSITIVE_PUBLIC_MESSAGE = "An OFFICIAL-SENSITIVE update cannot be shown on public pages"
ONE_AWAITING_SIGN_OFF_MESSAGE = (
    "Another update of this response is already awaiting sign-off, and only one can wait at a "
    "time. Save this one as a draft, and submit it once an approver has signed off or returned "
    "the other."
)
AWAITING_REQUIRED = (
    "Say what you are waiting for: choose a recommendation or a national body, or describe it"
)


class ResponseUpdate(TimeStampedModel):
    """
    A dated entry in a response's history: what the organisation said, as of when.

    Drafts and returned updates can be edited by their organisation. A published update never
    changes and is never deleted: a correction is a new update.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="updates")
    as_of = models.DateField(help_text="The date this position was true.")
    as_of_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY,
        help_text='"month": only the month is known ("May 2021"); `as_of` is its first day.',
    )
    status = models.CharField(max_length=30, choices=Status.choices)
    narrative = RichTextField(blank=True)
    # What an "Awaiting national guidance" update waits for: a recommendation (any
    # super-complaint's), a national body, and/or words. The references let the service tell the
    # organisation when it has landed (responses/selectors/guidance.py); the words also keep the
    # free-text values written before the references existed.
    awaiting = models.CharField(
        max_length=300,
        blank=True,
        help_text="For 'Awaiting national guidance': what is awaited, in words.",
    )
    awaited_recommendation = models.ForeignKey(
        Recommendation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awaited_by",
        help_text="For 'Awaiting national guidance': the recommendation awaited.",
    )
    awaited_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awaited_by",
        limit_choices_to={"kind": Organisation.Kind.NATIONAL_BODY},
        help_text="For 'Awaiting national guidance': the national body awaited.",
    )
    position_provided_by = models.CharField(max_length=300, blank=True)
    # The response's details as this update states them. They stay here, seen only inside the
    # organisation, until the update is published; then they become the response's.
    lead = models.CharField(
        max_length=300, blank=True, help_text='"DCI ..., in consultation with OPCC".'
    )
    portal_reference = models.CharField(
        max_length=50, blank=True, help_text='The HMICFRS monitoring portal reference, "#17527".'
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="response_updates",
        help_text="Who last wrote or changed its content: they cannot sign it off.",
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="edited_response_updates",
        help_text="Everyone who wrote or changed its content.",
    )
    # Goes up with every save through the workflow: an edit made on an older copy is refused.
    version = models.PositiveIntegerField(default=1)
    # The one-time token of the form that wrote it (responses.forms.ResponseUpdateForm): the
    # same form posted again (a double click, a resent request) finds this update instead of
    # writing another (services.response_update_create).
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    state = models.CharField(
        max_length=20, choices=WorkflowState.choices, default=WorkflowState.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(blank=True)
    marking = models.CharField(max_length=30, choices=Marking.choices, default=Marking.OFFICIAL)
    public = models.BooleanField(
        default=False, help_text="May appear on public pages once published (never if sensitive)."
    )
    # Set only on updates brought in from the HMICFRS monitoring portal (imports/): who ran the
    # import, when, and the SHA-256 of the file the row came from.
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_sha256 = models.CharField(max_length=64, blank=True)
    # Evidence sent to HMICFRS another way (email, the portal): the update says so without a file.
    evidence_submitted = models.BooleanField(
        default=False,
        help_text="Evidence was submitted to HMICFRS for review, with or without a file here.",
    )

    objects = ResponseUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["response", "state", "as_of"]),
            # "Latest published positions" on the home page, across every organisation.
            # With the pk: the latest as_of is shared by hundreds of updates, and the page
            # orders them by pk too.
            models.Index(fields=["state", "-as_of", "-id"], name="update_state_latest_pk_idx"),
            # Updates saying "evidence submitted to HMICFRS": few, found without a scan
            # (evidence.selectors.evidence_awaiting_review).
            models.Index(
                fields=["response"],
                condition=models.Q(evidence_submitted=True),
                name="update_evidence_submitted_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="sensitive_update_is_never_public",
                condition=~models.Q(marking="OFFICIAL-SENSITIVE", public=True),
                violation_error_code="sensitive_public",
                violation_error_message=SENSITIVE_PUBLIC_MESSAGE,
            ),
            # An approver signs off one position at a time: two updates waiting at once could
            # be published in either order under one another's eyes.
            models.UniqueConstraint(
                fields=["response"],
                condition=models.Q(state=WorkflowState.AWAITING_SIGN_OFF),
                name="one_update_awaiting_sign_off_per_response",
                violation_error_code="one_awaiting_sign_off",
                violation_error_message=ONE_AWAITING_SIGN_OFF_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["response", "form_token"], name="one_update_per_form_token"
            ),
        ]

    def __str__(self):
        return (
            f"{self.response} as of {format_as_of(self.as_of, self.as_of_precision)} "
            f"({self.get_state_display()})"
        )

    def clean(self):
        """The rules of a valid update that look at several fields (DESIGN.md section 3)."""
        errors = {}
        if self.status == Status.AWAITING_NATIONAL and not self.awaits_something:
            errors["awaiting"] = AWAITING_REQUIRED
        if self.status == Status.NOT_ACCEPTED and not (self.narrative or "").strip():
            errors["narrative"] = "Explain why no action will be taken"
        if self.marking == Marking.OFFICIAL_SENSITIVE and self.public:
            errors["public"] = SENSITIVE_PUBLIC_MESSAGE
        if (
            self.as_of_precision == DatePrecision.MONTH
            and self.as_of
            and not isinstance(self.as_of, str)
            and self.as_of.day != 1
        ):
            errors["as_of"] = "A date known only to the month is stored as its first day"
        if self.state == WorkflowState.RETURNED and not self.return_comment.strip():
            errors["return_comment"] = "Say why the update is being returned"
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        """
        Leave the marking constraint to `clean()`, which checks the same rule without a query
        and puts the error on the `public` box, and the form token to the create service, which
        looks it up anyway to find the update a repeated form wrote; the constraints are the
        database's guarantee for rows that arrive any other way. Only an update awaiting
        sign-off can break the rule of one awaiting per response: others are not asked about it.
        """
        exclude = {*(exclude or ()), "public", "form_token"}
        if self.state != WorkflowState.AWAITING_SIGN_OFF:
            exclude.add("state")
        super().validate_constraints(exclude=exclude)

    @property
    def is_imported(self):
        return self.imported_at is not None

    @property
    def as_of_display(self):
        """"27 May 2021", or "May 2021" when only the month is known."""
        return format_as_of(self.as_of, self.as_of_precision)

    @property
    def is_editable(self):
        return self.state in EDITABLE_STATES

    @property
    def is_published(self):
        return self.state == WorkflowState.PUBLISHED

    @property
    def awaits_something(self):
        """Whether it names what it waits for: a recommendation, a national body or words."""
        return bool(
            self.awaited_recommendation_id
            or self.awaited_organisation_id
            or (self.awaiting or "").strip()
        )


class ResponseReview(TimeStampedModel):
    """A national reviewer's decision on a response, kept as part of its timeline."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="reviews")
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices)
    comment = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.response}: {self.get_outcome_display()}"

    def clean(self):
        if self.outcome == ReviewOutcome.OPEN:
            raise ValidationError({"outcome": "Choose whether to close or return the response"})
        if self.outcome == ReviewOutcome.RETURNED and not self.comment.strip():
            raise ValidationError({"comment": "Say what more evidence is needed"})


class ExtensionRequest(TimeStampedModel):
    """
    An organisation's request for more time to answer, and a national reviewer's decision.

    `original_due_on` is the due date the request was made against, kept so that pages can say
    "due 12 Feb 2021, extended to 30 Apr 2021" however many extensions follow. Only
    `deadlines.services.extension_request` and `extension_decide` write these rows.
    """

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="extension_requests"
    )
    original_due_on = models.DateField(editable=False)
    requested_due_on = models.DateField("new due date")
    # blank=True: clean() says what is missing in the page's words ("Say why ...").
    reason = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    decision = models.CharField(
        max_length=10, choices=ExtensionDecision.choices, default=ExtensionDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.response}: extension to {self.requested_due_on}"

    def clean(self):
        errors = {}
        if not (self.reason or "").strip():
            errors["reason"] = "Say why more time is needed"
        if (
            self.requested_due_on and self.original_due_on
            and self.requested_due_on <= self.original_due_on
        ):
            errors["requested_due_on"] = "The new due date must be after the current due date"
        if self.decision == ExtensionDecision.REFUSED and not (self.comment or "").strip():
            errors["comment"] = "Say why the extension is refused"
        if errors:
            raise ValidationError(errors)


class Chaser(TimeStampedModel):
    """
    One step of the chasing ladder sent to an organisation that has not answered by its due
    date: a letter from a national reviewer's body to the organisation's office holder.

    Steps go 1, 2, 3, 4 with none skipped or repeated (`deadlines.chasing` holds the rule, the
    constraint below is the database's guarantee). The due dates are those the letter stated
    when it was sent, kept so the letter reads the same however the deadline moves later. Only
    `deadlines.services.chaser_send` writes these rows.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="chasers")
    step = models.PositiveSmallIntegerField(choices=ChaserStep.choices)
    sent_on = models.DateField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_from = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"kind": Organisation.Kind.NATIONAL_BODY},
        help_text="The national body the letter is from: the sender's.",
    )
    due_on = models.DateField(help_text="The due date when the letter was sent.")
    original_due_on = models.DateField(
        help_text="The due date before any extension, when the letter was sent."
    )

    class Meta:
        ordering = ["response", "step"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "step"], name="one_chaser_per_step_and_response"
            ),
            models.CheckConstraint(
                name="chaser_step_on_the_ladder",
                condition=models.Q(step__gte=ChaserStep.REMINDER)
                & models.Q(step__lte=ChaserStep.PUBLIC_STATEMENT),
            ),
        ]

    def __str__(self):
        return f"{self.response}: {self.get_step_display().lower()} of {self.sent_on}"

    @property
    def is_public_statement(self):
        return self.step == ChaserStep.PUBLIC_STATEMENT


class DashboardVisit(models.Model):
    """
    When a user last opened an organisation's dashboard: "what changed since your last visit"
    starts there. One row per user and dashboard, moved on at each visit.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dashboard_visits"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_dashboard_visit_per_user_and_dashboard"
            )
        ]

    def __str__(self):
        return f"{self.user} saw {self.organisation}'s dashboard at {self.seen_at:%Y-%m-%d %H:%M}"
