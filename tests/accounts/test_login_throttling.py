"""Sign-in is throttled per username and address; the lock lifts after the cool-off."""

import datetime

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from core.templatetags.govuk import duration_in_words
from tests.conftest import PASSWORD


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


# Password spraying: many usernames from one address


def test_one_address_trying_many_usernames_is_locked_out(client, world, settings):
    """Each username fails once only, below the pair's limit, yet the address is stopped."""
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    for number in range(limit):
        response = client.post(reverse("login"), {"username": f"user{number}", "password": "x"},
                               REMOTE_ADDR="203.0.113.50")
    assert response.status_code == 429
    # Even a right password for a real account is refused from that address now...
    locked = client.post(reverse("login"), {"username": "alice", "password": PASSWORD},
                         REMOTE_ADDR="203.0.113.50")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but not from another address.
    assert client.post(reverse("login"), {"username": "alice", "password": PASSWORD},
                       REMOTE_ADDR="198.51.100.30").status_code == 302


def test_the_address_limit_is_higher_than_the_pair_limit(settings):
    """A whole building signs in through one address: a few typos must not lock everyone out."""
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT < 30


def test_a_success_does_not_clear_the_address_count(client, world, settings):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    for number in range(limit - 1):
        client.post(reverse("login"), {"username": f"user{number}", "password": "x"},
                    REMOTE_ADDR="203.0.113.51")
    assert attempt(client, PASSWORD, address="203.0.113.51").status_code == 302
    client.post(reverse("logout"))
    assert attempt(client, "wrong", address="203.0.113.51").status_code == 429


# Over-long input never reaches the database


@pytest.mark.parametrize("username, password", [
    ("a" * 5000, "x"),
    ("a" * 256, PASSWORD),
    ("alice", "x" * 5000),
], ids=["5000-character-username", "256-character-username", "5000-character-password"])
def test_over_long_sign_in_input_gets_the_usual_error(client, world, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Please enter a correct username and password" in response.text
    assert "_auth_user_id" not in client.session


# The current password on the change-password form


def change_password(client, old_password, address="203.0.113.7"):
    return client.post(reverse("password_change"), {
        "old_password": old_password,
        "new_password1": "a-new-long-passphrase-2026",
        "new_password2": "a-new-long-passphrase-2026",
    }, REMOTE_ADDR=address)


def test_wrong_current_passwords_are_limited_with_a_clear_message(client, world, settings):
    client.force_login(world.contributor)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = change_password(client, "guess")
        assert "Your old password was entered incorrectly" in response.text
    response = change_password(client, "guess")
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "You entered your current password wrongly too many times" in response.text
    refused = change_password(client, PASSWORD)
    assert "You entered your current password wrongly too many times" in refused.text
    assert "Wait 15 minutes" in refused.text
    world.contributor.refresh_from_db()
    assert world.contributor.check_password(PASSWORD)


def test_the_change_password_limit_is_per_user_whatever_the_address(client, world, settings):
    client.force_login(world.contributor)
    for number in range(settings.AXES_FAILURE_LIMIT):
        change_password(client, "guess", address=f"192.0.2.{number}")
    refused = change_password(client, PASSWORD, address="198.51.100.77")
    assert "too many times" in refused.text
    world.contributor.refresh_from_db()
    assert world.contributor.check_password(PASSWORD)


def test_wrong_current_passwords_count_towards_the_sign_in_lock(client, world, settings):
    client.force_login(world.contributor)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        change_password(client, "guess")
    client.logout()
    assert attempt(client, PASSWORD).status_code == 429


def test_the_change_password_form_never_stores_the_passwords_it_counts(client, world):
    from axes.models import AccessAttempt

    client.force_login(world.contributor)
    change_password(client, "my-secret-guess")
    stored = AccessAttempt.objects.get().post_data
    assert "my-secret-guess" not in stored
    assert "a-new-long-passphrase-2026" not in stored
