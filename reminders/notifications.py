"""
Emails of workflow events, sent reliably.

1. A service records an `Event` in the transaction of its write (`core.events.event_record`).
2. Once that commits, `event_fan_out` (a task) writes one `Notification` per person who should
   hear of it and may read it, by their preference (at once, in the digest, or never).
3. `notification_send` (a task) claims one pending row, sends it and marks it sent; a refusal
   of the mail server puts it back with a later `next_attempt_at` (back-off), and after
   `NOTIFICATION_MAX_ATTEMPTS` it is `failed` (listed for admins).
4. `notifications_sweep` (`manage.py send_notifications`, run every minute by the scheduler)
   fans out events whose task was lost, sends what is due, and marks rows whose worker died
   mid-send as `uncertain`.

Who hears of what is in `_recipients`; who may open the link is the permissions' rule
(`accounts.permissions`), checked again just before sending. The emails never quote an
OFFICIAL-SENSITIVE text: they say there is an update and link to it.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.models import Membership
from core.events import event_record
from core.marking import Marking
from core.models import Event
from core.people import person_name
from core.site import absolute_url
from recommendations.models import Organisation
from responses.models import Chaser, ExtensionRequest, Response, ResponseReview, ResponseUpdate
from responses.selectors.guidance import guidance_landed_with

from .models import Mode, Notification, NotificationPreference, default_mode

logger = logging.getLogger(__name__)

Status = Notification.Status


def max_attempts():
    return settings.NOTIFICATION_MAX_ATTEMPTS


def retry_delay(attempts):
    """Back-off: the base delay, doubled after each failed attempt, at most a day."""
    return datetime.timedelta(
        seconds=min(settings.NOTIFICATION_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 86400)
    )


def lease():
    """How long a claimed row may stay `sending` before its worker is taken for dead."""
    return datetime.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)


@dataclass
class About:
    """What one event is about, in words safe for an email, and where to act."""

    subject: str
    lines: list  # paragraphs of the email, plain text
    action: str  # the link's words
    url: str  # absolute
    response: object
    comment: str = ""  # quoted unless the update is OFFICIAL-SENSITIVE


def _title(response):
    recommendation = response.recommendation
    organisation = response.organisation
    return (
        f"{recommendation.super_complaint.short_title} – {recommendation.label.lower()} "
        f"({organisation.short_name or organisation.name})"
    )


_RELATED = ("response__organisation", "response__recommendation__super_complaint")


def _update(event):
    return (
        ResponseUpdate.objects.select_related("author", "signed_off_by", *_RELATED)
        .filter(pk=event.data.get("update_id"))
        .first()
    )


def _actor_name(event):
    actor = get_user_model().objects.filter(pk=event.actor_id).first()
    return person_name(actor) if actor else "Someone"


def _safe_comment(comment, marking):
    """The comment, unless it belongs to OFFICIAL-SENSITIVE material (then the link says it)."""
    return "" if marking == Marking.OFFICIAL_SENSITIVE else (comment or "").strip()


def _members(organisation_ids, roles):
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation_id__in=organisation_ids,
            memberships__role__in=roles,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _about_and_recipients(event):
    """
    What `event` is about and who should hear of it (before preferences and the check that
    they may read it), or (None, []) when its subject has gone (a draft deleted since).
    """
    kind = event.kind
    if kind == Event.Kind.GUIDANCE_PUBLISHED:
        update = _update(event)
        waiting = (
            Response.objects.select_related("organisation", "recommendation__super_complaint")
            .filter(pk=event.data.get("response_id")).first()
        )
        if update is None or waiting is None:
            return None, []
        title = _title(waiting)
        about = About(
            subject=f"Guidance you were waiting for has been published: {title}",
            lines=[
                f"{update.response.organisation.name} published an update on "
                f"{_title(update.response)}.",
                f"Your position on {title} awaits it: review your status.",
            ],
            action="Review your status",
            url=absolute_url(waiting.get_absolute_url()),
            response=waiting,
        )
        return about, _members([waiting.organisation_id], sorted(permissions.WRITER_ROLES))
    if kind in (Event.Kind.SUBMITTED, Event.Kind.PUBLISHED) or (
        kind == Event.Kind.RETURNED and "update_id" in event.data
    ):
        update = _update(event)
        if update is None:
            return None, []
        response = update.response
        title = _title(response)
        if kind == Event.Kind.SUBMITTED:
            about = About(
                subject=f"Update awaiting your sign-off: {title}",
                lines=[f"{_actor_name(event)} submitted an update on {title} for sign-off."],
                action="Read and sign off the update",
                # The sign-off form on the response page, as the approver's home task links.
                url=absolute_url(response.get_absolute_url() + f"#sign-off-{update.pk}"),
                response=response,
            )
            candidates = [
                user for user in _members([response.organisation_id],
                                          [Membership.Role.APPROVER])
                if permissions.can_sign_off(user, update)
            ]
            return about, candidates
        if kind == Event.Kind.PUBLISHED:
            about = About(
                subject=f"Update published: {title}",
                lines=[f"An update on {title} has been signed off and published."],
                action="Read the update",
                url=absolute_url(response.get_absolute_url() + f"#update-{update.pk}"),
                response=response,
            )
            organisation_ids = [response.organisation_id]
            paired_id = response.organisation.paired_id
            candidates = _members(organisation_ids, [Membership.Role.CONTRIBUTOR])
            if paired_id:
                candidates += _members([paired_id], sorted(permissions.WRITER_ROLES))
            return about, candidates
        about = About(
            subject=f"Update returned: {title}",
            lines=[f"{_actor_name(event)} returned your update on {title}."],
            action="Change the update and submit it again",
            url=absolute_url(reverse("workflow:update_edit", args=[update.pk])),
            response=response,
            comment=_safe_comment(update.return_comment, update.marking),
        )
        people = {update.author_id, *update.editors.values_list("pk", flat=True)}
        return about, [user for user in _members([response.organisation_id],
                                                 sorted(permissions.WRITER_ROLES))
                       if user.pk in people]
    if kind == Event.Kind.RETURNED:
        review = (
            ResponseReview.objects.select_related(
                "response__current_update", *_RELATED
            ).filter(pk=event.data.get("review_id")).first()
        )
        if review is None:
            return None, []
        response = review.response
        current = response.current_update
        title = _title(response)
        about = About(
            subject=f"Response returned by a national reviewer: {title}",
            lines=[f"{_actor_name(event)} returned the response on {title}: more evidence is "
                   f"needed."],
            action="Read the review and add an update",
            url=absolute_url(response.get_absolute_url()),
            response=response,
            comment=_safe_comment(review.comment, current.marking if current else ""),
        )
        people = set()
        if current is not None:
            people = {current.author_id, *current.editors.values_list("pk", flat=True)}
        return about, [user for user in _members([response.organisation_id],
                                                 sorted(permissions.WRITER_ROLES))
                       if user.pk in people]
    if kind == Event.Kind.EXTENSION_DECIDED:
        extension = (
            ExtensionRequest.objects.select_related("requested_by", *_RELATED)
            .filter(pk=event.data.get("extension_id")).first()
        )
        if extension is None:
            return None, []
        response = extension.response
        title = _title(response)
        decision = extension.get_decision_display().lower()
        about = About(
            subject=f"Your request for more time was {decision}: {title}",
            lines=[f"{_actor_name(event)} {decision} your request for more time on {title}."],
            action="Read the decision",
            url=absolute_url(response.get_absolute_url() + f"#extension-{extension.pk}"),
            response=response,
        )
        user = extension.requested_by
        ok = user is not None and user.is_active and user.email
        return about, [user] if ok else []
    if kind == Event.Kind.CHASER_SENT:
        chaser = (
            Chaser.objects.select_related("sent_from", *_RELATED)
            .filter(pk=event.data.get("chaser_id")).first()
        )
        if chaser is None:
            return None, []
        response = chaser.response
        title = _title(response)
        about = About(
            subject=f"Chasing letter sent: {title}",
            lines=[f"{chaser.sent_from.name} sent a chasing letter "
                   f"({chaser.get_step_display().lower()}) about {title}: the response is "
                   f"overdue."],
            action="Read the letter and respond",
            url=absolute_url(response.get_absolute_url() + "#chasers"),
            response=response,
        )
        return about, _members([response.organisation_id], sorted(permissions.WRITER_ROLES))
    return None, []


def may_read(user, event, about):
    """Whether `user` may open the email's link: the pages' own rules."""
    organisation_id = about.response.organisation_id
    if event.kind == Event.Kind.CHASER_SENT:
        return permissions.can_read_chaser_letters(user, organisation_id)
    update_id = event.data.get("update_id")
    if update_id:
        update = ResponseUpdate.objects.select_related("response").get(pk=update_id)
        return permissions.can_read_update(user, update)
    return user.is_authenticated


def _modes(users, kind):
    chosen = dict(
        NotificationPreference.objects.filter(user__in=users, kind=kind).values_list(
            "user_id", "mode"
        )
    )
    return {user.pk: chosen.get(user.pk, default_mode(kind)) for user in users}


def event_fan_out(*, event_id):
    """
    Write the deliveries of one event, once: the event row is locked and marked, and the
    (event, user) constraint holds even so. Returns the ids of the rows to send at once (they
    are enqueued when this commits).
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.fanned_out_at is not None:
            return []
        about, candidates = _about_and_recipients(event)
        users = {user.pk: user for user in candidates if user.pk != event.actor_id}
        users = [user for user in users.values() if about and may_read(user, event, about)]
        modes = _modes(users, event.kind)
        now = timezone.now()
        rows = [
            Notification(
                event=event, user=user, email=user.email, next_attempt_at=now,
                status=Status.PENDING if modes[user.pk] == Mode.AT_ONCE else Status.DIGEST,
            )
            for user in users
            if modes[user.pk] != Mode.NEVER
        ]
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        event.fanned_out_at = now
        event.save(update_fields=["fanned_out_at"])
        if about is not None and event.kind == Event.Kind.PUBLISHED:
            _record_guidance_landed(event)
        ids = list(
            Notification.objects.filter(event=event, status=Status.PENDING).values_list(
                "pk", flat=True
            )
        )
        transaction.on_commit(lambda: enqueue_sends(ids), robust=True)
    return ids


