import calendar
import datetime

from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse

from tracker.models import TimeStampedModel
from tracker.richtext import RichTextField

from .querysets import OrganisationQuerySet, RecommendationQuerySet


def add_months(day, months):
    """Return `day` moved on by `months` calendar months, clamped to the end of a short month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# Links shown to users open web pages only: a `javascript:` or `data:` URL would run in the page.
WEB_URL_SCHEMES = ("http", "https")
validate_web_url = URLValidator(
    schemes=list(WEB_URL_SCHEMES), message="Enter a web address starting with http:// or https://"
)


def is_web_url(value):
    """True if `value` is an http or https address (the only kind rendered as a link)."""
    scheme, sep, rest = (value or "").partition("://")
    return bool(sep and rest) and scheme.lower() in WEB_URL_SCHEMES


class SlugManager(models.Manager):
    """Look rows up by slug, so fixtures can refer to them by natural key."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Organisation(TimeStampedModel):
    """A police force, a local policing body (PCC, PFCC, mayor) or a national body."""

    class Kind(models.TextChoices):
        POLICE_FORCE = "police_force", "Police force"
        LOCAL_POLICING_BODY = "local_policing_body", "Local policing body"
        NATIONAL_BODY = "national_body", "National body"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=100)
    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    region = models.CharField(max_length=100, blank=True, db_index=True)
    paired = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A force's local policing body, or a local policing body's force.",
    )
    active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)

    objects = SlugManager.from_queryset(OrganisationQuerySet)()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("responses:organisation_detail", args=[self.slug])


class RecipientGroup(TimeStampedModel):
    """
    Who a recommendation is addressed to, as printed ("To chief constables").

    The organisations it expands to are computed (recommendations/selectors.py), never typed.
    """

    class Kind(models.TextChoices):
        POLICE_FORCES = "police_forces", "Every active police force"
        LOCAL_POLICING_BODIES = "local_policing_bodies", "Every active local policing body"
        ORGANISATION = "organisation", "One named organisation"
        ALL_RECIPIENTS = "all_recipients", "All recipients of the super-complaint"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recipient_groups",
        help_text="Only for groups of one named organisation (Home Office, NPCC, ...).",
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = SlugManager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                name="recipient_group_organisation_iff_kind_organisation",
                condition=(
                    models.Q(kind="organisation", organisation__isnull=False)
                    | (~models.Q(kind="organisation") & models.Q(organisation__isnull=True))
                ),
            )
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class SuperComplaint(TimeStampedModel):
    """A super-complaint and the report HMICFRS, the College and the IOPC published on it."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        UNDER_INVESTIGATION = "under_investigation", "Under investigation"
        REPORT_PUBLISHED = "report_published", "Report published"
        CLOSED = "closed", "Closed"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300, help_text="The report's title as published.")
    short_title = models.CharField(max_length=100, help_text='As people say it: "Safe to share?"')
    complainants = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    report_published_on = models.DateField(null=True, blank=True)
    investigating_bodies = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.RECEIVED)
    report_url = models.URLField(max_length=500, blank=True, validators=[validate_web_url])
    # Reports set their own deadlines; these are the usual ones.
    comments_due_after_days = models.PositiveSmallIntegerField(
        default=56, help_text="Local policing bodies' comments and action plans are due after this."
    )
    progress_update_due_after_months = models.PositiveSmallIntegerField(
        default=6, help_text="The progress update to HM Chief Inspector is due after this."
    )

    objects = SlugManager()

    class Meta:
        ordering = ["-report_published_on", "title"]
        constraints = [
            # Holds for every way in, including loaddata and imports, which skip full_clean().
            models.CheckConstraint(
                name="super_complaint_report_url_is_a_web_address",
                condition=(
                    models.Q(report_url="")
                    | models.Q(report_url__istartswith="http://")
                    | models.Q(report_url__istartswith="https://")
                ),
                violation_error_message="Enter a web address starting with http:// or https://",
            )
        ]

    def __str__(self):
        return self.short_title or self.title

    @property
    def report_link(self):
        """The report's address if it is safe to render as a link (http or https), else ""."""
        return self.report_url if is_web_url(self.report_url) else ""

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("responses:supercomplaint_detail", args=[self.slug])

    # The deadlines, derived from the publication date. `responses.deadlines.due_date` picks the
    # one that applies to an organisation's answer to a recommendation.

    @property
    def comments_due_on(self):
        if not self.report_published_on:
            return None
        return self.report_published_on + datetime.timedelta(days=self.comments_due_after_days)

    @property
    def progress_update_due_on(self):
        if not self.report_published_on:
            return None
        return add_months(self.report_published_on, self.progress_update_due_after_months)


class RecommendationManager(models.Manager.from_queryset(RecommendationQuerySet)):
    def get_by_natural_key(self, super_complaint_slug, number):
        return self.get(super_complaint__slug=super_complaint_slug, number=number)


class Recommendation(TimeStampedModel):
    """One numbered recommendation of a super-complaint report, addressed to recipient groups."""

    super_complaint = models.ForeignKey(
        SuperComplaint, on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.CharField(max_length=20, help_text='As printed: "1", "3a", "7.1".')
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300, blank=True)
    text = RichTextField()
    notes = RichTextField(blank=True)
    recipient_groups = models.ManyToManyField(RecipientGroup, related_name="recommendations")
    depends_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="dependants",
        help_text='"Pending the outcome of recommendation 2".',
    )
    due_on = models.DateField(
        null=True, blank=True, help_text="Overrides the super-complaint's deadline when set."
    )

    objects = RecommendationManager()

    class Meta:
        ordering = ["super_complaint", "order", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["super_complaint", "number"], name="unique_recommendation_number"
            )
        ]

    def __str__(self):
        return f"{self.super_complaint}: recommendation {self.number}"

    def natural_key(self):
        return (self.super_complaint.slug, self.number)

    natural_key.dependencies = ["recommendations.supercomplaint"]

    def get_absolute_url(self):
        # The page lives in the responses app: it shows every organisation's response.
        return reverse(
            "responses:recommendation_detail", args=[self.super_complaint.slug, self.number]
        )

    # Reports sometimes print recommendations without numbers; they are stored as
    # "unnumbered-<position>" so real numbers loaded later cannot collide with them.
    UNNUMBERED_PREFIX = "unnumbered-"

    @property
    def is_unnumbered(self):
        return self.number.startswith(self.UNNUMBERED_PREFIX)

    @property
    def label(self):
        """How people refer to it: "Recommendation 3a", or "Unnumbered recommendation (2)"."""
        if self.is_unnumbered:
            return f"Unnumbered recommendation ({self.number.removeprefix(self.UNNUMBERED_PREFIX)})"
        return f"Recommendation {self.number}"

    @property
    def short_label(self):
        """For narrow places such as matrix headings: "Rec 3a", "Unnumbered (2)"."""
        if self.is_unnumbered:
            return f"Unnumbered ({self.number.removeprefix(self.UNNUMBERED_PREFIX)})"
        return f"Rec {self.number}"
