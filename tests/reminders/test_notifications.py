"""
Workflow emails (issue 21, items 2 and 3): each event sends exactly one email to exactly the
right people, by their preference, only to those who may read it, with a link that works for
them; delivery is recorded once per (event, person) and retried, never dropped.
"""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.models import Event
from deadlines import services as deadline_services
from evidence import services as evidence_services
from reminders import notifications
from reminders.models import Mode, Notification
from reminders.services import reminders_send
from responses import services
from responses.choices import ExtensionDecision, ReviewOutcome
from tests.conftest import make_user, published_update, submitted_update

SITE_URL = "https://tracker.example.org"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE_URL
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def people(world):
    for user in (world.contributor, world.approver, world.viewer, world.other_contributor,
                 world.other_approver, world.opcc_contributor, world.reviewer, world.outsider):
        user.email = f"{user.username}@example.org"
        user.last_name = "Person"
        user.save()
    return world


def sent_to(subject_start=""):
    return sorted(
        address for message in mail.outbox if message.subject.startswith(subject_start)
        for address in message.to
    )


def run(django_capture_on_commit_callbacks, action):
    """Do `action` as a request would: its transaction commits, then the tasks run."""
    with django_capture_on_commit_callbacks(execute=True):
        result = action()
    return result


def test_submitted_emails_the_approvers_who_may_sign_off_only(
    people, client, django_capture_on_commit_callbacks
):
    notifications.notification_preferences_set(
        user=people.approver, modes={Event.Kind.SUBMITTED: Mode.AT_ONCE}
    )
    update = run(django_capture_on_commit_callbacks,
                 lambda: submitted_update(people, recommendation=people.rec_1,
                                          organisation=people.force_a))
    assert sent_to() == ["bob@example.org"]
    message = mail.outbox[0]
    assert message.subject.startswith("Update awaiting your sign-off: Safe to share?")
    path = update.response.get_absolute_url()
    link = SITE_URL + path + f"#sign-off-{update.pk}"
    assert link in message.body
    html = message.alternatives[0][0]
    assert f'href="{link}"' in html
    assert Notification.objects.get().status == Notification.Status.SENT
    client.force_login(people.approver)
    page = client.get(path)
    assert page.status_code == 200
    assert f'id="sign-off-{update.pk}"' in page.text


def test_the_default_for_submissions_is_the_digest(people, django_capture_on_commit_callbacks):
    run(django_capture_on_commit_callbacks,
        lambda: submitted_update(people, recommendation=people.rec_1,
                                 organisation=people.force_a))
    assert mail.outbox == []
    waiting = Notification.objects.get()
    assert (waiting.user, waiting.status) == (people.approver, Notification.Status.DIGEST)
    assert notifications.digest_notifications(people.approver) == [waiting]


def test_the_digest_carries_the_waiting_emails_once(people, django_capture_on_commit_callbacks):
    run(django_capture_on_commit_callbacks,
        lambda: submitted_update(people, recommendation=people.rec_1,
                                 organisation=people.force_a))
    report = reminders_send(today=datetime.date(2021, 1, 10))
    digests = [m for m in mail.outbox if m.to == ["bob@example.org"]]
    assert len(digests) == 1
    assert "Update awaiting your sign-off: Safe to share?" in digests[0].body
    waiting = Notification.objects.get()
    assert waiting.status == Notification.Status.DIGESTED
    assert waiting.digest.events == 1
    assert report.failed == []
    # The next digest does not repeat it.
    mail.outbox.clear()
    reminders_send(today=datetime.date(2021, 1, 20))
    assert all("awaiting your sign-off: Safe" not in m.body for m in mail.outbox)


def test_returned_by_an_approver_emails_the_author_with_the_comment_and_the_link_works(
    people, client, django_capture_on_commit_callbacks
):
    update = submitted_update(people, recommendation=people.rec_1, organisation=people.force_a)
    run(django_capture_on_commit_callbacks,
        lambda: services.response_update_return(update=update, approver=people.approver,
                                                comment="Say which training was delivered."))
    assert sent_to() == ["alice@example.org"]
    message = mail.outbox[0]
    assert message.subject.startswith("Update returned: Safe to share?")
    assert "Say which training was delivered." in message.body
    path = reverse("workflow:update_edit", args=[update.pk])
    assert SITE_URL + path in message.body
    client.force_login(people.contributor)
    assert client.get(path).status_code == 200


def test_a_sensitive_updates_comment_is_never_in_the_email(
    people, django_capture_on_commit_callbacks
):
    update = submitted_update(people, recommendation=people.rec_1, organisation=people.force_a,
                              marking="OFFICIAL-SENSITIVE", public=False)
    run(django_capture_on_commit_callbacks,
        lambda: services.response_update_return(update=update, approver=people.approver,
                                                comment="Name the informant's unit."))
    assert sent_to() == ["alice@example.org"]
    message = mail.outbox[0]
    assert "informant" not in message.body
    assert "informant" not in message.alternatives[0][0]


