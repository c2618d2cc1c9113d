import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel
from core.richtext import RichTextField, html_excerpt

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
    # An organisation whose staff sign in with its own identity provider (single sign-on) can
    # turn password sign-in off, so a leaver disabled there cannot come back with a password.
    local_sign_in_allowed = models.BooleanField(
        "local sign-in allowed",
        default=True,
        help_text="Members may sign in with a password and this service's two-factor sign-in. "
                  "Untick when the organisation's staff sign in with its own account (single "
                  "sign-on) only.",
    )
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

    def office_holder_on(self, day):
        """Who held the office on `day` (None if nobody is recorded). One query."""
        return (
            self.office_holders.filter(started_on__lte=day)
            .filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=day))
            .order_by("-started_on")
            .first()
        )


class OfficeHolderManager(models.Manager):
    def get_by_natural_key(self, organisation_slug, name, started_on):
        return self.get(organisation__slug=organisation_slug, name=name, started_on=started_on)


class OfficeHolder(TimeStampedModel):
    """
    Who held an organisation's office (a PCC, a mayor with PCC functions) and when.

    Offices change hands while the organisation, and everything it answered, stays: South
    Yorkshire's PCC functions passed to the Mayor on 7 May 2024. A letter is signed by whoever
    held the office on its date (`Organisation.office_holder_on`).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="office_holders"
    )
    name = models.CharField(max_length=200, help_text='As signed: "Dr Alan Billings".')
    title = models.CharField(
        max_length=200, help_text='"South Yorkshire Police and Crime Commissioner".'
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True, help_text="Blank while in office.")
    source = models.CharField(
        max_length=500, blank=True, help_text="Where the name and dates come from."
    )
    # The office as its letters named it while this holder held it (issue 22): a 2022 letter of
    # South Yorkshire's office is the Police and Crime Commissioner's, not the Mayor's that the
    # organisation is named after today. Blank: the organisation's name.
    office_name = models.CharField(
        max_length=200, blank=True,
        help_text='"Police and Crime Commissioner for South Yorkshire", as letters name it.',
    )
    # The letterhead and address block of the office's letters in that term.
    address = models.TextField(blank=True, help_text="One line per line of the address.")
    telephone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    website = models.CharField(max_length=200, blank=True)

    objects = OfficeHolderManager()

    class Meta:
        ordering = ["organisation", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name", "started_on"], name="unique_office_holder_term"
            ),
            models.CheckConstraint(
                name="office_holder_ends_after_it_starts",
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                violation_error_message="The end date must be on or after the start date",
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.title}"

    def natural_key(self):
        return (self.organisation.slug, self.name, self.started_on.isoformat())

    natural_key.dependencies = ["recommendations.organisation"]

    def held_office_on(self, day):
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


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


PRIORITY_REASON_REQUIRED = "Say why this recommendation is a priority"


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
    # Sub-parts a./b. of one recommendation can be addressed to different bodies: each part is a
    # recommendation of its own (number: the whole's number and its letter, "3a"), with its own
    # recipients, pointing at the whole, whose own text is the heading printed above the parts.
    part_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="parts",
        help_text='The recommendation this is part a., b., ... of ("3a" is part of "3").',
    )
    # Priority (issue 14, section 3): set by national reviewers only, through
    # `deadlines.services.recommendation_priority_mark` / `_remove` (who may is decided in
    # accounts.permissions, which this app cannot import). Every change is in the audit trail
    # (tracker.audit), field by field, with who made it.
    priority = models.BooleanField(
        default=False, db_index=True,
        help_text="Marked by a national reviewer: priority overdue answers lead every list.",
    )
    priority_reason = models.TextField(
        blank=True,
        help_text="Why it is a priority; once the mark is removed, why it was removed (if a "
        "reason was given).",
    )
    priority_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="Who last marked it as priority or removed the mark.",
    )
    priority_changed_at = models.DateTimeField(null=True, blank=True)

    objects = RecommendationManager()

    class Meta:
        ordering = ["super_complaint", "order", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["super_complaint", "number"], name="unique_recommendation_number"
            ),
            # Holds for every way in (fixtures, imports, the admin): a priority says why.
            models.CheckConstraint(
                name="priority_recommendation_has_a_reason",
                condition=models.Q(priority=False) | ~models.Q(priority_reason=""),
                violation_error_message=PRIORITY_REASON_REQUIRED,
            ),
        ]

    def __str__(self):
        return f"{self.super_complaint}: recommendation {self.number}"

    def natural_key(self):
        return (self.super_complaint.slug, self.number)

    natural_key.dependencies = ["recommendations.supercomplaint"]

    def clean(self):
        super().clean()
        self.priority_reason = (self.priority_reason or "").strip()
        if self.priority and not self.priority_reason:
            raise ValidationError({"priority_reason": PRIORITY_REASON_REQUIRED})

    def get_absolute_url(self):
        # The page lives in the responses app: it shows every organisation's response.
        return reverse(
            "responses:recommendation_detail", args=[self.super_complaint.slug, self.number]
        )

    # Reports sometimes print recommendations without numbers; they are stored as
    # "unnumbered-<position>" so real numbers loaded later cannot collide with them.
    UNNUMBERED_PREFIX = "unnumbered-"
    # Reports also set "actions" for the investigating bodies themselves (HMICFRS, the College
    # of Policing), numbered apart from the recommendations: stored as "action-<number>".
    ACTION_PREFIX = "action-"

    @property
    def is_unnumbered(self):
        return self.number.startswith(self.UNNUMBERED_PREFIX)

    @property
    def is_action(self):
        return self.number.startswith(self.ACTION_PREFIX)

    @property
    def part_letter(self):
        """A part's letter as printed ("a"), or "" for a whole recommendation."""
        return self.number[-1] if self.part_of_id and self.number[-1:].isalpha() else ""

    # How many words of its text name a recommendation that has no number and no title.
    SHORT_TITLE_WORDS = 10

    @property
    def short_title(self):
        """
        Its title, else the first words of its text ("Chief constables should consider what
        legal support they need to use…"); "" when neither is loaded (a read that deferred the
        text to stay fast names it by its position instead).
        """
        if self.title:
            return self.title
        if "text" in self.get_deferred_fields():
            return ""
        return html_excerpt(self.text, self.SHORT_TITLE_WORDS)

    @property
    def label(self):
        """
        How people refer to it: "Recommendation 3a" or "Action 1"; one printed without a number
        by its short title (issue 22: "Unnumbered recommendation (2)" told nobody which it was),
        or, where its text was not read, "Unnumbered recommendation (2)" ("..., part a").
        """
        if self.is_unnumbered and self.short_title:
            return self.short_title
        if self.is_unnumbered and self.part_letter:
            position = self.number.removeprefix(self.UNNUMBERED_PREFIX)[:-1]
            return f"Unnumbered recommendation ({position}), part {self.part_letter}"
        if self.is_unnumbered:
            return f"Unnumbered recommendation ({self.number.removeprefix(self.UNNUMBERED_PREFIX)})"
        if self.is_action:
            return f"Action {self.number.removeprefix(self.ACTION_PREFIX)}"
        return f"Recommendation {self.number}"

    @property
    def heading(self):
        """Its label and title, "Recommendation 3: Title"; the short title alone when unnumbered."""
        if self.title and self.label != self.title:
            return f"{self.label}: {self.title}"
        return self.label

    @property
    def short_label(self):
        """For narrow places such as matrix headings: "Rec 3a", "Unnumbered (2)", "Action 1"."""
        if self.is_unnumbered:
            return f"Unnumbered ({self.number.removeprefix(self.UNNUMBERED_PREFIX)})"
        if self.is_action:
            return self.label
        return f"Rec {self.number}"