def _record_guidance_landed(event):
    """
    A national body's publication may be the guidance others wait for: one event per waiting
    response, recorded in the fan-out's transaction (so once, as the fan-out is done once) and
    fanned out in turn after it commits.
    """
    update = _update(event)
    if update is None or update.response.organisation.kind != Organisation.Kind.NATIONAL_BODY:
        return
    for landed in guidance_landed_with(update=update):
        event_record(kind=Event.Kind.GUIDANCE_PUBLISHED, update_id=update.pk,
                     response_id=landed.response.pk)


def enqueue_sends(ids, run_after=None):
    from .tasks import notification_send_task

    for pk in ids:
        task = notification_send_task
        if run_after is not None:
            task = task.using(run_after=run_after)
        task.enqueue(pk)


def notification_message(notification, about):
    """The email: plain text and HTML, GOV.UK email style, one link to the place to act."""
    user = notification.user
    context = {
        "about": about,
        "greeting_name": user.get_full_name().strip(),
        "service_name": settings.SERVICE_NAME,
        "preferences_url": absolute_url(reverse("notification_preferences")),
    }
    message = EmailMultiAlternatives(
        subject=about.subject[:300],
        body=render_to_string("reminders/notification_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        # The same Message-ID on every attempt, so a receiving system can tell a resend.
        headers={"Message-ID": f"<notification-{notification.pk}@{_domain()}>"},
    )
    message.attach_alternative(render_to_string("reminders/notification_email.html", context),
                               "text/html")
    return message


def _domain():
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def _claim(pk):
    """Take a due pending row for this worker: one conditional UPDATE, so only one wins."""
    now = timezone.now()
    return bool(
        Notification.objects.filter(pk=pk, status=Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=Status.SENDING, lease_until=now + lease(), attempts=F("attempts") + 1)
    )


def notification_send(*, notification_id):
    """
    Send one pending notification if it is due and nobody else has it. Returns the status it
    ends in (or None if it was not this worker's to send).
    """
    if not _claim(notification_id):
        return None
    notification = Notification.objects.select_related("event", "user").get(pk=notification_id)
    event = notification.event
    about, _ = _about_and_recipients(event)
    user = notification.user
    if about is None or not user.is_active or not user.email or not may_read(user, event, about):
        Notification.objects.filter(pk=notification.pk).update(status=Status.WITHDRAWN)
        return Status.WITHDRAWN
    try:
        connection = get_connection()
        connection.open()
        try:
            sent = connection.send_messages([notification_message(notification, about)])
        finally:
            connection.close()
        if not sent:
            raise RuntimeError("The mail backend sent nothing")
    except Exception as error:  # noqa: BLE001 - any failure: try again later, never drop
        return _failed(notification, error)
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), email=user.email, last_error=""
    )
    return Status.SENT


