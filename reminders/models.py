"""
Email reminders: each person's choice of how often to get a digest, and a record of every digest
sent (which also makes `manage.py send_reminders` idempotent per person and day).
"""

from django.conf import settings
from django.db import models

from core.models import Event, TimeStampedModel


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    NEVER = "never", "Never"


# What someone who has never chosen gets: a weekly digest is useful without being noise.
DEFAULT_FREQUENCY = Frequency.WEEKLY

# The fewest days between two digests, per frequency (never: none is sent).
MINIMUM_DAYS_BETWEEN = {Frequency.DAILY: 1, Frequency.WEEKLY: 7}

FREQUENCY_HINTS = {
    Frequency.DAILY: "One email on each day there is something to do.",
    Frequency.WEEKLY: "At most one email every 7 days.",
    Frequency.NEVER: "No reminder emails. You still see everything on your home page.",
}


class ReminderPreference(TimeStampedModel):
    """How often one person wants the reminder digest (no row: DEFAULT_FREQUENCY)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=DEFAULT_FREQUENCY
    )

    def __str__(self):
        return f"{self.user}: {self.get_frequency_display()}"


class ReminderDigest(models.Model):
    """
    One digest emailed to one person. One per person and day at most (the constraint holds even
    when two runs overlap); a weekly reader gets one only if none was sent in the last 7 days.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    sent_on = models.DateField(help_text="The day the digest was for (the run's --today).")
    sent_at = models.DateTimeField(auto_now_add=True)
    email = models.EmailField(help_text="The address it was sent to.")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    subject = models.CharField(max_length=300)
    due_soon = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    stale = models.PositiveIntegerField(default=0)
    awaiting_sign_off = models.PositiveIntegerField(default=0)
    guidance_landed = models.PositiveIntegerField(default=0)
    extensions = models.PositiveIntegerField(
        default=0, help_text="Requests for more time awaiting a decision or recently decided."
    )
    chasers = models.PositiveIntegerField(
        default=0,
        help_text="Chasing letters sent to the person's organisations in the last 7 days.",
    )
    events = models.PositiveIntegerField(
        default=0, help_text="Workflow emails the person chose to get in the digest."
    )

    class Meta:
        ordering = ["-sent_on", "-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sent_on"], name="one_reminder_per_user_and_day"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.sent_on:%d %B %Y}"


# Emails of workflow events (`reminders.notifications`): each person chooses, per kind of
# event, to get it at once, in their digest, or never.
class Mode(models.TextChoices):
    AT_ONCE = "at_once", "At once"
    DIGEST = "digest", "In my reminder digest"
    NEVER = "never", "Never"


# What someone who has never chosen gets: at once when their own work comes back or their
# request is decided (they must act, or may stop waiting); the rest in the digest.
DEFAULT_MODES = {
    Event.Kind.RETURNED: Mode.AT_ONCE,
    Event.Kind.EXTENSION_DECIDED: Mode.AT_ONCE,
}


def default_mode(kind):
    return DEFAULT_MODES.get(kind, Mode.DIGEST)


class NotificationPreference(TimeStampedModel):
    """How one person wants the emails of one kind of event (no row: `default_mode`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(max_length=30, choices=Event.Kind.choices)
    mode = models.CharField(max_length=10, choices=Mode.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()}: {self.get_mode_display()}"


class Notification(models.Model):
    """
    One event's email to one person: the delivery record that makes sending idempotent. The
    unique (event, user) pair means a second fan-out writes nothing; a worker sends only a row
    it has claimed (pending → sending, one UPDATE), and marks it sent after.

    A worker killed while a row is `sending` may or may not have handed the message over, and
    SMTP cannot be asked: once its lease has passed, the sweep marks it `uncertain` (never sent
    again on its own, so never twice) and the admin lists it for a person to check and, if
    need be, send again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed: gave up after retrying"
        UNCERTAIN = "uncertain", "Uncertain: the worker stopped while sending"
        DIGEST = "digest", "Waiting for the digest"
        DIGESTED = "digested", "Sent in a digest"
        WITHDRAWN = "withdrawn", "Not sent: the person may no longer read it"

    event = models.ForeignKey("core.Event", on_delete=models.CASCADE,
                              related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    email = models.EmailField(blank=True, help_text="The address it was sent to.")
    last_error = models.TextField(blank=True)
    digest = models.ForeignKey(ReminderDigest, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"],
                                    name="one_notification_per_event_and_user")
        ]

    def __str__(self):
        return f"{self.event} → {self.user}"
