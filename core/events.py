"""
Recording workflow events in the outbox (`core.models.Event`).

A service calls `event_record` inside its own transaction. Once that transaction commits,
`event_committed` is sent with the event's id: the notifications (`reminders.notifications`)
listen for it and enqueue the sending. The signal keeps `core` (and every service below the
feature apps) free of any import of the app that sends the emails; an event whose enqueueing
is lost (a process killed right after the commit) is found by the periodic sweep.
"""

from django.db import transaction
from django.dispatch import Signal

from .models import Event

event_committed = Signal()  # sent with event_id, after the recording transaction commits


def event_record(*, kind, actor=None, **data):
    """Record one event in the current transaction, and announce it once that commits."""
    event = Event.objects.create(
        kind=Event.Kind(kind), data=data, actor_id=getattr(actor, "pk", None)
    )
    transaction.on_commit(
        lambda: event_committed.send(sender=Event, event_id=event.pk), robust=True
    )
    return event
