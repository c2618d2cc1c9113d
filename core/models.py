from django.db import models


class TimeStampedModel(models.Model):
    """Adds when a row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Event(models.Model):
    """
    The outbox: one workflow event (an update submitted, published, returned, ...), written by
    the service that caused it in the same transaction, so an event exists exactly when its
    change was committed. Sending the emails it causes happens later, in a task worker
    (`reminders.notifications`); `fanned_out_at` says that its deliveries have been written.

    Kept in `core` so that every service, whatever its layer, can record one; it names what
    happened by ids only (`data`), never by foreign keys into the feature apps above.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "An update is submitted for sign-off"
        PUBLISHED = "published", "An update is published"
        RETURNED = "returned", "An update is returned"
        EXTENSION_DECIDED = "extension_decided", "A request for more time is decided"
        CHASER_SENT = "chaser_sent", "A chasing letter is sent"
        GUIDANCE_PUBLISHED = "guidance_published", "Guidance you are waiting for is published"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    data = models.JSONField(default=dict, help_text="The ids the event is about.")
    actor_id = models.BigIntegerField(null=True, blank=True,
                                      help_text="The user whose action caused it.")
    created_at = models.DateTimeField(auto_now_add=True)
    fanned_out_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%d %B %Y %H:%M})"
