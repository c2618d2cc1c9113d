import email
import socket
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ROOT / ".venv" / "smtp-server"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """The running server: its port, and the messages it accepted (email.message objects)."""

    def __init__(self, port, folder):
        self.port, self.folder = port, folder

    def messages(self):
        return [
            email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(self.folder.glob("*.eml"))
        ]

    def set(self, name, on):
        path = self.folder / name
        if on:
            path.write_text("1")
        else:
            path.unlink(missing_ok=True)


@pytest.fixture
def smtp_server(tmp_path):
    """aiosmtpd in its own isolated process (see smtp_server.py for why), on loopback."""
    if not (PACKAGES / "aiosmtpd").exists():
        pytest.fail(f"aiosmtpd is not installed in {PACKAGES}: run `make install`")
    folder = tmp_path / "smtp"
    folder.mkdir()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-I", str(Path(__file__).with_name("smtp_server.py")), str(PACKAGES),
         str(port), str(folder)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout.readline().strip() == "READY"
        yield SmtpServer(port, folder)
    finally:
        process.kill()
        process.wait()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 10
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server
