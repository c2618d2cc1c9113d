"""Password reset by email, and invitations sent from the admin."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import Membership

NEW_PASSWORD = "a-new-long-passphrase-2026"


def link_in(message):
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(url, settings):
    assert url.startswith(settings.SITE_URL)
    return url[len(settings.SITE_URL):]


# Password reset


def test_the_sign_in_page_links_to_password_reset(client, world):
    assert reverse("password_reset") in client.get(reverse("login")).text


def test_a_reset_link_is_emailed_and_works_once(client, world, settings):
    settings.SITE_URL = "https://tracker.example.org"
    world.contributor.email = "alice@force-a.example"
    world.contributor.save()

    response = client.post(reverse("password_reset"), {"email": "ALICE@force-a.example"})

    assert response.headers["Location"] == reverse("password_reset_done")
    [message] = mail.outbox
    assert message.to == ["alice@force-a.example"]
    assert "Reset your password" in message.subject
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    url = link_in(message)
    assert url in html
    page = client.get(path_of(url, settings), follow=True)
    assert "Choose a new password" in page.text
    set_url = page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.headers["Location"] == reverse("password_reset_complete")
    world.contributor.refresh_from_db()
    assert world.contributor.check_password(NEW_PASSWORD)

    again = client.get(path_of(url, settings), follow=True)
    assert "This link has expired" in again.text


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, world):
    known = client.post(reverse("password_reset"), {"email": "nobody@nowhere.example"},
                        follow=True)
    assert "Check your email" in known.text
    assert "If an account uses that email address" in known.text
    assert mail.outbox == []


def test_a_weak_new_password_is_refused_with_the_text_kept(client, world, settings):
    world.contributor.email = "alice@force-a.example"
    world.contributor.save()
    client.post(reverse("password_reset"), {"email": "alice@force-a.example"})
    page = client.get(path_of(link_in(mail.outbox[0]), settings), follow=True)
    response = client.post(page.redirect_chain[-1][0],
                           {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert "There is a problem" in response.text


# Invitations


def invite(client, admin, **overrides):
    data = {"email": "new.person@force-a.example", "first_name": "New", "last_name": "Person",
            "organisation": str(admin.world.force_a.pk), "role": Membership.Role.APPROVER}
    data.update(overrides)
    return client.post(reverse("admin:auth_user_invite"), data)


def make_admin(world):
    user = world.outsider
    user.is_staff = user.is_superuser = True
    user.save()
    user.world = world
    return user


def test_an_admin_invites_a_user_who_sets_a_password_once(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tracker.example.org"
    admin = make_admin(world)
    client.force_login(admin)
    assert reverse("admin:auth_user_invite") in client.get(
        reverse("admin:auth_user_changelist")).text

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, admin)

    assert response.status_code == 302
    user = get_user_model().objects.get(email="new.person@force-a.example")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).role == Membership.Role.APPROVER
    [message] = mail.outbox
    assert message.to == ["new.person@force-a.example"]
    assert "new.person@force-a.example" in message.body
    assert message.alternatives[0][1] == "text/html"
    url = link_in(message)

    visitor = client.__class__()
    page = visitor.get(path_of(url, settings), follow=True)
    assert "Create your password" in page.text
    done = visitor.post(page.redirect_chain[-1][0],
                        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.headers["Location"] == reverse("invitation_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert "has expired" in visitor.get(path_of(url, settings), follow=True).text


def test_an_invitation_link_expires(client, world, settings):
    settings.INVITATION_TIMEOUT_DAYS = 3
    start = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        user = services.user_invite(email="late@example.org", first_name="Late",
                                    last_name="Comer")
        url = services.invitation_url(user)
        clock.shift(datetime.timedelta(days=2, hours=23))
        assert "Create your password" in client.get(path_of(url, settings), follow=True).text
        clock.shift(datetime.timedelta(hours=2))
        assert "has expired" in client.get(path_of(url, settings), follow=True).text


def test_an_invitation_link_is_not_a_password_reset_link(client, world, settings):
    user = services.user_invite(email="x@example.org", first_name="X", last_name="Y")
    invitation = path_of(services.invitation_url(user), settings)
    as_reset = invitation.replace("/invitation/", "/password/reset/")
    assert "has expired" in client.get(as_reset, follow=True).text


def test_only_staff_with_add_permission_can_invite(client, world):
    client.force_login(world.approver)
    response = invite(client, make_admin(world))
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 403
    assert not get_user_model().objects.filter(email="new.person@force-a.example").exists()
    assert mail.outbox == []


def test_an_invitation_to_an_existing_address_is_refused(client, world):
    world.contributor.email = "alice@force-a.example"
    world.contributor.save()
    client.force_login(make_admin(world))
    response = invite(client, world.outsider, email="Alice@force-a.example")
    assert response.status_code == 200
    assert "already exists" in response.text
    assert mail.outbox == []


def test_an_invitation_can_be_sent_again(client, world):
    user = services.user_invite(email="again@example.org", first_name="A", last_name="B")
    mail.outbox.clear()
    client.force_login(make_admin(world))
    client.post(reverse("admin:auth_user_changelist"),
                {"action": "send_invitation_again", "_selected_action": [user.pk,
                                                                         world.contributor.pk]})
    assert [message.to for message in mail.outbox] == [["again@example.org"]]


def test_email_settings_come_from_the_environment():
    from tests.test_project import run_manage

    result = run_manage(
        "shell", "-c",
        "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, "
        "s.EMAIL_PORT, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, s.SITE_URL)",
        env={"DEBUG": "False", "EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "2525",
             "EMAIL_HOST_PASSWORD": "secret-pw", "EMAIL_USE_TLS": "True",
             "DEFAULT_FROM_EMAIL": "tracker@example.org", "SITE_URL": "https://t.example.org"},
    )
    assert result.stdout.splitlines()[-1].split() == [
        "django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", "2525", "secret-pw",
        "True", "tracker@example.org", "https://t.example.org",
    ], result.stderr
    debug = run_manage("shell", "-c", "from django.conf import settings as s; "
                       "print(s.EMAIL_BACKEND)", env={"DEBUG": "True"})
    assert debug.stdout.splitlines()[-1] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize("email, message", [
    ("a" * 140 + "@force-a.example", "150 characters or fewer"),
    ("Alice", None),  # filled in below: another user's username
])
def test_an_invitation_the_username_could_not_hold_is_an_error_not_a_500(
    client, world, email, message
):
    admin = make_admin(world)
    client.force_login(admin)
    if message is None:
        world.contributor.username = "taken@force-a.example"
        world.contributor.save()
        email, message = "Taken@Force-A.example", "already exists"
    response = invite(client, admin, email=email)
    assert response.status_code == 200
    assert message in response.text
    assert not get_user_model().objects.filter(email__iexact=email).exists()


def test_password_reset_emails_are_limited_per_account_without_saying_so(client, world, settings):
    settings.PASSWORD_RESET_ACCOUNT_LIMIT = 3
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 100
    world.contributor.email = "alice@force-a.example"
    world.contributor.save()
    answers = [client.post(reverse("password_reset"), {"email": "Alice@force-a.example"})
               for _ in range(12)]
    assert len(mail.outbox) == 3
    # Every answer is the same "check your email" page, whether sent or not.
    assert {a.status_code for a in answers} == {302}
    assert {a["Location"] for a in answers} == {reverse("password_reset_done")}


def test_password_reset_requests_are_limited_per_network_address(client, world, settings):
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 4
    for n in range(4):
        assert client.post(reverse("password_reset"),
                           {"email": f"person{n}@example.org"}).status_code == 302
    refused = client.post(reverse("password_reset"), {"email": "another@example.org"})
    assert refused.status_code == 429
    assert "Too many password resets have been asked for from your network" in refused.text
    assert "There is a problem" in refused.text
    # Another network address is not held back by this one.
    other = client.post(reverse("password_reset"), {"email": "another@example.org"},
                        REMOTE_ADDR="192.0.2.77")
    assert other.status_code == 302
