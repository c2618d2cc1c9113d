"""
Hammer the workflow over HTTP and check that nothing broke: 16 readers and 4 writers against
gunicorn and PostgreSQL, then the data's invariants.

    .venv/bin/python scripts/load_workflow.py                       # 60 s, 16 readers, 4 writers
    .venv/bin/python scripts/load_workflow.py --seconds 20 --readers 8

It (re)creates the database named by DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/tracker_load), migrates it, loads the reference and demo data,
starts gunicorn on it, and signs in two contributors and two approvers of South Yorkshire Police
plus readers. Writers edit, submit, approve, return and delete the updates of three responses at
once, each edit carrying the version its writer last read, as the edit form does. At the end it
prints the requests, the answers by status code and the invariants:

- each response's current status equals its latest published update's;
- one response per recommendation and organisation;
- every approval answered 302 left its update published, with a signer, exactly once;
- no text lost without a refusal: of the edits made from the same version of an update, at most
  one was saved (the others must have been refused with 409).

Target: zero 5xx and zero invariant violations. Exits 1 otherwise.
"""

import argparse
import collections
import http.client
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_load"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep", action="store_true", help="reuse the database as it is")
    return parser.parse_args()


def recreate_database(url):
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
    import django

    django.setup()


def prepare_data():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("loaddata", "organisations", "recipient_groups", "super_complaints",
                 "demo_responses", "demo_accounts", verbosity=0)