def test_never_means_no_email(people, django_capture_on_commit_callbacks):
    notifications.notification_preferences_set(
        user=people.contributor, modes={Event.Kind.RETURNED: Mode.NEVER}
    )
    update = submitted_update(people, recommendation=people.rec_1, organisation=people.force_a)
    run(django_capture_on_commit_callbacks,
        lambda: services.response_update_return(update=update, approver=people.approver,
                                                comment="More detail."))
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_published_emails_the_contributors_and_the_paired_body_once_each(
    people, client, django_capture_on_commit_callbacks
):
    for user in (people.contributor, people.opcc_contributor, people.other_contributor):
        notifications.notification_preferences_set(
            user=user, modes={Event.Kind.PUBLISHED: Mode.AT_ONCE}
        )
    update = submitted_update(people, recommendation=people.rec_1, organisation=people.force_a)
    run(django_capture_on_commit_callbacks,
        lambda: services.response_update_publish(update=update, approver=people.approver))
    # Alice wrote it and is a contributor: she hears it was published; the paired PCC's
    # contributor too; another force's contributor does not.
    assert sent_to("Update published") == ["alice@example.org", "olivia@example.org"]
    path = update.response.get_absolute_url()
    assert SITE_URL + path + f"#update-{update.pk}" in mail.outbox[0].body
    client.force_login(people.opcc_contributor)
    assert client.get(path).status_code == 200


def test_returned_by_a_reviewer_emails_the_author(people, django_capture_on_commit_callbacks):
    update = published_update(people, recommendation=people.rec_1, organisation=people.force_a)
    run(django_capture_on_commit_callbacks,
        lambda: evidence_services.response_review(
            response=update.response, reviewer=people.reviewer,
            outcome=ReviewOutcome.RETURNED, comment="Send the training records."))
    assert sent_to() == ["alice@example.org"]
    assert "Send the training records." in mail.outbox[0].body


def test_a_decision_on_more_time_emails_who_asked(
    people, client, django_capture_on_commit_callbacks
):
    extension = deadline_services.extension_request(
        recommendation=people.rec_1, organisation=people.force_a, user=people.contributor,
        requested_due_on=datetime.date(2021, 9, 1), reason="Waiting for the College.",
        today=datetime.date(2021, 6, 1),
    )
    response = extension.response
    run(django_capture_on_commit_callbacks,
        lambda: deadline_services.extension_decide(
            extension=extension, reviewer=people.reviewer,
            decision=ExtensionDecision.APPROVED))
    assert sent_to() == ["alice@example.org"]
    assert mail.outbox[0].subject.startswith("Your request for more time was approved")
    client.force_login(people.contributor)
    assert client.get(response.get_absolute_url()).status_code == 200


def test_a_chaser_emails_the_organisations_writers_who_chose_it(
    people, django_capture_on_commit_callbacks
):
    for user in (people.contributor, people.approver, people.viewer):
        notifications.notification_preferences_set(
            user=user, modes={Event.Kind.CHASER_SENT: Mode.AT_ONCE}
        )
    run(django_capture_on_commit_callbacks,
        lambda: deadline_services.chaser_send(
            reviewer=people.reviewer, recommendation=people.rec_1,
            organisation=people.force_a, today=datetime.date(2021, 9, 1)))
    assert sent_to("Chasing letter sent") == ["alice@example.org", "bob@example.org"]


def test_nobody_who_may_not_read_it_is_mailed(people, django_capture_on_commit_callbacks):
    """A returned draft is readable by its organisation only: a left member hears nothing."""
    update = submitted_update(people, recommendation=people.rec_1, organisation=people.force_a)
    helper = make_user("henry", people.force_a, "contributor", email="henry@example.org")
    update.editors.add(helper)
    helper.memberships.all().delete()  # moved on before the update came back
    run(django_capture_on_commit_callbacks,
        lambda: services.response_update_return(update=update, approver=people.approver,
                                                comment="More detail."))
    assert sent_to() == ["alice@example.org"]


