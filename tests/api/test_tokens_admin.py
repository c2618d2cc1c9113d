"""Admins issue API tokens (shown once, stored hashed) and revoke them, in the admin."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from knox.models import AuthToken

from tests.conftest import make_user


@pytest.fixture
def superuser_client(client, db):
    superuser = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client.force_login(superuser)
    return client


def test_an_admin_issues_a_token_that_is_shown_once_and_stored_hashed(superuser_client):
    reader = make_user("machine")
    response = superuser_client.post(
        reverse("admin:knox_authtoken_add"), {"user": reader.pk, "expiry_0": "", "expiry_1": ""},
    )
    text = response.content.decode()
    token = re.search(r"API token for machine: <code[^>]*>([0-9a-f]{64})", text).group(1)
    # On the answer to the saving itself: never in a cookie (the messages cookie) nor stored
    # by a browser, and not in the session.
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert all(token not in morsel.value for morsel in response.cookies.values())
    assert token not in str(dict(superuser_client.session))
    assert token not in superuser_client.get(reverse("admin:index")).content.decode()
    row = AuthToken.objects.get(user=reader)
    assert token not in (row.digest, row.token_key)
    assert row.token_key == token[:len(row.token_key)]

    api = reverse("api:response_list")
    assert superuser_client.get(api, headers={"Authorization": f"Token {token}"}).status_code == 200
    # The token is not shown again on its page.
    page = superuser_client.get(reverse("admin:knox_authtoken_change", args=[row.pk]))
    assert token not in page.content.decode()

    superuser_client.post(reverse("admin:knox_authtoken_delete", args=[row.pk]), {"post": "yes"})
    assert not AuthToken.objects.exists()
    superuser_client.logout()
    assert superuser_client.get(api, headers={"Authorization": f"Token {token}"}).status_code == 401


def test_someone_without_admin_rights_cannot_issue_tokens(client, world):
    client.force_login(world.approver)
    response = client.post(reverse("admin:knox_authtoken_add"), {"user": world.approver.pk})
    assert response.status_code in (302, 403)
    assert not AuthToken.objects.exists()
