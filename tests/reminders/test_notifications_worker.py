"""
A real task worker (`manage.py db_worker`, django-tasks-db) sending the workflow emails through
a real SMTP server, killed in the middle of a send and started again: nothing is sent twice and
nothing is lost. Runs in its own processes on a SQLite file, whatever DATABASE_URL the suite
uses (the worker must see committed rows, which a test's transaction never commits).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
import datetime
from django.contrib.auth import get_user_model
from accounts.models import Membership
from recommendations.models import Organisation, Recommendation, SuperComplaint
from responses import services
User = get_user_model()
force = Organisation.objects.create(slug="force-a", name="Force A Police", short_name="Force A",
                                    kind=Organisation.Kind.POLICE_FORCE, region="North East")
alice = User.objects.create_user("alice", email="alice@example.org", password="x",
                                 first_name="Alice", last_name="Smith")
bob = User.objects.create_user("bob", email="bob@example.org", password="x", first_name="Bob")
Membership.objects.create(user=alice, organisation=force, role="contributor")
Membership.objects.create(user=bob, organisation=force, role="approver")
complaint = SuperComplaint.objects.create(
    slug="safe-to-share", title="Safe to share?", short_title="Safe to share?",
    complainants="Liberty", report_published_on=datetime.date(2020, 12, 17),
    status=SuperComplaint.Status.REPORT_PUBLISHED)
for number in ("1", "2", "3"):
    recommendation = Recommendation.objects.create(
        super_complaint=complaint, number=number, order=int(number), text="<p>Act.</p>")
    update = services.response_update_create(
        author=alice, recommendation=recommendation, organisation=force, submit=True,
        as_of=datetime.date(2021, 5, 1), status="in_progress", narrative="<p>Position.</p>")
    services.response_update_return(update=update, approver=bob, comment="More, please.")
"""

STATUSES = """
from reminders.models import Notification
print(",".join(sorted(Notification.objects.filter(event__kind="returned")
                      .values_list("status", flat=True))))
"""


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def env(tmp_path, smtp_server):
    environment = {
        key: value for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "EMAIL_BACKEND", "NOTIFY_API_KEY")
    }
    environment.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        TASK_BACKEND="database",
        EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_server.port), EMAIL_USE_TLS="False",
        SITE_URL="https://tracker.example.org",
        NOTIFICATION_LEASE_SECONDS="2", NOTIFICATION_RETRY_SECONDS="1",
        DEBUG="False",
    )
    return environment


def manage(env, *args):
    result = subprocess.run(
        # The deploy-time checks (a shared cache for imports' previews) are not this test's.
        [sys.executable, "manage.py", *args, *([] if args[0] == "shell" else ["--skip-checks"])],
        cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def statuses(env):
    """The statuses of the "returned" emails, sorted (the shell's last line)."""
    return manage(env, "shell", "-c", STATUSES).strip().splitlines()[-1]


def worker(env):
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2",
         "--skip-checks"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_send_and_restarted_sends_nothing_twice_and_loses_nothing(
    env, smtp_server
):
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "shell", "-c", SETUP)
    smtp_server.set("hold", True)
    first = worker(env)
    try:
        assert wait_for(lambda: (smtp_server.folder / "holding").exists()), "nothing was sent"
        # The first email is on the wire, the server has not answered yet: kill the worker.
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        if first.poll() is None:
            first.kill()
    assert statuses(env) == "pending,pending,sending"
    # The server takes the message it had already received in full.
    smtp_server.set("hold", False)
    second = worker(env)
    try:
        assert wait_for(lambda: len(smtp_server.messages()) >= 3)
        time.sleep(2.5)  # the killed worker's lease runs out
        manage(env, "send_notifications")
        time.sleep(1)  # anything the sweep might have enqueued would be sent now
        manage(env, "send_notifications")
        time.sleep(1)
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=15)
        except subprocess.TimeoutExpired:
            second.kill()
    messages = smtp_server.messages()
    assert [m["To"] for m in messages] == ["alice@example.org"] * 3
    assert len({m["Message-ID"] for m in messages}) == 3
    # Two confirmed sent; the one in flight when the worker died is marked for an admin to
    # check ("uncertain"), never sent again on its own.
    assert statuses(env) == "sent,sent,uncertain"
