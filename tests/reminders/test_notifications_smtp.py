"""
The workflow emails through a real SMTP server on loopback (aiosmtpd, in its own process): the
message as it arrives, and a server that refuses for a while delays the email, never drops it.
"""

import sys

import pytest
from django.utils import timezone

from core.models import Event
from reminders import notifications
from reminders.models import Notification
from responses import services
from tests.conftest import submitted_update

SITE_URL = "https://tracker.example.org"


@pytest.fixture
def people(world, settings):
    settings.SITE_URL = SITE_URL
    for user in (world.contributor, world.approver):
        user.email = f"{user.username}@example.org"
        user.last_name = "Person"
        user.save()
    return world


def returned():
    return Notification.objects.filter(event__kind=Event.Kind.RETURNED)


def return_update(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        # Its "submitted" email waits for the approver's digest (the default).
        update = submitted_update(people, recommendation=people.rec_1,
                                  organisation=people.force_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.response_update_return(update=update, approver=people.approver,
                                        comment="Say which training was delivered.")
    return update


def test_the_email_arrives_as_plain_text_and_html_with_the_link(
    people, smtp_settings, django_capture_on_commit_callbacks
):
    update = return_update(people, django_capture_on_commit_callbacks)
    [message] = smtp_settings.messages()
    assert message["To"] == "alice@example.org"
    assert message["Subject"].strip().startswith("Update returned: Safe to share?")
    notification = returned().get()
    assert message["Message-ID"] == f"<notification-{notification.pk}@tracker.example.org>"
    link = f"{SITE_URL}/updates/{update.pk}/edit/"
    assert link in message.get_body(("plain",)).get_content()
    assert f'href="{link}"' in message.get_body(("html",)).get_content()
    assert notification.status == Notification.Status.SENT


def test_a_refusing_server_delays_the_email_and_it_goes_once_it_accepts(
    people, smtp_settings, django_capture_on_commit_callbacks
):
    smtp_settings.set("refuse", True)
    return_update(people, django_capture_on_commit_callbacks)
    notification = returned().get()
    assert (notification.status, notification.attempts) == (Notification.Status.PENDING, 1)
    assert "451" in notification.last_error
    assert smtp_settings.messages() == []
    # Not yet due: the sweep leaves it alone (back-off).
    notifications.notifications_sweep()
    assert returned().get().attempts == 1
    # Due again while the server still refuses: a second attempt, still waiting.
    returned().update(next_attempt_at=timezone.now())
    notifications.notifications_sweep()
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.PENDING, 2)
    assert notification.next_attempt_at > timezone.now()
    smtp_settings.set("refuse", False)
    returned().update(next_attempt_at=timezone.now())
    notifications.notifications_sweep()
    notifications.notifications_sweep()
    assert [m["To"] for m in smtp_settings.messages()] == ["alice@example.org"]
    assert returned().get().status == Notification.Status.SENT


def test_the_project_never_imports_atpublic_as_its_public_app():
    """aiosmtpd's atpublic (module `public`) stays out of the project's processes."""
    import public

    assert public.__file__.endswith("public/__init__.py")
    assert "site-packages" not in public.__file__ and "smtp-server" not in public.__file__
    assert not any("smtp-server" in path for path in sys.path)
