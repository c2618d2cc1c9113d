"""
Reads for the reminder digest: who gets one, whether it is their turn, and what it says.

The rules it reads live elsewhere and are only called here: deadlines
(`responses.deadlines`, through `deadlines.selectors.expected_responses`), landed
guidance (`responses.selectors.guidance`) and who may sign off what
(`ResponseUpdate.objects.signable_by`, which keeps other organisations' drafts out).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import dateformat, timezone

from accounts import permissions
from accounts.models import Membership
from deadlines.selectors import expected_responses
from responses.choices import ChaserStep, ExtensionDecision
from responses.deadlines import priority_overdue_first
from responses.models import Chaser, ExtensionRequest, ResponseUpdate
from responses.selectors.guidance import guidance_landed

from . import notifications
from .models import DEFAULT_FREQUENCY, MINIMUM_DAYS_BETWEEN, ReminderDigest

DUE_SOON_DAYS = 14
SIGN_OFF_AFTER_DAYS = 7
# Each section lists this many items at most; the rest are counted and found on the site.
SECTION_LIMIT = 25
SUBJECT_PHRASES = {
    "guidance_landed": "awaited guidance published ({count})",
    "awaiting_sign_off": "{count} waiting for your sign-off",
    "overdue": "{count} overdue",
    "due_soon": "{count} due within 14 days",
    "stale": "{count} stale",
    "extensions": "requests for more time ({count})",
    "chasers": "chasing letters ({count})",
    "events": "{count} updates on your work",
}
# A decision on a request for more time is mentioned in the digests of this many days after it.
EXTENSION_DECIDED_WITHIN_DAYS = 7
# A chasing letter is mentioned in the digests of this many days after it was sent.
CHASER_SENT_WITHIN_DAYS = 7


def long_date(day):
    return dateformat.format(day, "j F Y")


def absolute_url(path):
    """A link for an email: SITE_URL and the path (never the Host of some request)."""
    return settings.SITE_URL.rstrip("/") + path


@dataclass
class DigestItem:
    """One line of a digest: what, for which organisation, where it stands, and the link."""

    organisation: str
    title: str  # "Safe to share? – recommendation 3a"
    detail: str  # "Overdue by 3 days", "Submitted 9 days ago by Alice Smith", ...
    url: str  # absolute


@dataclass
class DigestSection:
    key: str  # the ReminderDigest count field
    heading: str
    items: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self):
        return self.total - len(self.items)


@dataclass
class Digest:
    user: object
    today: datetime.date
    sections: list  # DigestSection, in the order the email shows them
    home_url: str
    preferences_url: str
    # The workflow emails this digest carries (the person chose "in the digest" for them).
    notification_ids: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not any(section.total for section in self.sections)

    @property
    def greeting_name(self):
        """People are named by their full name, never their username."""
        return self.user.get_full_name().strip()

    def counts(self):
        return {section.key: section.total for section in self.sections}

    @property
    def subject(self):
        parts = [
            SUBJECT_PHRASES[section.key].format(count=section.total)
            for section in self.sections
            if section.total
        ]
        return f"{settings.SERVICE_NAME} reminders: " + ", ".join(parts)


def digest_recipients():
    """
    Active people with an email address and a contributor or approver role somewhere, each with
    `writer_memberships` (their active organisations where they write or approve) and their
    preference loaded. 2 queries.
    """
    writer_roles = sorted(permissions.WRITER_ROLES)
    return list(
        get_user_model()
        .objects.filter(is_active=True, memberships__role__in=writer_roles)
        .exclude(email="")
        .distinct()
        .select_related("reminder_preference")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(
                    role__in=writer_roles, organisation__active=True
                ).select_related("organisation"),
                to_attr="writer_memberships",
            )
        )
        .order_by("pk")
    )


def gets_reminders(user):
    """Whether digests are for `user`: a contributor or approver somewhere. 1 query."""
    return user.memberships.filter(role__in=permissions.WRITER_ROLES).exists()


def frequency_of(user):
    preference = getattr(user, "reminder_preference", None)
    return preference.frequency if preference else DEFAULT_FREQUENCY


def is_due(*, user, today):
    """
    Whether `user` should get a digest on `today`: never for "never", else only if their last
    digest is at least a day (daily) or 7 days (weekly) old. 1 query.
    """
    days = MINIMUM_DAYS_BETWEEN.get(frequency_of(user))
    if days is None:
        return False
    since = today - datetime.timedelta(days=days - 1)
    return not ReminderDigest.objects.filter(
        user=user, sent_on__gte=since, sent_on__lte=today
    ).exists()


class DigestData:
    """
    What every digest of one run draws on, read once for all the recipients' organisations:
    their expected responses, their landed guidance, their requests for more time that
    await a decision or were decided in the last 7 days, and the chasing letters sent to them
    in the last 7 days (8 queries for the whole run).
    """

    def __init__(self, *, organisation_ids, today):
        self.today = today
        self.expected = defaultdict(list)
        for row in expected_responses(organisation_ids=organisation_ids, today=today):
            self.expected[row.organisation.pk].append(row)
        self.landed = defaultdict(list)
        for landed in guidance_landed(organisation_ids=organisation_ids):
            self.landed[landed.response.organisation_id].append(landed)
        self.extensions = defaultdict(list)
        decided_since = timezone.make_aware(datetime.datetime.combine(
            today - datetime.timedelta(days=EXTENSION_DECIDED_WITHIN_DAYS), datetime.time.min
        ))
        requests = (
            ExtensionRequest.objects.filter(response__organisation_id__in=organisation_ids)
            .filter(
                Q(decision=ExtensionDecision.PENDING)
                | Q(decided_at__gte=decided_since, decided_at__date__lte=today)
            )
            .select_related(
                "decided_by", "response__organisation", "response__recommendation__super_complaint"
            )
            .order_by("requested_at", "pk")
        )
        for extension in requests:
            self.extensions[extension.response.organisation_id].append(extension)
        self.chasers = defaultdict(list)
        chasers = (
            Chaser.objects.filter(
                response__organisation_id__in=organisation_ids,
                sent_on__gt=today - datetime.timedelta(days=CHASER_SENT_WITHIN_DAYS),
                sent_on__lte=today,
            )
            .select_related(
                "sent_by", "sent_from", "response__organisation",
                "response__recommendation__super_complaint",
            )
            .order_by("sent_on", "pk")
        )
        for chaser in chasers:
            self.chasers[chaser.response.organisation_id].append(chaser)


def _section(key, heading, items):
    return DigestSection(key=key, heading=heading, items=items[:SECTION_LIMIT], total=len(items))


def _label(organisation):
    return organisation.short_name or organisation.name


def _expected_item(row):
    recommendation = row.recommendation
    return DigestItem(
        organisation=_label(row.organisation),
        title=f"{recommendation.super_complaint.short_title} – {recommendation.label.lower()}",
        detail=("Priority: " if recommendation.priority else "")
        + row.state.label
        + (f" (due {long_date(row.due_on)})" if row.due_on and not row.state.is_stale else ""),
        url=absolute_url(row.url),
    )


def _signable_drafts(user, today):
    """Updates waiting for `user`'s sign-off since before `today` minus 7 days. 1 query."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=SIGN_OFF_AFTER_DAYS),
                                  datetime.time.min)
    )
    return list(
        ResponseUpdate.objects.signable_by(user)
        .filter(submitted_at__lt=cutoff)
        .select_related(
            "author", "response__organisation", "response__recommendation__super_complaint"
        )
        .order_by("submitted_at", "pk")
    )


