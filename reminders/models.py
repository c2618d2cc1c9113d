"""
Email reminders: each person's choice of how often to get a digest, and a record of every digest
sent (which also makes `manage.py send_reminders` idempotent per person and day).
"""

from django.conf import settings
from django.db import models

from core.models import TimeStampedModel


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

    class Meta:
        ordering = ["-sent_on", "-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sent_on"], name="one_reminder_per_user_and_day"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.sent_on:%d %B %Y}"
