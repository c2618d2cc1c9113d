"""
Single sign-on in a real browser: through the test provider's own sign-in page (a separate
process, tests/oidc_provider) and back, then sign-out here and at the provider; axe on the
service's pages on the way (the provider's page is not the service's).
"""

import pytest
from playwright.sync_api import expect

from accounts.models import ExternalIdentity, Membership
from recommendations.models import Organisation
from tests.conftest import make_user
from tests.oidc_provider.fixtures import (
    PASSWORD,
    email_of,
    oidc_provider,  # noqa: F401  (the provider's process)
)

pytestmark = pytest.mark.browser


def test_sign_in_and_out_through_the_providers_own_page(
    new_page, live_server, settings, oidc_provider, transactional_db,  # noqa: F811
    check_accessibility,
):
    settings.SITE_URL = live_server.url
    settings.OIDC_PROVIDERS = [oidc_provider.config()]
    force = Organisation.objects.create(slug="force-a", name="Force A Police",
                                        short_name="Force A", kind="police_force")
    # An approver: two-factor is required, and the provider's "mfa" stands for it.
    alice = make_user("alice.sso", force, Membership.Role.APPROVER, email=email_of("alice"))

    page = new_page()
    page.goto("/accounts/sign-in/")
    check_accessibility(page, "sso-sign-in")
    page.get_by_role("button", name="Sign in with your organisation's account").click()
    page.wait_for_load_state()
    assert page.url.startswith(oidc_provider.base_url + "/login/")
    page.get_by_label("Email").fill(email_of("alice"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()

    assert page.url.startswith(live_server.url)
    expect(page.get_by_role("link", name="Your account")).to_be_visible()
    assert "/two-factor/" not in page.url
    assert ExternalIdentity.objects.filter(user=alice, provider="test").exists()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    check_accessibility(page, "sso-signed-out")
    page.get_by_role("link", name="Sign out of your organisation's account too").click()
    page.wait_for_load_state()
    # The provider signed the browser out and sent it back to this service.
    assert page.url.startswith(live_server.url + "/accounts/signed-out/")
    expect(page.get_by_role("link", name="Sign in again")).to_be_visible()


def test_refusal_page_is_accessible(new_page, live_server, settings, oidc_provider,  # noqa: F811
                                    transactional_db, check_accessibility):
    settings.SITE_URL = live_server.url
    settings.OIDC_PROVIDERS = [oidc_provider.config()]
    page = new_page()
    page.goto("/accounts/sign-in/")
    page.get_by_role("button", name="Sign in with your organisation's account").click()
    page.get_by_label("Email").fill(email_of("stranger"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="You could not be signed in")).to_be_visible()
    check_accessibility(page, "sso-refused")
