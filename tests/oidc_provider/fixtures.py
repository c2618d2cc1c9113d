"""
The `oidc_provider` fixture: the test identity provider (this folder) started as a real process
(gunicorn) on a free loopback port for the test session, and stopped after it.
"""

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "provider-password-2026"
CLIENT_ID = "tracker"
CLIENT_SECRET = "tracker-secret-for-tests-only"
TENANT = "11111111-aaaa-4aaa-8aaa-111111111111"
OTHER_TENANT = "22222222-bbbb-4bbb-8bbb-222222222222"
# Redirect URIs on 127.0.0.1 (and localhost, ALLOW_LOCALHOST_LOOPBACK) match whatever port
# (RFC 8252, as django-oauth-toolkit does), so the browser tests' live server is covered too.
REDIRECT_URIS = [
    f"http://{host}/accounts/sign-in/test/callback/"
    for host in ("testserver", "127.0.0.1", "localhost")
]
POST_LOGOUT_URIS = [
    f"http://{host}/accounts/signed-out/" for host in ("testserver", "127.0.0.1", "localhost")
]

# The provider's people: username -> groups (see __init__.py). Email: <username>@<domain>.
PEOPLE = {
    "alice": ["tenant:" + TENANT, "mfa"],
    "bob": ["tenant:" + TENANT],
    "carol": ["tenant:" + OTHER_TENANT, "mfa"],
    "dave": ["tenant:" + TENANT, "faulty:audience"],
    "erin": ["tenant:" + TENANT, "faulty:expired"],
    "stranger": ["tenant:" + TENANT, "mfa"],
    "notenant": ["mfa"],
}
DOMAIN = "force-a.police.example"


def email_of(username):
    return f"{username}@{DOMAIN}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class TestProvider:
    issuer: str
    process: subprocess.Popen
    log: Path
    extra: dict = field(default_factory=dict)

    @property
    def base_url(self):
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"

    def config(self, tenants=None, **overrides):
        """An OIDC_PROVIDERS entry for this provider, named "test"."""
        return {
            "name": "test",
            "label": "Test police force",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "tenants": tenants if tenants is not None else {TENANT: ["force-a"]},
            **overrides,
        }

    def sign_in(self, authorize_url, username, password=PASSWORD):
        """
        Be the person at the provider: follow the authorization address, sign in on its page,
        and return the address it sends the browser back to (the service's callback).
        """
        browser = requests.Session()
        page = browser.get(authorize_url, timeout=10)
        page.raise_for_status()
        if "/login/" in page.url:
            answer = browser.post(page.url, timeout=10, allow_redirects=False, data={
                "username": username, "password": password,
                "csrfmiddlewaretoken": browser.cookies["provider_csrftoken"],
            }, headers={"Referer": page.url})
            if answer.status_code != 302:
                raise AssertionError(f"The provider refused the sign-in of {username}")
            location = answer.headers["Location"]
        else:
            location = page.url
        # The authorization endpoint now sends the browser back to the service with a code.
        answer = browser.get(self.base_url + location if location.startswith("/") else location,
                             timeout=10, allow_redirects=False)
        assert answer.status_code == 302, answer.text[:500]
        return answer.headers["Location"]


def _wait_until_up(url, process, log, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The test provider stopped:\n{log.read_text()}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"The test provider did not start:\n{log.read_text()}")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc_provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ))
    port = free_port()
    issuer = f"http://127.0.0.1:{port}/o"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "TEST_PROVIDER_DATABASE": str(folder / "provider.sqlite3"),
        "TEST_PROVIDER_KEY": str(folder / "key.pem"),
        "TEST_PROVIDER_ISSUER": issuer,
    }
    env.pop("DATABASE_URL", None)
    description = {
        "clients": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                     "redirect_uris": REDIRECT_URIS,
                     "post_logout_redirect_uris": POST_LOGOUT_URIS}],
        "users": [{"username": email_of(name), "email": email_of(name), "password": PASSWORD,
                   "first_name": name.title(), "last_name": "Example", "groups": groups}
                  for name, groups in PEOPLE.items()]
        + [{"username": email_of("leaver"), "email": email_of("leaver"), "password": PASSWORD,
            "groups": ["tenant:" + TENANT, "mfa"], "is_active": False}],
    }
    (folder / "people.json").write_text(json.dumps(description))
    subprocess.run([sys.executable, "-m", "tests.oidc_provider.seed", folder / "people.json"],
                   cwd=ROOT, env=env, check=True)
    log = folder / "provider.log"
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "tests.oidc_provider.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
             "--access-logfile", "-"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(f"{issuer}/.well-known/openid-configuration", process, log)
        yield TestProvider(issuer=issuer, process=process, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
