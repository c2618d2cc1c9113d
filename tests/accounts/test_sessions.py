"""A sign-in ends after SESSION_IDLE_TIMEOUT idle seconds or SESSION_COOKIE_AGE in all; a
deactivated user's sessions end at once."""

import datetime

import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.conftest import PASSWORD, sign_in_with_password
from tests.test_formstash import (
    EXPIRED_BANNER,
    NARRATIVE,
    carried_inputs,
    create_url,
    dict_of_lists,
    typed,
)

START = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


def is_signed_in(client):
    return client.get(reverse("account")).status_code == 200


def test_a_session_ends_after_the_idle_timeout(client, world, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with time_machine.travel(START, tick=False) as clock:
        sign_in_with_password(client, world.contributor)
        clock.shift(datetime.timedelta(minutes=29))
        assert is_signed_in(client)
        clock.shift(datetime.timedelta(minutes=29))  # active 29 minutes ago: still fine
        assert is_signed_in(client)
        clock.shift(datetime.timedelta(minutes=31))
        page = client.get(reverse("account"))
        assert page.status_code == 302
        assert page.headers["Location"].startswith(reverse("login"))
        assert "_auth_user_id" not in client.session


def test_activity_never_extends_the_absolute_limit(client, world, settings):
    settings.SESSION_COOKIE_AGE = 2 * 60 * 60
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with time_machine.travel(START, tick=False) as clock:
        sign_in_with_password(client, world.contributor)
        for _ in range(7):  # busy every 20 minutes for 2 hours 20 minutes
            clock.shift(datetime.timedelta(minutes=20))
            signed_in = is_signed_in(client)
        assert not signed_in
        session = Session.objects.order_by("-expire_date").first()
        assert session is None or session.expire_date <= START + datetime.timedelta(hours=2)


def test_the_session_expiry_is_fixed_at_sign_in_with_password(client, world, settings):
    with time_machine.travel(START, tick=False) as clock:
        sign_in_with_password(client, world.contributor)
        expiry = Session.objects.get().expire_date
        clock.shift(datetime.timedelta(minutes=10))
        assert is_signed_in(client)
        assert Session.objects.get().expire_date == expiry
        assert expiry == START + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_an_idle_expired_user_posting_a_long_form_finds_the_text_after_signing_in(
    client, world, settings
):
    url = create_url(world)
    with time_machine.travel(START, tick=False) as clock:
        sign_in_with_password(client, world.contributor)
        assert client.get(url).status_code == 200
        clock.shift(datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 60))

        page = client.post(url, typed())

        # The sign-in page, carrying what was typed.
        assert page.status_code == 200
        response = client.post(f"{reverse('login')}?next={url}", {
            "username": world.contributor.username, "password": PASSWORD, "next": url,
            **dict_of_lists(carried_inputs(page.text)),
        })
        assert response.headers["Location"] == url
        html = client.get(url).text
        assert EXPIRED_BANNER in html
        assert f"{NARRATIVE}</textarea>" in html


def test_deactivating_a_user_ends_their_sessions(client, world):
    client.force_login(world.contributor)
    other = client.__class__()
    other.force_login(world.approver)
    assert is_signed_in(client)

    session_key = client.cookies["sessionid"].value

    world.contributor.is_active = False
    world.contributor.save()

    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get(reverse("account")).status_code == 302
    # Reactivating does not bring the old session back.
    world.contributor.is_active = True
    world.contributor.save()
    assert client.get(reverse("account")).status_code == 302
    assert other.get(reverse("account")).status_code == 200


def test_deactivating_in_the_admin_ends_their_sessions(client, world):
    victim = client.__class__()
    victim.force_login(world.contributor)
    admin_user = world.approver
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    change = client.get(reverse("admin:auth_user_change", args=[world.contributor.pk]))
    form = change.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({
        "username": "alice", "last_name": "Able", "email": "alice@example.com",
        "is_active": "", "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00", "last_login_0": "", "last_login_1": "",
        "groups": [], "user_permissions": [],
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })
    data.pop("is_active")
    data.pop("password", None)
    response = client.post(reverse("admin:auth_user_change", args=[world.contributor.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    world.contributor.refresh_from_db()
    assert world.contributor.is_active is False
    assert victim.get(reverse("account")).status_code == 302


def _session_writes(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [
        q["sql"] for q in queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_reading_pages_writes_the_session_at_most_once_a_minute(client, world, settings):
    """Activity is recorded for the idle limit, but a burst of pages costs no write each."""
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    url = reverse("responses:organisation_list")
    with time_machine.travel(START, tick=False) as clock:
        sign_in_with_password(client, world.contributor)
        client.get(url)
        clock.shift(datetime.timedelta(seconds=30))
        assert _session_writes(client, url) == []
        assert _session_writes(client, url) == []
        clock.shift(datetime.timedelta(seconds=31))  # a minute since activity was recorded
        assert len(_session_writes(client, url)) == 1
        assert _session_writes(client, url) == []