def _failed(notification, error):
    attempts = notification.attempts
    logger.warning("Notification %s: attempt %s failed: %s", notification.pk, attempts, error)
    if attempts >= max_attempts():
        Notification.objects.filter(pk=notification.pk).update(
            status=Status.FAILED, last_error=str(error)[:2000], lease_until=None
        )
        return Status.FAILED
    later = timezone.now() + retry_delay(attempts)
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.PENDING, next_attempt_at=later, last_error=str(error)[:2000],
        lease_until=None,
    )
    from django_tasks import default_task_backend

    if default_task_backend.supports_defer:
        enqueue_sends([notification.pk], run_after=later)
    # Otherwise (tasks run at once, in development) the sweep sends it when it is due.
    return Status.PENDING


@dataclass
class SweepReport:
    fanned_out: int = 0
    sent: int = 0
    uncertain: int = 0

    def summary(self):
        return (f"{self.fanned_out} events fanned out, {self.sent} notifications due, "
                f"{self.uncertain} marked uncertain")


def notifications_sweep(*, send=True):
    """
    Catch up on whatever a lost task or a dead worker left: fan out events not yet fanned out,
    mark rows stuck in `sending` past their lease as `uncertain`, and send (or enqueue, with a
    worker) every pending row that is due.
    """
    report = SweepReport()
    now = timezone.now()
    report.uncertain = Notification.objects.filter(
        status=Status.SENDING, lease_until__lt=now
    ).update(status=Status.UNCERTAIN, last_error="The worker stopped while sending")
    for event_id in Event.objects.filter(fanned_out_at__isnull=True).values_list("pk", flat=True):
        event_fan_out(event_id=event_id)
        report.fanned_out += 1
    due = list(
        Notification.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk").values_list("pk", flat=True)
    )
    report.sent = len(due)
    if send:
        enqueue_sends(due)
    return report


