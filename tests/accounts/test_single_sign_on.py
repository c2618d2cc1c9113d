"""
Single sign-on with OpenID Connect, against a real provider: django-oauth-toolkit running in its
own process on loopback (tests/oidc_provider), reached over HTTP for its discovery document, keys,
sign-in page, authorization and token endpoints, and end-session endpoint.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts import twofactor
from accounts.models import ExternalIdentity, Membership
from tests.conftest import PASSWORD, make_user
from tests.oidc_provider.fixtures import OTHER_TENANT, TENANT, email_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso(settings, oidc_provider):
    """The service configured with the test provider, Force A's tenant for Force A's staff."""
    settings.SITE_URL = "http://testserver"
    settings.OIDC_PROVIDERS = [oidc_provider.config()]
    return oidc_provider


def person(world, name, role=Membership.Role.VIEWER, organisation=None, **extra):
    return make_user(f"sso-{name}", organisation or world.force_a, role, email=email_of(name),
                     **extra)


def begin(client, next_url=None):
    """Press "Sign in with your organisation's account"; return the provider's address."""
    url = reverse("sso_start", args=["test"]) + (f"?next={next_url}" if next_url else "")
    response = client.get(url)
    assert response.status_code == 302
    return response["Location"]


def come_back(client, callback_url):
    parts = urlsplit(callback_url)
    assert parts.path == reverse("sso_callback", args=["test"])
    return client.get(f"{parts.path}?{parts.query}")


def sign_in_through_provider(client, provider, name, next_url=None):
    return come_back(client, provider.sign_in(begin(client, next_url), email_of(name)))


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def test_sign_in_page_offers_the_organisation_account_when_a_provider_is_configured(
    client, sso
):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your organisation's account" in page
    assert "Or sign in with your email address and password" in page


def test_sign_in_page_is_as_before_without_a_provider(client, settings, db):
    settings.OIDC_PROVIDERS = []
    page = client.get(reverse("login")).content.decode()
    assert "organisation's account" not in page
    assert client.get("/accounts/sign-in/test/").status_code == 404