def _draft_item(update, today):
    recommendation = update.response.recommendation
    author = update.author.get_full_name().strip() if update.author else ""
    days = (today - timezone.localdate(update.submitted_at)).days
    return DigestItem(
        organisation=_label(update.response.organisation),
        title=f"{recommendation.super_complaint.short_title} – {recommendation.label.lower()}",
        detail=f"Submitted {days} days ago" + (f" by {author}" if author else ""),
        url=absolute_url(update.response.get_absolute_url() + f"#update-{update.pk}"),
    )


def _landed_item(landed):
    response = landed.response
    recommendation = response.recommendation
    return DigestItem(
        organisation=_label(response.organisation),
        title=f"{recommendation.super_complaint.short_title} – {recommendation.label.lower()}",
        detail=(
            f"The guidance you were waiting for was published on "
            f"{long_date(landed.published_on)}: review your status"
        ),
        url=absolute_url(response.get_absolute_url()),
    )


def _extension_item(extension):
    response = extension.response
    recommendation = response.recommendation
    asked = f"More time to {long_date(extension.requested_due_on)}"
    if extension.decision == ExtensionDecision.PENDING:
        detail = f"{asked}: awaiting a national reviewer's decision"
    else:
        who = extension.decided_by.get_full_name().strip() if extension.decided_by else ""
        detail = (
            f"{asked}: {extension.get_decision_display().lower()} on "
            f"{long_date(timezone.localdate(extension.decided_at))}" + (f" by {who}" if who else "")
        )
        if extension.decision == ExtensionDecision.REFUSED:
            detail += f"; still due {long_date(extension.original_due_on)}"
    return DigestItem(
        organisation=_label(response.organisation),
        title=f"{recommendation.super_complaint.short_title} – {recommendation.label.lower()}",
        detail=detail,
        url=absolute_url(response.get_absolute_url() + "#extensions"),
    )