def test_a_second_fan_out_writes_and_sends_nothing(people, django_capture_on_commit_callbacks):
    update = submitted_update(people, recommendation=people.rec_1, organisation=people.force_a)
    run(django_capture_on_commit_callbacks,
        lambda: services.response_update_return(update=update, approver=people.approver,
                                                comment="More detail."))
    event = Event.objects.get(kind=Event.Kind.RETURNED)
    Event.objects.filter(pk=event.pk).update(fanned_out_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.event_fan_out(event_id=event.pk)
        notifications.notifications_sweep()
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(event=event).count() == 1


def test_the_event_is_recorded_only_if_the_write_commits(people):
    update = submitted_update(people, recommendation=people.rec_1, organisation=people.force_a)
    with pytest.raises(Exception):  # noqa: B017 - any refusal
        services.response_update_return(update=update, approver=people.other_approver,
                                        comment="Not mine to return.")
    assert not Event.objects.filter(kind=Event.Kind.RETURNED).exists()


def test_a_failing_mail_server_delays_then_gives_up_and_admins_see_it(
    people, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 9, False
    settings.EMAIL_TIMEOUT = 2
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    update = submitted_update(people, recommendation=people.rec_1, organisation=people.force_a)
    run(django_capture_on_commit_callbacks,
        lambda: services.response_update_return(update=update, approver=people.approver,
                                                comment="More detail."))
    notification = Notification.objects.get()
    assert (notification.status, notification.attempts) == (Notification.Status.PENDING, 1)
    assert notification.next_attempt_at > timezone.now()
    Notification.objects.update(next_attempt_at=timezone.now())
    notifications.notifications_sweep()
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.FAILED, 2)


def test_a_row_left_sending_by_a_dead_worker_becomes_uncertain_not_resent(
    people, django_capture_on_commit_callbacks
):
    update = submitted_update(people, recommendation=people.rec_1, organisation=people.force_a)
    run(django_capture_on_commit_callbacks,
        lambda: services.response_update_return(update=update, approver=people.approver,
                                                comment="More detail."))
    mail.outbox.clear()
    returned = Notification.objects.filter(event__kind=Event.Kind.RETURNED)
    returned.update(status=Notification.Status.SENDING,
                    lease_until=timezone.now() - datetime.timedelta(seconds=1))
    notifications.notifications_sweep()
    assert returned.get().status == Notification.Status.UNCERTAIN
    assert mail.outbox == []


def test_the_preferences_page_shows_and_saves_ones_own_choices(people, client):
    client.force_login(people.contributor)
    url = reverse("notification_preferences")
    page = client.get(url)
    assert page.status_code == 200
    assert "Workflow emails" in page.text
    data = {kind: Mode.DIGEST for kind in Event.Kind.values}
    data[Event.Kind.RETURNED] = Mode.NEVER
    assert client.post(url, data).status_code == 302
    assert notifications.preferences_of(people.contributor)[Event.Kind.RETURNED] == Mode.NEVER
    assert notifications.preferences_of(people.approver)[Event.Kind.RETURNED] == Mode.AT_ONCE


def test_the_preferences_page_refuses_the_signed_out(client, db):
    response = client.get(reverse("notification_preferences"))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "sign-in" in response["Location"]


def test_an_incomplete_form_shows_the_error_and_saves_nothing(people, client):
    client.force_login(people.contributor)
    page = client.post(reverse("notification_preferences"), {})
    assert page.status_code == 200
    assert "There is a problem" in page.text
    assert not people.contributor.notification_preferences.exists()


def test_admins_see_the_failed_emails_and_can_send_them_again(
    people, client, settings, django_capture_on_commit_callbacks
):
    update = submitted_update(people, recommendation=people.rec_1, organisation=people.force_a)
    run(django_capture_on_commit_callbacks,
        lambda: services.response_update_return(update=update, approver=people.approver,
                                                comment="More detail."))
    failed = Notification.objects.get(event__kind=Event.Kind.RETURNED)
    Notification.objects.filter(pk=failed.pk).update(
        status=Notification.Status.FAILED, last_error="451 try again later"
    )
    mail.outbox.clear()
    admin = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:reminders_notification_changelist")
    page = client.get(url, {"status__exact": "failed"})
    assert page.status_code == 200
    assert "451 try again later" in page.text
    assert "alice" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "send_again", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.status == Notification.Status.SENT
    assert sent_to() == ["alice@example.org"]


def test_people_other_than_admins_cannot_see_the_emails_list(people, client):
    client.force_login(people.approver)
    response = client.get(reverse("admin:reminders_notification_changelist"))
    assert response.status_code == 302


def test_awaited_guidance_published_emails_those_waiting_on_it_once(
    people, client, django_capture_on_commit_callbacks
):
    from accounts.models import Membership
    from responses.choices import Status

    writer = make_user("hugh", people.home_office, Membership.Role.CONTRIBUTOR)
    signer = make_user("hana", people.home_office, Membership.Role.APPROVER)
    for user in (people.contributor, people.other_contributor):
        notifications.notification_preferences_set(
            user=user, modes={Event.Kind.GUIDANCE_PUBLISHED: Mode.AT_ONCE}
        )
    waiting = published_update(people, recommendation=people.rec_1, organisation=people.force_a,
                               status=Status.AWAITING_NATIONAL,
                               awaited_recommendation=people.rec_2)
    # Force B waits on something else: it hears nothing.
    published_update(people, recommendation=people.rec_1, organisation=people.force_b,
                     author=people.other_contributor, approver=people.other_approver,
                     status=Status.AWAITING_NATIONAL, awaiting="A Home Office circular")
    mail.outbox.clear()
    run(django_capture_on_commit_callbacks,
        lambda: published_update(people, recommendation=people.rec_2,
                                 organisation=people.home_office, author=writer,
                                 approver=signer, status=Status.IN_PROGRESS))
    assert sent_to("Guidance you were waiting for") == ["alice@example.org"]
    message = [m for m in mail.outbox if m.subject.startswith("Guidance")][0]
    path = waiting.response.get_absolute_url()
    assert SITE_URL + path in message.body
    client.force_login(people.contributor)
    assert "The guidance you were waiting for was published on" in client.get(path).text
    # The sweep finds nothing more to send.
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notifications_sweep()
    assert len([m for m in mail.outbox if m.subject.startswith("Guidance")]) == 1
