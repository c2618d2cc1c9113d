"""
Writes of the reminders: a person's preference, and sending the digests (recording each one).
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Frequency, Notification, ReminderDigest, ReminderPreference
from .selectors import DigestData, digest_for, digest_recipients, frequency_of, is_due

logger = logging.getLogger(__name__)


def reminder_preference_set(*, user, frequency):
    """Set how often `user` (and only they: it is their own account) gets the digest."""
    preference = ReminderPreference.objects.filter(user=user).first() or ReminderPreference(
        user=user
    )
    preference.frequency = Frequency(frequency)
    preference.full_clean()
    preference.save()
    return preference


def digest_message(digest):
    """The email of one digest: plain text and HTML, absolute links."""
    context = {"digest": digest, "service_name": settings.SERVICE_NAME}
    message = EmailMultiAlternatives(
        subject=digest.subject,
        body=render_to_string("reminders/digest_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.user.email],
    )
    message.attach_alternative(render_to_string("reminders/digest_email.html", context),
                               "text/html")
    return message


@dataclass
class RunReport:
    """What one run did, person by person."""

    sent: list = field(default_factory=list)  # (user, digest)
    not_due: int = 0  # preference "never", or a digest already sent in the period
    empty: int = 0  # nothing to say: no email
    failed: list = field(default_factory=list)  # (user, error)

    def summary(self, *, dry_run=False):
        count = len(self.sent)
        verb = "to send" if dry_run else "sent"
        return (
            f"{count} digest{'' if count == 1 else 's'} {verb}, {self.not_due} not due, "
            f"{self.empty} with nothing to say, {len(self.failed)} failed"
        )


def _send_one(digest, today):
    """
    Record the digest, then send it, in one transaction: a failed send records nothing (the
    next run tries again), and the one-per-day constraint stops an overlapping run sending it
    twice. Returns False if another run recorded it first.
    """
    try:
        with transaction.atomic():
            record = ReminderDigest.objects.create(
                user=digest.user,
                sent_on=today,
                email=digest.user.email,
                frequency=frequency_of(digest.user),
                subject=digest.subject[:300],
                **digest.counts(),
            )
            Notification.objects.filter(
                pk__in=digest.notification_ids, status=Notification.Status.DIGEST
            ).update(status=Notification.Status.DIGESTED, digest=record, sent_at=timezone.now())
            digest_message(digest).send()
    except IntegrityError:
        return False
    return True


def reminders_send(*, today, dry_run=False):
    """
    Send each contributor and approver their digest for `today`, if their preference says it is
    their turn and there is something to say. Running it again the same day sends nothing new.
    `dry_run` builds the digests (returned in `sent`) but neither sends nor records them.
    """
    report = RunReport()
    recipients = digest_recipients()
    organisation_ids = {m.organisation_id for user in recipients for m in user.writer_memberships}
    data = DigestData(organisation_ids=organisation_ids, today=today)
    for user in recipients:
        if not user.writer_memberships or not is_due(user=user, today=today):
            report.not_due += 1
            continue
        digest = digest_for(user=user, data=data)
        if digest.is_empty:
            report.empty += 1
            continue
        if dry_run:
            report.sent.append((user, digest))
            continue
        try:
            if _send_one(digest, today):
                report.sent.append((user, digest))
            else:
                report.not_due += 1
        except Exception as error:  # noqa: BLE001 - one bad address must not stop the others
            logger.exception("Reminder digest to user %s failed", user.pk)
            report.failed.append((user, error))
    return report