def sessions(usernames):
    """Sign each user in (two-factor step passed) and return {username: session cookie}."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts import twofactor

    cookies = {}
    for username in usernames:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        session = client.session
        session[twofactor.VERIFIED] = "load-script"
        session.save()
        cookies[username] = session.session_key
    return cookies


def make_load_users():
    """Two contributors and two approvers of South Yorkshire Police, and a national reader."""
    from django.contrib.auth import get_user_model

    from accounts.models import Membership
    from recommendations.models import Organisation

    force = Organisation.objects.get(slug="south-yorkshire")
    users = {}
    for username, role in [
        ("load.contributor1", Membership.Role.CONTRIBUTOR),
        ("load.contributor2", Membership.Role.CONTRIBUTOR),
        ("load.approver1", Membership.Role.APPROVER),
        ("load.approver2", Membership.Role.APPROVER),
    ]:
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": username, "last_name": "Load"}
        )
        Membership.objects.get_or_create(user=user, organisation=force, defaults={"role": role})
        users[username] = role
    return force, users


class Http:
    """One keep-alive connection with a session cookie and a known CSRF token."""

    CSRF = "loadscriptcsrftokenloadscriptcsr"  # 32 characters, as Django expects

    def __init__(self, port, session_key):
        self.port = port
        self.cookie = f"sessionid={session_key}; csrftoken={self.CSRF}"
        self.connection = None

    def request(self, method, path, fields=None):
        headers = {"Cookie": self.cookie, "Host": "127.0.0.1"}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.CSRF})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", self.port,
                                                                 timeout=30)
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                return response.status, content
            except (http.client.HTTPException, ConnectionError, OSError):
                self.connection = None
                if attempt:
                    return 599, b""
        return 599, b""


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.by_action = collections.Counter()
        self.saved_edits = collections.Counter()  # (update pk, version read) -> saves
        self.approved = collections.Counter()  # update pk -> 302 answers to approve
        self.server_errors = []
        self.started_at = None

    def record(self, action, status, path):
        with self.lock:
            self.statuses[status] += 1
            self.by_action[(action, status)] += 1
            if status >= 500:
                self.server_errors.append((action, status, path))


def reader(http, paths, stop, tally):
    while not stop.is_set():
        path = random.choice(paths)
        status, _ = http.request("GET", path)
        tally.record("read", status, path)


def writer(http, user_role, targets, stop, tally):
    from responses.models import ResponseUpdate

    form = {
        "as_of_day": "1", "as_of_month": "5", "as_of_year": "2021", "status": "in_progress",
        "awaiting": "", "position_provided_by": "", "marking": "OFFICIAL",
        "lead": "DCI Load", "portal_reference": "",
    }
    while not stop.is_set():
        create_url, response_id = random.choice(targets)
        updates = list(
            ResponseUpdate.objects.filter(response_id=response_id)
            .exclude(state="published")
            .values_list("pk", "state", "version")
        )
        choice = random.random()
        if not updates or choice < 0.15:
            text = f"New draft {random.getrandbits(32)}"
            status, _ = http.request("POST", create_url, {**form, "narrative": text,
                                                          "action": "draft"})
            tally.record("create", status, create_url)
            continue
        pk, state, version = random.choice(updates)
        if state in {"draft", "returned"} and choice < 0.65:
            text = f"Edit {random.getrandbits(32)}"
            action = "submit" if random.random() < 0.3 else "draft"
            path = f"/updates/{pk}/edit/"
            status, _ = http.request("POST", path, {**form, "narrative": text, "action": action,
                                                    "version": version})
            tally.record("edit", status, path)
            if status == 302:
                with tally.lock:
                    tally.saved_edits[(pk, version)] += 1
        elif state == "awaiting_sign_off" and user_role == "approver" and choice < 0.85:
            path = f"/updates/{pk}/sign-off/"
            status, _ = http.request("POST", path, {"action": "approve", "version": version})
            tally.record("approve", status, path)
            if status == 302:
                with tally.lock:
                    tally.approved[pk] += 1
        elif state == "awaiting_sign_off" and user_role == "approver":
            path = f"/updates/{pk}/sign-off/"
            status, _ = http.request("POST", path, {"action": "return", "comment": "Load: redo",
                                                    "version": version})
            tally.record("return", status, path)
        else:
            path = f"/updates/{pk}/delete/"
            status, _ = http.request("POST", path, {"version": version})
            tally.record("delete", status, path)


def check_invariants(tally):
    from django.db.models import Count

    from responses.models import Response, ResponseUpdate

    problems = []
    for response in Response.objects.all():
        latest = response.updates.published().order_by("-as_of", "-created_at", "-pk").first()
        expected = (latest.pk, latest.status) if latest else (None, "")
        if (response.current_update_id, response.current_status) != expected:
            problems.append(f"response {response.pk}: current status is not its latest published")
    duplicates = (
        Response.objects.values("recommendation", "organisation")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    problems += [f"{row['n']} responses for one pair: {row}" for row in duplicates]
    for pk, answers in tally.approved.items():
        update = ResponseUpdate.objects.filter(pk=pk).first()
        if answers != 1:
            problems.append(f"update {pk} was approved {answers} times")
        if update is None or update.state != "published" or update.signed_off_by_id is None:
            problems.append(f"update {pk} approved but not published with a signer")
    unsigned = ResponseUpdate.objects.filter(
        state="published", signed_off_by=None, created_at__gte=tally.started_at
    )
    problems += [f"update {u.pk} published with no signer" for u in unsigned]
    for (pk, version), saves in tally.saved_edits.items():
        if saves > 1:
            problems.append(f"update {pk}: {saves} edits saved from version {version}")
    return problems


def main():
    args = parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not url.startswith("postgres"):
        sys.exit("This load test needs PostgreSQL: set DATABASE_URL=postgres://...")
    if not args.keep:
        recreate_database(url)
    setup_django(url)
    prepare_data()
    force, load_users = make_load_users()

    from django.utils import timezone

    from accounts.models import Membership
    from recommendations.models import Recommendation
    from responses import services
    from responses.models import response_url

    recommendations = list(
        Recommendation.objects.filter(super_complaint__slug="safe-to-share").order_by("order")[:3]
    )
    targets = []
    for recommendation in recommendations:
        response = services.response_get_or_create(recommendation=recommendation,
                                                   organisation=force)
        targets.append((response_url(recommendation, force) + "updates/new/", response.pk))
    readers = ["force.contributor", "other.contributor", "hmicfrs.reviewer", "opcc.contributor"]
    cookies = sessions([*load_users, *readers])
    read_paths = [
        "/",
        "/super-complaints/",
        "/super-complaints/safe-to-share/",
        "/super-complaints/safe-to-share/matrix/",
        "/organisations/south-yorkshire/",
        *(response_url(r, force) for r in recommendations),
        *(r.get_absolute_url() for r in recommendations),
        recommendations[0].get_absolute_url() + "export/",
    ]

    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "False", "DATABASE_CONN_MAX_AGE": "60",
           "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tracker.wsgi", "--bind", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--threads", str(args.threads), "--log-level",
         "warning"],
        cwd=ROOT, env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request("GET", "/")
                break
            except OSError:
                time.sleep(0.1)
        tally = Tally()
        tally.started_at = timezone.now()
        stop = threading.Event()
        writer_names = list(load_users)
        threads = [
            threading.Thread(target=reader, args=(
                Http(args.port, cookies[readers[i % len(readers)]]), read_paths, stop, tally))
            for i in range(args.readers)
        ] + [
            threading.Thread(target=writer, args=(
                Http(args.port, cookies[writer_names[i % len(writer_names)]]),
                "approver" if load_users[writer_names[i % len(writer_names)]]
                == Membership.Role.APPROVER else "contributor",
                targets, stop, tally))
            for i in range(args.writers)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)

    from django.db import connections

    connections.close_all()
    total = sum(tally.statuses.values())
    print(f"{total} requests in {elapsed:.0f} s ({total / elapsed:.0f}/s), "
          f"{args.readers} readers, {args.writers} writers, gunicorn {args.workers}x"
          f"{args.threads}")
    print("answers by status:", dict(sorted(tally.statuses.items())))
    by_action = collections.defaultdict(dict)
    for (action, status), count in sorted(tally.by_action.items()):
        by_action[action][status] = count
    for action, statuses in by_action.items():
        print(f"  {action:8} {statuses}")
    server_errors = sum(c for s, c in tally.statuses.items() if s >= 500)
    print(f"5xx: {server_errors}")
    for error in tally.server_errors[:10]:
        print("   ", error)
    problems = check_invariants(tally)
    print(f"invariant violations: {len(problems)}")
    for problem in problems[:20]:
        print("   ", problem)
    print(f"edits saved: {sum(tally.saved_edits.values())}, approvals: "
          f"{sum(tally.approved.values())}")
    return 1 if server_errors or problems else 0


if __name__ == "__main__":
    sys.exit(main())
