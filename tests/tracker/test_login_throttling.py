"""Sign-in is throttled per username and address; the lock lifts after the cool-off."""

import datetime

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from tests.conftest import PASSWORD
from tracker.templatetags.govuk import duration_in_words


def attempt(client, password, address="203.0.113.7", **extra):
    return client.post(
        reverse("login"), {"username": "alice", "password": password},
        REMOTE_ADDR=address, **extra,
    )


def test_five_wrong_passwords_lock_the_account_from_that_address(client, world):
    for _ in range(5):
        attempt(client, "wrong")
    locked = attempt(client, PASSWORD)
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.text
    assert "15 minutes" in locked.text
    assert "_auth_user_id" not in client.session


def test_the_same_user_can_still_sign_in_from_another_address(client, world):
    for _ in range(5):
        attempt(client, "wrong")
    response = attempt(client, PASSWORD, address="198.51.100.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.contributor.pk)


def test_the_lock_lifts_after_the_cool_off(client, world):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)) as t:
        for _ in range(5):
            attempt(client, "wrong")
        assert attempt(client, PASSWORD).status_code == 429
        t.shift(datetime.timedelta(minutes=16))
        assert attempt(client, PASSWORD).status_code == 302


def test_a_success_clears_earlier_failures(client, world):
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302


@override_settings(USE_X_FORWARDED_FOR=True)
def test_behind_a_balancer_the_address_it_appended_is_the_one_counted(client, world):
    for i in range(5):
        # The client forges a different left-most address each time; the balancer's is right-most.
        attempt(client, "wrong", address="10.0.0.1",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.9")
    assert attempt(client, PASSWORD, address="10.0.0.1",
                   HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.9").status_code == 429
    assert attempt(client, PASSWORD, address="10.0.0.1",
                   HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 302


@pytest.mark.parametrize("minutes, words", [(15, "15 minutes"), (60, "1 hour"),
                                            (150, "2 hours 30 minutes"), (1, "1 minute")])
def test_durations_read_as_words(minutes, words):
    assert duration_in_words(datetime.timedelta(minutes=minutes)) == words
