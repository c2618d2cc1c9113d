"""
Two-factor sign-in (django-otp): required for approvers, reviewers and staff, optional for others,
a code at each sign-in, recovery codes, throttled like passwords, and the admin behind it.
"""

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from tests.conftest import sign_in_with_password


def code_for(device, offset=0):
    """The code the authenticator app shows now (or `offset` steps on), never one used already."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    t = max(totp.t() + offset, device.last_t + 1)
    totp.time = device.t0 + t * device.step
    return f"{totp.token():06d}"


def app_for(user):
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    twofactor.recovery_codes_replace(user=user)
    return device


def pages(world):
    return [
        reverse("home"),
        reverse("account"),
        reverse("password_change"),
        reverse("responses:supercomplaint_list"),
        reverse("responses:matrix_export", args=[world.super_complaint.slug]),
        reverse("workflow:response_detail",
                args=[world.super_complaint.slug, world.rec_1.number, world.force_a.slug]),
        reverse("admin:index"),
    ]


# Who must use it


@pytest.mark.parametrize("persona", ["approver", "reviewer", "staff"])
def test_an_unverified_session_that_must_set_up_is_sent_there_from_every_page(
    client, world, persona
):
    user = {"approver": world.approver, "reviewer": world.reviewer,
            "staff": world.outsider}[persona]
    if persona == "staff":
        user.is_staff = True
        user.save()
    sign_in_with_password(client, user)

    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith(reverse("two_factor_set_up")), url


def test_an_unverified_approver_cannot_post_anything(client, world):
    device = app_for(world.approver)
    assert device.confirmed
    sign_in_with_password(client, world.approver)
    review = reverse("workflow:response_review",
                     args=[world.super_complaint.slug, world.rec_1.number, world.force_a.slug])
    create = reverse("workflow:update_create",
                     args=[world.super_complaint.slug, world.rec_1.number, world.force_a.slug])
    for url in (review, create, reverse("password_change"), reverse("recovery_codes"),
                reverse("two_factor_turn_off")):
        response = client.post(url, {"outcome": "closed", "narrative": "x"})
        assert response.status_code == 302, url
        assert response.headers["Location"] == reverse("two_factor_verify"), url
    from responses.models import ResponseUpdate
    assert not ResponseUpdate.objects.exists()
    assert TOTPDevice.objects.filter(user=world.approver).exists()


def test_a_contributor_without_an_app_goes_straight_in(client, world):
    sign_in_with_password(client, world.contributor)
    assert client.get(reverse("home")).status_code == 200


def test_a_contributor_with_an_app_must_enter_a_code(client, world):
    app_for(world.contributor)
    sign_in_with_password(client, world.contributor)
    response = client.get(reverse("home"))
    assert response.headers["Location"].startswith(reverse("two_factor_verify"))


def test_sign_out_works_before_the_code(client, world):
    sign_in_with_password(client, world.approver)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


# Setting up


def test_setting_up_shows_a_qr_code_and_the_secret_then_ten_recovery_codes_once(client, world):
    home = reverse("responses:supercomplaint_list")
    sign_in_with_password(client, world.approver, next_url=home)
    page = client.get(reverse("two_factor_set_up") + f"?next={home}")
    assert page.status_code == 200
    html = page.text
    assert "<svg" in html and 'aria-label="QR code for your authenticator app"' in html
    device = TOTPDevice.objects.get(user=world.approver, confirmed=False)
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")

    wrong = client.post(reverse("two_factor_set_up"), {"otp_token": "000000", "next": home})
    assert "The code is not right" in wrong.text
    assert "There is a problem" in wrong.text
    # django-otp makes the next try wait a second after a wrong code; a person takes longer.
    device.refresh_from_db()
    device.throttle_reset()

    response = client.post(reverse("two_factor_set_up"),
                           {"otp_token": code_for(device), "next": home})
    assert response.status_code == 302
    codes_page = client.get(response.headers["Location"])
    codes = codes_page.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        assert code in codes_page.text
    assert f'href="{home}"' in codes_page.text
    again = client.get(reverse("recovery_codes"))
    assert not any(code in again.text for code in codes)
    assert "10 unused recovery codes" in again.text

    assert client.get(home).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_someone_with_an_app_cannot_replace_it_before_entering_a_code(client, world):
    app_for(world.approver)
    sign_in_with_password(client, world.approver)
    response = client.get(reverse("two_factor_set_up"))
    assert response.headers["Location"] == reverse("two_factor_verify")


# Signing in with a code


def test_a_code_from_the_app_lets_the_user_in_and_back_to_their_page(client, world):
    device = app_for(world.approver)
    target = reverse("responses:supercomplaint_list")
    sign_in_with_password(client, world.approver, next_url=target)
    page = client.get(target)
    verify_url = page.headers["Location"]
    assert verify_url.startswith(reverse("two_factor_verify"))

    response = client.post(verify_url, {"otp_token": code_for(device), "next": target})

    assert response.status_code == 302
    assert response.headers["Location"] == target
    assert client.get(target).status_code == 200


def test_a_code_works_once(client, world):
    device = app_for(world.approver)
    code = code_for(device)
    sign_in_with_password(client, world.approver)
    client.post(reverse("two_factor_verify"), {"otp_token": code})
    client.post(reverse("logout"))
    sign_in_with_password(client, world.approver)
    response = client.post(reverse("two_factor_verify"), {"otp_token": code})
    assert response.status_code == 200
    assert "The code is not right" in response.text


def test_a_recovery_code_works_once(client, world):
    app_for(world.approver)
    code = StaticToken.objects.filter(device__user=world.approver).first().token
    sign_in_with_password(client, world.approver)
    assert client.post(reverse("two_factor_verify"), {"otp_token": code}).status_code == 302
    client.post(reverse("logout"))
    sign_in_with_password(client, world.approver)
    assert client.post(reverse("two_factor_verify"), {"otp_token": code}).status_code == 200
    assert StaticToken.objects.filter(device__user=world.approver).count() == 9


def test_wrong_codes_are_throttled_like_passwords(client, world, settings):
    device = app_for(world.approver)
    sign_in_with_password(client, world.approver)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("two_factor_verify"), {"otp_token": "123456"})
    assert "too many times" in response.text
    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp's own back-off aside, axes still refuses
    device.throttling_failure_timestamp = None
    device.save()
    refused = client.post(reverse("two_factor_verify"), {"otp_token": code_for(device)})
    assert "too many times" in refused.text
    assert client.get(reverse("home")).status_code == 302


def test_an_unsafe_next_is_ignored(client, world):
    device = app_for(world.approver)
    sign_in_with_password(client, world.approver)
    response = client.post(reverse("two_factor_verify"),
                           {"otp_token": code_for(device), "next": "https://evil.example/"})
    assert response.headers["Location"] == reverse("home")


# The admin


def test_the_admin_needs_a_verified_session(client, world):
    staff = world.outsider
    staff.is_staff = staff.is_superuser = True
    staff.save()
    device = app_for(staff)
    sign_in_with_password(client, staff)
    assert client.get(reverse("admin:index")).headers["Location"].startswith(
        reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"otp_token": code_for(device)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_login_page_sends_people_to_the_service_sign_in_with_password(client, world):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{reverse('login')}?next=/admin/"


# The account page


def test_the_account_page_lists_organisations_and_roles(client, world):
    client.force_login(world.approver)
    html = client.get(reverse("account")).text
    assert "Force A Police" in html and "Approver" in html
    assert "Set up two-factor sign-in" in html


def test_a_contributor_can_turn_two_factor_on_and_off(client, world):
    client.force_login(world.contributor)
    client.get(reverse("two_factor_set_up"))
    device = TOTPDevice.objects.get(user=world.contributor)
    client.post(reverse("two_factor_set_up"), {"otp_token": code_for(device)})
    assert "Turn off two-factor sign-in" in client.get(reverse("account")).text

    response = client.post(reverse("two_factor_turn_off"))

    assert response.headers["Location"] == reverse("account")
    assert not TOTPDevice.objects.filter(user=world.contributor).exists()
    assert not StaticToken.objects.filter(device__user=world.contributor).exists()


def test_an_approver_cannot_turn_two_factor_off(client, world):
    app_for(world.approver)
    client.force_login(world.approver)
    assert "cannot be turned off" in client.get(reverse("account")).text
    client.post(reverse("two_factor_turn_off"))
    assert TOTPDevice.objects.filter(user=world.approver).exists()


def test_new_recovery_codes_replace_the_old_ones(client, world):
    app_for(world.approver)
    old = set(StaticToken.objects.values_list("token", flat=True))
    client.force_login(world.approver)
    response = client.post(reverse("recovery_codes"))
    page = client.get(response.headers["Location"])
    assert len(page.context["codes"]) == 10
    assert not old & set(StaticToken.objects.values_list("token", flat=True))


@pytest.mark.parametrize("grant", ["approver role", "reviewer role", "staff status"])
def test_a_role_that_needs_two_factor_granted_mid_session_takes_effect_on_the_next_request(
    client, world, grant
):
    from accounts.models import Membership

    sign_in_with_password(client, world.contributor)
    assert client.get(reverse("home")).status_code == 200  # optional for a contributor
    user = world.contributor
    if grant == "staff status":
        user.is_staff = True
        user.save()
    elif grant == "approver role":
        Membership.objects.filter(user=user).update(role=Membership.Role.APPROVER)
        Membership.objects.get(user=user).save()  # as the admin saves it
    else:
        Membership.objects.create(user=user, organisation=world.hmicfrs,
                                  role=Membership.Role.REVIEWER)

    answer = client.get(reverse("home"))

    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("two_factor_set_up"))