def test_authorization_request_carries_pkce_state_and_nonce(client, sso):
    query = parse_qs(urlsplit(begin(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://testserver/accounts/sign-in/test/callback/"]
    assert "openid" in query["scope"][0].split()


def test_good_sign_in_links_the_invited_account_and_goes_on(client, sso, world):
    alice = person(world, "alice")
    response = sign_in_through_provider(client, sso, "alice", next_url="/organisations/")
    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    assert signed_in_user_id(client) == str(alice.pk)
    identity = ExternalIdentity.objects.get(user=alice)
    assert identity.provider == "test"
    assert identity.issuer == sso.issuer
    assert identity.email == email_of("alice")
    account = client.get(reverse("account"))
    assert account.status_code == 200
    assert email_of("alice") in account.content.decode()
    alice.refresh_from_db()
    assert alice.last_login is not None


def test_subject_is_used_after_the_first_sign_in_so_an_email_change_keeps_the_account(
    client, sso, world
):
    alice = person(world, "alice")
    sign_in_through_provider(client, sso, "alice")
    client.logout()
    # The address no longer matches: only the stored subject can find the account now.
    alice.email = "alice.renamed@force-a.police.example"
    alice.save()
    response = sign_in_through_provider(client, sso, "alice")
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(alice.pk)
    assert ExternalIdentity.objects.filter(user=alice).count() == 1


def test_provider_asserting_mfa_is_not_asked_for_this_services_second_factor(
    client, sso, world
):
    person(world, "alice", role=Membership.Role.APPROVER)  # approvers must use two factors
    sign_in_through_provider(client, sso, "alice")
    assert client.session[twofactor.VERIFIED] == "sso:test"
    response = client.get(reverse("home"))
    assert response.status_code == 200


def test_provider_not_asserting_mfa_is_asked_for_this_services_second_factor(
    client, sso, world
):
    person(world, "bob", role=Membership.Role.APPROVER)
    response = sign_in_through_provider(client, sso, "bob", next_url="/organisations/")
    assert response.status_code == 302
    assert twofactor.VERIFIED not in client.session
    home = client.get("/organisations/")
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("two_factor_set_up"))
    set_up = client.get(home["Location"])
    assert "Set up" in set_up.content.decode()


def test_bad_state_is_refused(client, sso, world):
    person(world, "alice")
    callback = sso.sign_in(begin(client), email_of("alice"))
    forged = callback.replace("state=", "state=forged", 1)
    response = come_back(client, forged)
    assert response.status_code == 403
    assert "did not match one started in this browser" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_callback_in_another_browser_is_refused(client, sso, world, django_user_model):
    """The code and state of one browser's sign-in, replayed from another, sign nobody in."""
    from django.test import Client

    person(world, "alice")
    callback = sso.sign_in(begin(client), email_of("alice"))
    other = Client()
    response = come_back(other, callback)
    assert response.status_code == 403
    assert signed_in_user_id(other) is None


def test_replayed_code_is_refused_by_the_provider(client, sso, world, caplog):
    alice = person(world, "alice")
    callback = sso.sign_in(begin(client), email_of("alice"))
    kept = {key: value for key, value in client.session.items() if key.startswith("_state_")}
    assert kept  # Authlib's state, nonce and PKCE verifier for this sign-in
    assert come_back(client, callback).status_code == 302
    client.logout()
    # The same answer again, with this browser's state restored: only the code can be at fault.
    session = client.session
    session.update(kept)
    session.save()
    response = come_back(client, callback)
    assert response.status_code == 403
    assert "could not sign you in" in response.content.decode()
    assert "invalid_grant" in caplog.text
    assert signed_in_user_id(client) is None
    assert ExternalIdentity.objects.get(user=alice)  # linked by the first, real sign-in


def test_id_token_for_another_audience_is_refused(client, sso, world, caplog):
    person(world, "dave")
    response = sign_in_through_provider(client, sso, "dave")
    assert response.status_code == 403
    assert "'aud'" in caplog.text
    assert "could not sign you in" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert not ExternalIdentity.objects.exists()


def test_expired_id_token_is_refused(client, sso, world, caplog):
    person(world, "erin")
    response = sign_in_through_provider(client, sso, "erin")
    assert response.status_code == 403
    assert "expired" in caplog.text
    assert "could not sign you in" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_tenant_not_configured_is_refused(client, sso, world):
    person(world, "carol")
    response = sign_in_through_provider(client, sso, "carol")
    assert response.status_code == 403
    assert "does not accept sign-ins from your organisation" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_token_without_a_tenant_is_refused(client, sso, world):
    person(world, "notenant")
    response = sign_in_through_provider(client, sso, "notenant")
    assert response.status_code == 403
    assert signed_in_user_id(client) is None


def test_tenant_not_allowed_for_the_persons_organisation_is_refused(
    client, settings, sso, world
):
    settings.OIDC_PROVIDERS = [sso.config(tenants={TENANT: ["force-b"], OTHER_TENANT: "*"})]
    person(world, "alice")  # a member of Force A only
    response = sign_in_through_provider(client, sso, "alice")
    assert response.status_code == 403
    assert "cannot sign you in for the organisations you are a member of" in (
        response.content.decode()
    )
    assert signed_in_user_id(client) is None
    assert not ExternalIdentity.objects.exists()


def test_unknown_email_creates_no_account_and_says_whom_to_ask(
    client, sso, world, django_user_model
):
    before = django_user_model.objects.count()
    response = sign_in_through_provider(client, sso, "stranger")
    assert response.status_code == 403
    page = response.content.decode()
    assert f"There is no account in this service for {email_of('stranger')}" in page
    assert "Ask your organisation&#x27;s administrator" in page
    assert django_user_model.objects.count() == before
    assert signed_in_user_id(client) is None


def test_person_deactivated_at_the_provider_cannot_sign_in_there(client, sso, world):
    person(world, "leaver")
    with pytest.raises(AssertionError, match="refused the sign-in"):
        sso.sign_in(begin(client), email_of("leaver"))
    assert signed_in_user_id(client) is None


def test_deactivating_in_the_admin_ends_single_sign_on_sessions_and_refuses_the_next(
    client, sso, world
):
    alice = person(world, "alice")
    sign_in_through_provider(client, sso, "alice")
    assert client.get(reverse("home")).status_code == 200
    alice.is_active = False
    alice.save()
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    again = sign_in_through_provider(client, sso, "alice")
    assert again.status_code == 403
    assert "deactivated" in again.content.decode()


def test_sign_out_signs_out_here_and_offers_the_providers_end_session(client, sso, world):
    person(world, "alice")
    sign_in_through_provider(client, sso, "alice")
    id_token = client.session["sso"]["id_token"]
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("signed_out")
    assert signed_in_user_id(client) is None
    page = client.get(reverse("signed_out"))
    text = page.content.decode()
    assert "You have signed out" in text
    assert "Sign out of your organisation's account too" in text
    link = text.split('id="provider-sign-out"')[0].rsplit('href="', 1)[1].split('"')[0]
    link = link.replace("&amp;", "&")
    assert link.startswith(sso.issuer + "/logout/")
    query = parse_qs(urlsplit(link).query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/signed-out/"]
    # The provider accepts it and sends the browser back here.
    answer = requests.get(link, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("http://testserver/accounts/signed-out/")
    # Shown once: afterwards the page is the plain "signed out".
    assert "organisation's account too" not in client.get(reverse("signed_out")).content.decode()


def test_password_sign_out_is_as_before(client, world):
    user = make_user("pat", world.force_a, Membership.Role.VIEWER)
    client.force_login(user)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")


def test_local_sign_in_refused_where_the_organisation_turned_it_off(client, world):
    user = make_user("pat", world.force_a, Membership.Role.VIEWER)
    world.force_a.local_sign_in_allowed = False
    world.force_a.save()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "signs you in with its own account" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_local_sign_in_allowed_by_default(client, world):
    user = make_user("pat", world.force_a, Membership.Role.VIEWER)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def test_single_sign_on_works_where_local_sign_in_is_off(client, sso, world):
    world.force_a.local_sign_in_allowed = False
    world.force_a.save()
    alice = person(world, "alice")
    sign_in_through_provider(client, sso, "alice")
    assert signed_in_user_id(client) == str(alice.pk)


def test_invitation_to_an_organisation_without_local_sign_in_sends_to_the_sign_in_page(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    from accounts import services

    world.force_a.local_sign_in_allowed = False
    world.force_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.user_invite(email="new@force-a.police.example", first_name="New",
                             last_name="Person", organisation=world.force_a,
                             role=Membership.Role.VIEWER)
    body = mailoutbox[0].body
    assert "Sign in with your organisation's account" in body
    assert "/accounts/sign-in/" in body
    assert "Create your password" not in body


def test_invitation_elsewhere_still_asks_for_a_password(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    from accounts import services

    with django_capture_on_commit_callbacks(execute=True):
        services.user_invite(email="new@force-a.police.example", first_name="New",
                             last_name="Person", organisation=world.force_a,
                             role=Membership.Role.VIEWER)
    assert "Create your password" in mailoutbox[0].body
    assert "/accounts/invitation/" in mailoutbox[0].body
