"""
The account review (identity standard): an admin report of every account and how it signs in,
and `deactivate_unused_accounts`, a dry run unless told --apply.
"""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ExternalIdentity, Membership
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

REVIEW = "/admin/auth/user/review/"


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def accounts(world):
    """Four accounts: recent (password and app), old (single sign-on), never used, a superuser."""
    recent = make_user("recent", world.force_a, Membership.Role.APPROVER,
                       last_login=days_ago(3), email="recent@example.org")
    TOTPDevice.objects.create(user=recent, name="Authenticator app", confirmed=True)
    old = make_user("old", world.force_b, Membership.Role.VIEWER, last_login=days_ago(120),
                    email="old@example.org")
    old.set_unusable_password()
    old.save()
    ExternalIdentity.objects.create(user=old, provider="entra-force-b", issuer="https://i",
                                    subject="s-1")
    never = make_user("never", world.force_a, Membership.Role.CONTRIBUTOR,
                      email="never@example.org")
    get_user_model().objects.filter(pk=never.pk).update(date_joined=days_ago(200))
    root = get_user_model().objects.create_superuser(
        "root", "root@example.org", "x", last_login=days_ago(400)
    )
    return {"recent": recent, "old": old, "never": never, "root": root}


def test_review_lists_every_account_with_how_it_signs_in(client, accounts, world):
    client.force_login(accounts["root"])
    page = client.get(REVIEW)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Account review" in text
    assert "Force A Police: Approver" in text
    assert "Organisation account (entra-force-b)" in text
    assert "Authenticator app" in text
    # old and never are unused for 90+ days; recent is not, nor root, signed in just now.
    assert text.count("Unused 90+ days") == 2
    assert "2 active accounts have not been used for 90 days or more" in text


def test_review_is_refused_to_staff_without_user_permissions(client, accounts):
    staff = make_user("clerk", is_staff=True)
    client.force_login(staff)
    assert client.get(REVIEW).status_code == 403


def test_review_is_refused_to_people_who_are_not_staff(client, accounts):
    client.force_login(accounts["recent"])
    response = client.get(REVIEW)
    assert response.status_code in (302, 403)
    assert "Account review" not in response.content.decode()


def test_review_runs_the_same_queries_whatever_the_number_of_accounts(
    client, accounts, world, django_assert_num_queries
):
    client.force_login(accounts["root"])
    client.get(REVIEW)
    # Session, user, the three of the review (users, memberships, identities).
    with django_assert_num_queries(5):
        client.get(REVIEW)
    for number in range(5):
        user = make_user(f"more-{number}", world.force_b, Membership.Role.VIEWER)
        ExternalIdentity.objects.create(user=user, provider="p", issuer="i", subject=str(number))
    with django_assert_num_queries(5):
        client.get(REVIEW)


def test_user_list_links_to_the_review(client, accounts):
    client.force_login(accounts["root"])
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert f'href="{REVIEW}"' in page


def test_command_is_a_dry_run_by_default(accounts):
    out = StringIO()
    call_command("deactivate_unused_accounts", stdout=out)
    text = out.getvalue()
    assert "old\t" in text and "never\tlast signed in: never" in text
    assert "root\t" in text and "superuser: left active" in text
    assert "recent" not in text
    assert "Dry run: 2 account(s) would be deactivated" in text
    assert get_user_model().objects.filter(is_active=False).count() == 0


def test_command_deactivates_with_apply_and_spares_superusers(accounts, client):
    client.force_login(accounts["old"])
    get_user_model().objects.filter(pk=accounts["old"].pk).update(last_login=days_ago(120))
    out = StringIO()
    call_command("deactivate_unused_accounts", "--apply", stdout=out)
    assert "Deactivated 2 account(s)" in out.getvalue()
    users = get_user_model().objects
    assert set(users.filter(is_active=False).values_list("username", flat=True)) == {
        "old", "never"
    }
    assert users.get(username="root").is_active
    assert users.get(username="recent").is_active
    # Their sessions ended with the deactivation.
    assert client.get(reverse("account")).status_code == 302


def test_command_again_finds_nothing_left(accounts):
    call_command("deactivate_unused_accounts", "--apply", stdout=StringIO())
    out = StringIO()
    call_command("deactivate_unused_accounts", stdout=out)
    assert "Dry run: 0 account(s) would be deactivated" in out.getvalue()


def test_user_page_names_each_membership_field_and_shows_sign_in_dates_as_text(
    client, accounts
):
    """Lighthouse's findings on the admin's user page, fixed (see the accessibility statement)."""
    client.force_login(accounts["root"])
    page = client.get(reverse("admin:auth_user_change", args=[accounts["recent"].pk])).text
    assert 'aria-label="Organisation" id="id_memberships-0-organisation"' in page
    assert 'aria-label="Role" id="id_memberships-0-role"' in page
    assert 'name="last_login_0"' not in page
    assert 'name="date_joined_0"' not in page
