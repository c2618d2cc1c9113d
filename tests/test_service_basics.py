"""
The pages every public service has (help, accessibility, privacy, cookies), linked from the
footer of every page, open to everyone; the admin link for staff only.
"""

import pytest
from django.urls import reverse

from accounts.models import Membership
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PAGES = {
    "help": "Help and contact",
    "accessibility": "Accessibility statement",
    "privacy": "Privacy notice",
    "cookies": "Cookies",
}


@pytest.mark.parametrize("name", PAGES)
def test_page_is_open_to_visitors(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert f"<h1 class=\"govuk-heading-l\">{PAGES[name]}</h1>" in response.content.decode()


@pytest.mark.parametrize("url", ["/accounts/sign-in/", "/public/", "/help/"])
def test_footer_links_every_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for name in PAGES:
        assert f'class="govuk-footer__link" href="{reverse(name)}"' in page
    assert 'href="/admin/"' not in page


def test_footer_links_the_admin_for_staff_only(client, world):
    staff = make_user("staffer", is_staff=True)
    client.force_login(staff)
    assert 'class="govuk-footer__link" href="/admin/">Admin</a>' in client.get("/").content.decode()
    viewer = make_user("reader", world.force_a, Membership.Role.VIEWER)
    client.force_login(viewer)
    assert 'href="/admin/"' not in client.get("/").content.decode()


def test_help_shows_the_configured_address(client, settings):
    settings.SUPPORT_EMAIL = "tracker-support@example.gov.uk"
    page = client.get(reverse("help")).content.decode()
    assert 'href="mailto:tracker-support@example.gov.uk"' in page


def test_help_without_an_address_sends_people_to_their_administrator(client, settings):
    settings.SUPPORT_EMAIL = ""
    page = client.get(reverse("help")).content.decode()
    assert "mailto:" not in page
    assert "Contact the administrator for this service in your organisation" in page


def test_cookies_page_names_the_session_and_csrf_cookies_and_no_analytics(client):
    page = client.get(reverse("cookies")).content.decode()
    assert "sessionid" in page and "csrftoken" in page
    assert "no analytics" in page


def test_privacy_notice_says_what_why_and_how_long(client):
    page = client.get(reverse("privacy")).content.decode()
    for heading in ("What we hold", "Why", "How long"):
        assert f">{heading}</h2>" in page
    assert "not used for 90 days is deactivated" in page


def test_home_does_not_tell_an_administrator_to_ask_an_administrator(client):
    client.force_login(make_user("chief-admin", is_staff=True, is_superuser=True))
    page = client.get("/").content.decode()
    assert "Ask an administrator" not in page
    assert 'href="/admin/tracker/membership/add/"' in page


def test_home_tells_others_without_an_organisation_to_ask_an_administrator(client, db):
    client.force_login(make_user("newcomer"))
    assert "Ask an administrator to add you" in client.get("/").content.decode()


def test_kept_public_page_shows_the_admin_link_to_staff_only(client, world):
    """Public pages are kept per kind of reader: staff's copy is not served to others."""
    url = "/public/"
    client.force_login(make_user("staffer", is_staff=True))
    assert client.get(url).status_code == 200
    assert 'href="/admin/">Admin</a>' in client.get(url).content.decode()
    client.force_login(make_user("reader", world.force_a, Membership.Role.VIEWER))
    assert 'href="/admin/"' not in client.get(url).content.decode()
    client.force_login(make_user("staffer2", is_staff=True))
    assert 'href="/admin/">Admin</a>' in client.get(url).content.decode()