def notification_resend(*, notification):
    """An admin's choice: send an uncertain or failed notification again (at once)."""
    Notification.objects.filter(
        pk=notification.pk, status__in=[Status.UNCERTAIN, Status.FAILED]
    ).update(status=Status.PENDING, next_attempt_at=timezone.now(), attempts=0)
    transaction.on_commit(lambda: enqueue_sends([notification.pk]), robust=True)


def preferences_of(user):
    """Each kind with `user`'s mode (their choice or the default). 1 query."""
    chosen = dict(user.notification_preferences.values_list("kind", "mode"))
    return {kind: chosen.get(kind, default_mode(kind)) for kind in Event.Kind.values}


@transaction.atomic
def notification_preferences_set(*, user, modes):
    """Set how `user` (their own account only) gets each kind of email."""
    for kind, mode in modes.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=Event.Kind(kind), defaults={"mode": Mode(mode)}
        )


def describe(notification):
    """What a notification is about (`About`), or None if its subject has gone."""
    about, _ = _about_and_recipients(notification.event)
    return about


def digest_notifications(user):
    """The notifications waiting for `user`'s next digest, oldest first. 1 query."""
    return list(
        Notification.objects.filter(user=user, status=Status.DIGEST)
        .select_related("event").order_by("created_at", "pk")
    )