def _chaser_item(chaser):
    response = chaser.response
    recommendation = response.recommendation
    who = chaser.sent_by.get_full_name().strip() if chaser.sent_by else ""
    detail = (
        f"{chaser.get_step_display()} sent on {long_date(chaser.sent_on)} by "
        + (f"{who}, " if who else "")
        + f"{chaser.sent_from.name}: the response is overdue"
    )
    if chaser.step == ChaserStep.FINAL_LETTER:
        detail += "; non-response will be stated publicly"
    elif chaser.is_public_statement:
        detail += "; the public pages now say it has not responded"
    return DigestItem(
        organisation=_label(response.organisation),
        title=f"{recommendation.super_complaint.short_title} – {recommendation.label.lower()}",
        detail=detail,
        url=absolute_url(response.get_absolute_url() + "#chasers"),
    )


def digest_for(*, user, data):
    """
    The digest of one person for their organisations (`user.writer_memberships`): due within
    14 days, overdue (priority recommendations first), stale, updates waiting for their
    sign-off for over 7 days, awaited guidance that has landed, requests for more time and the
    chasing letters of the last 7 days. 2 queries (the user's roles, the updates waiting for
    them).
    """
    today = data.today
    organisations = [m.organisation for m in user.writer_memberships]
    rows = [row for organisation in organisations for row in data.expected[organisation.pk]]
    overdue = [row for row in rows if row.state.is_overdue]
    overdue.sort(key=lambda row: -row.state.days)
    overdue = priority_overdue_first(
        overdue, recommendation=lambda row: row.recommendation,
        overdue=lambda row: row.state.is_overdue,
    )
    due_soon = [row for row in rows if row.state.is_due_within(DUE_SOON_DAYS)]
    due_soon.sort(key=lambda row: row.state.days)
    stale = [row for row in rows if row.state.is_stale]
    stale.sort(key=lambda row: -row.state.days)
    drafts = _signable_drafts(user, today)
    landed = [item for organisation in organisations for item in data.landed[organisation.pk]]
    extensions = [
        item for organisation in organisations for item in data.extensions[organisation.pk]
    ]
    chasers = [item for organisation in organisations for item in data.chasers[organisation.pk]]
    waiting = notifications.digest_notifications(user)
    events = []
    for notification in waiting:
        about = notifications.describe(notification)
        if about is not None:
            events.append(DigestItem(
                organisation=_label(about.response.organisation), title=about.subject,
                detail=about.action, url=about.url,
            ))
    return Digest(
        user=user,
        today=today,
        notification_ids=[notification.pk for notification in waiting],
        sections=[
            _section("events", "Updates on your work", events),
            _section("chasers", "Chasing letters from national reviewers",
                     [_chaser_item(chaser) for chaser in chasers]),
            _section("guidance_landed", "Awaited guidance that has been published",
                     [_landed_item(item) for item in landed]),
            _section("awaiting_sign_off", "Updates waiting for your sign-off for over 7 days",
                     [_draft_item(update, today) for update in drafts]),
            _section("overdue", "Overdue", [_expected_item(row) for row in overdue]),
            _section("due_soon", "Due within 14 days", [_expected_item(row) for row in due_soon]),
            _section("stale", "Stale: no update for too long",
                     [_expected_item(row) for row in stale]),
            _section("extensions", "Requests for more time",
                     [_extension_item(extension) for extension in extensions]),
        ],
        home_url=absolute_url(reverse("home")),
        preferences_url=absolute_url(reverse("reminder_preference")),
    )
