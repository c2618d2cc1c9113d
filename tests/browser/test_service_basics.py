"""
The footer's pages, the account review and the Django admin's pages, each checked with axe in
a real browser. The admin's known exceptions are in the accessibility statement.
"""

import pytest
from django.contrib.auth import get_user_model

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_footer_pages_pass_axe(new_page, transactional_db, check_accessibility):
    page = new_page()
    for path, name in [("/help/", "help"), ("/accessibility/", "accessibility"),
                       ("/privacy/", "privacy"), ("/cookies/", "cookies")]:
        page.goto(path)
        check_accessibility(page, f"basics-{name}")


ADMIN_PAGES = [
    ("/admin/", "admin-home"),
    ("/admin/auth/user/review/", "admin-account-review"),
    ("/admin/auth/user/", "admin-user-list"),
    ("/admin/recommendations/organisation/", "admin-organisation-list"),
    ("/admin/recommendations/organisation/add/", "admin-organisation-add"),
    ("/admin/recommendations/organisation/1/change/", "admin-organisation-change"),
    ("/admin/auth/user/1/change/", "admin-user-change"),
    ("/admin/auth/user/invite/", "admin-user-invite"),
    ("/admin/tracker/membership/", "admin-membership-list"),
    ("/admin/responses/responseupdate/", "admin-update-list"),
    ("/admin/auditlog/logentry/", "admin-audit-log"),
]


@pytest.mark.parametrize(("path", "name"), ADMIN_PAGES, ids=[n for _, n in ADMIN_PAGES])
def test_admin_pages_pass_axe(new_page, demo_data, check_accessibility, path, name):
    assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()
    page = new_page()
    sign_in(page, "admin")
    response = page.goto(path)
    assert response.status == 200
    assert "admin" in page.title().lower(), page.title()
    check_accessibility(page, name)
