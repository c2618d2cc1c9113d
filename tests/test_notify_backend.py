"""
GOV.UK Notify as the email backend (core.mail.NotifyEmailBackend): with NOTIFY_API_KEY set, an
email goes to Notify's API, signed with the key, as one template filled with the subject and
the plain text. Notify itself cannot be reached from the tests: its client talks to a small
HTTP server on loopback standing in for Notify's API, which records what it was sent.
"""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection

SERVICE_ID, SECRET, TEMPLATE_ID = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())


@pytest.fixture
def notify_api(settings):
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((self.path, self.headers["Authorization"], body))
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"id": str(uuid.uuid4())}).encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "core.mail.NotifyEmailBackend"
    settings.NOTIFY_API_KEY = f"tracker-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield received
    server.shutdown()


def test_an_email_goes_to_notify_as_the_template_filled_in(notify_api):
    message = EmailMultiAlternatives(
        subject="Update returned: Safe to share?", body="Dear Alice,\n\nIt came back.",
        to=["alice@example.org"], headers={"Message-ID": "<notification-7@tracker>"},
    )
    message.attach_alternative("<p>Dear Alice,</p>", "text/html")
    assert get_connection().send_messages([message]) == 1
    [(path, authorization, body)] = notify_api
    assert path == "/v2/notifications/email"
    assert body == {
        "email_address": "alice@example.org",
        "template_id": TEMPLATE_ID,
        "personalisation": {"subject": "Update returned: Safe to share?",
                            "body": "Dear Alice,\n\nIt came back."},
        "reference": "<notification-7@tracker>",
    }
    token = authorization.removeprefix("Bearer ")
    assert jwt.decode(token, SECRET, algorithms=["HS256"])["iss"] == SERVICE_ID


def test_notify_without_a_template_is_refused(settings):
    settings.NOTIFY_API_KEY = f"tracker-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_TEMPLATE_ID = ""
    with pytest.raises(ImproperlyConfigured):
        get_connection("core.mail.NotifyEmailBackend")
