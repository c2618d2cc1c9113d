"""Signing in and out and changing a password."""

from django.urls import reverse

from tests.conftest import PASSWORD


def test_signing_in_lands_on_home(client, world):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Force A Police" in response.text


def test_a_wrong_password_shows_the_error_summary_and_keeps_the_username(client, world):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'value="alice"' in response.text
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_a_post_and_ends_the_session(client, world):
    client.force_login(world.contributor)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("account")).status_code == 302


def test_the_header_offers_your_account_and_sign_out(client, world):
    client.force_login(world.contributor)
    page = client.get(reverse("home")).text
    assert f'href="{reverse("account")}"' in page
    assert "Your account" in page
    assert "Sign out" in page
    account = client.get(reverse("account")).text
    assert reverse("password_change") in account


def test_changing_the_password(client, world):
    client.force_login(world.contributor)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD,
        "new_password1": "a-new-long-passphrase-2026",
        "new_password2": "a-new-long-passphrase-2026",
    }, follow=True)
    assert response.status_code == 200
    world.contributor.refresh_from_db()
    assert world.contributor.check_password("a-new-long-passphrase-2026")


def test_a_weak_new_password_is_refused_with_a_message(client, world):
    client.force_login(world.contributor)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "123", "new_password2": "123",
    })
    assert response.status_code == 200
    assert "There is a problem" in response.text
    world.contributor.refresh_from_db()
    assert world.contributor.check_password(PASSWORD)


def test_a_visitor_gets_the_start_page_not_a_redirect(client, world):
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert "Track police super-complaint recommendations" in page.text
    assert f'href="{reverse("login")}"' in page.text
    assert world.force_a.name not in page.text  # nothing of any organisation's


def test_a_signed_in_user_gets_their_home_page_at_the_same_address(client, world):
    client.force_login(world.contributor)
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert "Track police super-complaint recommendations" not in page.text
    assert world.force_a.name in page.text
