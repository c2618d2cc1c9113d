"""
Test the cluster (scripts/cluster.py) as a whole, over loopback, in about three minutes:

    .venv/bin/python scripts/cluster_test.py            # make cluster-test: start, test, stop
    .venv/bin/python scripts/cluster_test.py --seconds 60 --keep-running

It starts the cluster on a fresh database (`cluster.py start --fresh --demo-data`: the three app
servers migrate at once), then checks, printing figures as it goes:

1. migrations ran once: one server applied them, the two others waited and found none left;
2. the platform's endpoints: /-/ready 200 on each server, /-/live, /-/metrics only with the
   token, none of them through the public balancer (404);
3. JSON logs: a request's id, set by nginx, is on the app server's JSON line for it;
4. a user signs in through the balancer (password) and stays signed in on all three servers;
5. a publication made on one server shows at once on pages the two others serve (shared cache);
6. a login lockout counts failures across servers, and so does the API's rate limit;
7. under a mixed load through the balancer (readers and writers of scripts/load_workflow.py),
   one server is killed (SIGKILL) and restarted, then another is restarted gracefully from a new
   release's folder: requests and 5xx in each window, writes attempted and answered, every
   acknowledged write found in the database or its audit log (none lost), no update approved or
   published twice, and every invariant of scripts/load_workflow.py;
8. the scheduled reminders command runs against the cluster, and the worker is alive;
9. the backup drill (scripts/backup_drill.py) on the cluster's database and evidence files;

then stops the cluster and checks nothing is left running. Exits 1 on any failure.
"""

import argparse
import collections
import http.client
import json
import os
import random
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import cluster  # noqa: E402

PASSWORD = "demo-password-2026"  # the demo accounts' (fixtures/demo_accounts.json)
CSRF = "clustertestcsrftokenclustertestc"  # 32 characters, as Django expects
FAILURES = []
PASSED = []
FAILED_CONNECTIONS = collections.Counter()  # requests with no answer, by the error


def check(condition, message):
    print(("  ok    " if condition else "  FAIL  ") + message, flush=True)
    (PASSED if condition else FAILURES).append(message)


class Http:
    """
    One keep-alive connection, to the balancer (HTTPS, checked against the cluster's own
    certificate) or straight to one app server (HTTP, saying what the balancer would say).
    Records every answer with its time and, for posts, the fields sent (writes attempted).
    """

    context = None

    def __init__(self, session_key=None, server=None, record=None):
        self.server = server
        self.cookie = f"csrftoken={CSRF}" + (f"; sessionid={session_key}" if session_key else "")
        self.connection = None
        self.record = record
        self.last_headers = {}

    def _connect(self):
        if self.server is None:
            if Http.context is None:
                Http.context = ssl.create_default_context(cafile=str(cluster.RUN / "tls.crt"))
            return http.client.HTTPSConnection(cluster.HOST, cluster.PORT, timeout=30,
                                               context=Http.context)
        return http.client.HTTPConnection("127.0.0.1", cluster.server_port(self.server),
                                          timeout=30)

    def request(self, method, path, fields=None, headers=None):
        headers = {"Cookie": self.cookie, "Host": f"{cluster.HOST}:{cluster.PORT}",
                   "Origin": cluster.SITE_URL, **(headers or {})}
        if self.server is not None:
            headers["X-Forwarded-Proto"] = "https"
        body = None
        if fields is not None:
            body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": CSRF})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, content = 599, b""
        for _attempt in range(2):
            reused = self.connection is not None
            try:
                if self.connection is None:
                    self.connection = self._connect()
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                status = response.status
                self.last_headers = dict(response.getheaders())
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    ssl.SSLEOFError, ssl.SSLZeroReturnError):
                self.connection = None
                # A kept-alive connection the balancer closed as this request went out (nginx
                # closes idle ones when it reloads): nothing was answered, so send it again on
                # a new connection, as browsers do. Any other failure is reported, never retried.
                if not reused:
                    break
            except (http.client.HTTPException, OSError) as error:
                self.connection = None
                FAILED_CONNECTIONS[type(error).__name__] += 1
                break
        if self.record is not None:
            self.record(method, path, fields, status)
        return status, content


# --- the checks -------------------------------------------------------------------------------


def check_migrated_once():
    print("1. migrations with three servers starting at once", flush=True)
    applied = {}
    for number in range(1, cluster.SERVERS + 1):
        log = (cluster.LOGS / f"web-{number}.log").read_text()
        applied[number] = [line.split("Applying ")[1].split("...")[0]
                           for line in log.splitlines() if "Applying " in line]
        waited = "Waiting for another process's migration" in log
        print(f"     server {number}: {len(applied[number])} migrations applied"
              f"{', waited for the lock' if waited else ''}")
    migrating = [n for n, names in applied.items() if names]
    names = [name for names in applied.values() for name in names]
    check(len(migrating) == 1, "exactly one server applied migrations")
    check(len(names) == len(set(names)) and names, f"each of {len(names)} migrations applied once")


def check_platform_endpoints():
    print("2. health, readiness and metrics", flush=True)
    token = (cluster.RUN / "metrics_token").read_text()
    for number in range(1, cluster.SERVERS + 1):
        direct = Http(server=number)
        status, body = direct.request("GET", "/-/ready")
        check(status == 200 and set(json.loads(body).values()) == {"OK"},
              f"server {number}: /-/ready 200, database, cache and migrations OK")
    direct = Http(server=1)
    check(direct.request("GET", "/-/live")[0] == 200, "/-/live 200")
    check(direct.request("GET", "/-/metrics")[0] == 401, "/-/metrics without the token: 401")
    status, body = direct.request("GET", "/-/metrics", headers={"Authorization": f"Bearer {token}"})
    text = body.decode()
    check(status == 200 and "tracker_http_requests_total{" in text
          and "tracker_db_query_duration_seconds_count" in text
          and 'tracker_task_queue_depth{status="ready"}' in text,
          "/-/metrics with the token: requests by view, query timings, task queue depth")
    public = Http()
    for path in ("/-/ready", "/-/live", "/-/metrics"):
        check(public.request("GET", path)[0] == 404, f"{path} through the balancer: 404")


def check_json_logs():
    print("3. JSON logs carry the balancer's request id", flush=True)
    public = Http()
    status, _ = public.request("GET", "/public/")
    request_id = public.last_headers.get("X-Request-ID", "")
    upstream = public.last_headers.get("X-Upstream", "")
    check(status == 200 and len(request_id) == 32, f"nginx set a request id ({request_id})")
    time.sleep(0.3)
    number = int(upstream.rsplit(":", 1)[1]) - cluster.PORT if upstream else 1
    lines = []
    for line in (cluster.LOGS / f"web-{number}.log").read_text().splitlines():
        if request_id in line:
            lines.append(json.loads(line))
    check(len(lines) == 1 and lines[0]["logger"] == "tracker.request"
          and lines[0]["status_code"] == 200,
          f"server {number} wrote one JSON line for it: {lines[0] if lines else None}")
    access = [json.loads(line) for line in
              (cluster.LOGS / "nginx-access.log").read_text().splitlines()
              if request_id in line]
    check(len(access) == 1, "the balancer's JSON access line has the same id")


def sign_in_through_balancer(username, password):
    http = Http()
    status, _ = http.request("POST", "/accounts/sign-in/",
                             {"username": username, "password": password})
    cookie = http.last_headers.get("Set-Cookie", "")
    session = ""
    for part in cookie.replace(",", ";").split(";"):
        if part.strip().startswith("sessionid="):
            session = part.strip().split("=", 1)[1]
    return status, session, http


def check_session_across_servers():
    print("4. signing in through the balancer, served by every server", flush=True)
    status, session, _ = sign_in_through_balancer("force.contributor", PASSWORD)
    check(status == 302 and session, "force.contributor signed in with a password (302)")
    http = Http(session)
    served = collections.Counter()
    signed_in = 0
    for _ in range(9):
        status, body = http.request("GET", "/")
        served[http.last_headers.get("X-Upstream")] += 1
        signed_in += status == 200 and b"Sign out" in body
        http.connection = None  # a new connection, so the balancer picks again
    check(signed_in == 9, f"9 pages signed in, served by {dict(served)}")
    check(len(served) == cluster.SERVERS, "the session held on all three servers")


def check_publication_shows_everywhere():
    print("5. a publication on one server shows at once on the others", flush=True)
    from django.utils import timezone

    from recommendations.models import Organisation, Recommendation
    from responses import services
    from responses.models import ResponseUpdate, response_url

    load_workflow.make_load_users()
    force = Organisation.objects.get(slug="south-yorkshire")
    recommendation = Recommendation.objects.filter(
        super_complaint__slug="safe-to-share").order_by("order").last()
    services.response_get_or_create(recommendation=recommendation,
                                               organisation=force)
    page = response_url(recommendation, force)
    cookies = load_workflow.sessions(["load.contributor1", "load.approver1", "force.contributor"])
    readers = {n: Http(cookies["force.contributor"], server=n) for n in (2, 3)}
    for number, reader in readers.items():
        status, body = reader.request("GET", page)
        check(status == 200, f"server {number} shows the response page (and keeps it)")
    text = f"Published across the cluster {random.getrandbits(40)}"
    writer = Http(cookies["load.contributor1"], server=1)
    form = {"as_of_day": "2", "as_of_month": "6", "as_of_year": "2021", "status": "in_progress",
            "awaiting": "", "position_provided_by": "", "marking": "OFFICIAL",
            "lead": "DCI Cluster", "portal_reference": "", "narrative": text, "action": "submit"}
    status, _ = writer.request("POST", page + "updates/new/", form)
    update = ResponseUpdate.objects.filter(narrative__contains=text).first()
    check(status == 302 and update is not None and update.state == "awaiting_sign_off",
          "submitted for sign-off on server 1")
    approver = Http(cookies["load.approver1"], server=1)
    status, _ = approver.request("POST", f"/updates/{update.pk}/sign-off/",
                                 {"action": "approve", "version": update.version})
    check(status == 302, "approved (published) on server 1")
    started = timezone.now()
    for number, reader in readers.items():
        status, body = reader.request("GET", page)
        check(status == 200 and text.encode() in body,
              f"server {number} shows it on the next read "
              f"({(timezone.now() - started).total_seconds() * 1000:.0f} ms after)")


def check_lockout_and_rate_limit():
    print("6. a login lockout and the API's rate limit count across servers", flush=True)
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="cluster.lockout")
    user.set_password(PASSWORD)
    user.save()
    served = collections.Counter()
    for _ in range(5):
        status, _, http = sign_in_through_balancer("cluster.lockout", "wrong-password")
        served[http.last_headers.get("X-Upstream")] += 1
    status, session, http = sign_in_through_balancer("cluster.lockout", PASSWORD)
    check(status == 429 and not session,
          f"5 wrong passwords on {len(served)} servers {dict(served)}, then the right one: "
          f"locked out ({status})")

    import redis

    client = redis.Redis.from_url(cluster.REDIS_URL)
    for key in client.scan_iter("*throttle_anon*"):
        client.delete(key)
    answers = collections.Counter()
    servers = set()
    public = Http()
    for _ in range(70):
        status, _ = public.request("GET", "/api/v1/super-complaints/")
        answers[status] += 1
        servers.add(public.last_headers.get("X-Upstream"))
        public.connection = None
    check(answers[200] == 60 and answers[429] == 10,
          f"70 anonymous API requests over {len(servers)} servers: {dict(answers)} "
          "(the limit is 60 a minute in all)")


# --- the mixed load with faults ---------------------------------------------------------------


class Recorder:
    """Every answer with its time: requests and 5xx per fault window, the writes attempted."""

    def __init__(self):
        self.lock = threading.Lock()
        self.answers = []  # (time, method, status)
        self.writes = []  # (path, fields, status)

    def __call__(self, method, path, fields, status):
        with self.lock:
            self.answers.append((time.monotonic(), method, status))
            if method == "POST":
                self.writes.append((path, dict(fields or {}), status))

    def window(self, start, end):
        rows = [r for r in self.answers if start <= r[0] < end]
        return len(rows), sum(1 for r in rows if r[2] >= 500)


def release_folder():
    """This commit's files in a folder of their own: what a new release's deploy unpacks."""
    folder = cluster.RUN / "release-next"
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    folder.mkdir()
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def mixed_load_with_faults(seconds):
    print(f"7. mixed load through the balancer for {seconds} s, with faults", flush=True)
    from django.utils import timezone

    from accounts.models import Membership
    from recommendations.models import Recommendation
    from responses import services
    from responses.models import response_url

    force, load_users = load_workflow.make_load_users()
    recommendations = list(
        Recommendation.objects.filter(super_complaint__slug="safe-to-share").order_by("order")[:3]
    )
    targets = []
    for recommendation in recommendations:
        response = services.response_get_or_create(recommendation=recommendation,
                                                   organisation=force)
        targets.append((response_url(recommendation, force) + "updates/new/", response.pk))
    readers = ["force.contributor", "other.contributor", "hmicfrs.reviewer", "opcc.contributor"]
    cookies = load_workflow.sessions([*load_users, *readers])
    read_paths = [
        "/", "/super-complaints/", "/super-complaints/safe-to-share/",
        "/super-complaints/safe-to-share/matrix/", "/organisations/south-yorkshire/",
        "/public/", "/api/v1/super-complaints/",
        *(response_url(r, force) for r in recommendations),
        *(r.get_absolute_url() for r in recommendations),
    ]
    release = release_folder()
    recorder = Recorder()
    tally = load_workflow.Tally()
    tally.started_at = timezone.now()
    stop = threading.Event()
    writer_names = list(load_users)
    threads = [
        threading.Thread(target=load_workflow.reader, args=(
            Http(cookies[readers[i % len(readers)]], record=recorder), read_paths, stop, tally))
        for i in range(6)
    ] + [
        threading.Thread(target=load_workflow.writer, args=(
            Http(cookies[writer_names[i % len(writer_names)]], record=recorder),
            "approver" if load_users[writer_names[i % len(writer_names)]]
            == Membership.Role.APPROVER else "contributor",
            targets, stop, tally))
        for i in range(4)
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    windows = {}
    time.sleep(seconds * 0.15)
    # Fault 1: server 2 dies at once (its master and workers), mid-request, and comes back.
    killed = time.monotonic()
    os.killpg(cluster.pid_of("web-2"), signal.SIGKILL)
    time.sleep(seconds * 0.15)
    cluster.start_web(2)
    cluster.wait_ready(cluster.server_port(2))
    windows["server 2 killed (SIGKILL) until ready again"] = (killed, time.monotonic())
    time.sleep(seconds * 0.1)
    # Fault 2: server 3 is replaced by a new release's, as a rolling deploy does: out of the
    # balancer, SIGTERM (gunicorn finishes what it is answering), the new folder's server starts
    # (migrating under the lock: nothing to do), and back in once ready.
    restarted = time.monotonic()
    cluster.drain(3)
    cluster.stop_process("web-3")
    cluster.start_web(3, release_dir=release)
    cluster.wait_ready(cluster.server_port(3))
    cluster.drain()
    windows["server 3 restarted with the new release until ready"] = (restarted,
                                                                       time.monotonic())
    remaining = seconds - (time.monotonic() - began)
    time.sleep(max(remaining, seconds * 0.1))
    stop.set()
    for thread in threads:
        thread.join()
    ended = time.monotonic()

    total, errors = recorder.window(began, ended + 1)
    unanswered = sum(1 for r in recorder.answers if r[2] == 599)
    print(f"     of the 5xx, {unanswered} had no answer at all (599: the connection failed: "
          f"{dict(FAILED_CONNECTIONS)})")
    print(f"     {total} requests in {ended - began:.0f} s, 5xx: {errors}; answers "
          f"{dict(sorted(tally.statuses.items()))}")
    for name, (start, end) in windows.items():
        count, five = recorder.window(start, end)
        print(f"     {name}: {end - start:.1f} s, {count} requests, {five} answered 5xx")
    outside = errors - sum(recorder.window(s, e)[1] for s, e in windows.values())
    check(outside == 0, f"no 5xx outside the fault windows ({outside})")
    for name, (start, end) in windows.items():
        rows = [r for r in recorder.answers if start <= r[0] < end and r[2] >= 500]
        gets = sum(1 for r in rows if r[1] == "GET")
        posts = len(rows) - gets
        check(gets == 0 and (posts == 0 or "killed" in name),
              f"{name}: {gets} GET answered 5xx (the balancer retries idempotent requests), "
              f"{posts} POST (only a kill may cut a POST in flight)")
    check_writes(recorder, tally)


def check_writes(recorder, tally):
    """Every write answered 302 is in the database or its audit log; count the rest."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from responses.models import ResponseUpdate

    content_type = ContentType.objects.get_for_model(ResponseUpdate)
    logged = [json.dumps(entry.changes) for entry in LogEntry.objects.filter(
        content_type=content_type, timestamp__gte=tally.started_at)]
    attempted = len(recorder.writes)
    acknowledged = [w for w in recorder.writes if w[2] == 302]
    failed = [w for w in recorder.writes if w[2] >= 500]
    with_text = [w for w in acknowledged if "narrative" in w[1]]
    lost = [w for w in with_text if not any(w[1]["narrative"] in entry for entry in logged)]
    kept_despite_error = sum(
        1 for w in failed if "narrative" in w[1]
        and any(w[1]["narrative"] in entry for entry in logged))
    print(f"     writes attempted {attempted}, answered 302: {len(acknowledged)}, refused "
          f"(409 and other 4xx): {sum(1 for w in recorder.writes if 400 <= w[2] < 500)}, "
          f"5xx or no answer: {len(failed)} (of which kept all the same: {kept_despite_error})")
    check(not lost, f"every acknowledged create or edit ({len(with_text)}) is kept: "
                    f"{len(lost)} lost")
    # Each update reached "published" at most once, whatever the retries.
    published = collections.Counter()
    for entry in LogEntry.objects.filter(content_type=content_type,
                                         timestamp__gte=tally.started_at):
        state = (entry.changes or {}).get("state")
        if state and state[-1] == "published":
            published[entry.object_pk] += 1
    twice = [pk for pk, n in published.items() if n > 1]
    check(not twice, f"{len(published)} updates published, none twice ({len(twice)})")
    problems = load_workflow.check_invariants(tally)
    check(not problems, "every invariant of scripts/load_workflow.py holds: current status is "
                        "the latest published, one response per pair, each approval published "
                        "once with a signer, at most one edit saved per version"
                        + (f": {problems[:5]}" if problems else ""))


def check_scheduled_and_worker():
    print("8. the scheduled reminders and the worker", flush=True)
    env = cluster.environment()
    result = subprocess.run([env["PYTHON"], "manage.py", "send_reminders"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    check(result.returncode == 0, f"manage.py send_reminders exits 0 ({result.returncode})")
    check(cluster.alive("worker"), "the task worker (db_worker) is running")


def check_backup_drill():
    print("9. the backup and restore drill on the cluster's data", flush=True)
    env = cluster.environment()
    result = subprocess.run(
        [env["PYTHON"], "scripts/backup_drill.py", "--media-root", str(cluster.RUN / "media"),
         "--add-evidence", "20", "--pages", "18",
         "--out", str(cluster.RUN / "backup")],
        cwd=ROOT, env=env, timeout=300,
    )
    check(result.returncode == 0, "backup, restore into a fresh database, all compared equal")


def check_stopped():
    leftovers = subprocess.run(["pgrep", "-f", str(cluster.RUN)], capture_output=True,
                               text=True).stdout.split()
    ports_open = []
    for port in [cluster.PORT] + [cluster.server_port(n) for n in range(1, cluster.SERVERS + 1)]:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            ports_open.append(port)
        except OSError:
            pass
    check(not leftovers and not ports_open,
          f"cluster-stop left nothing running (processes {leftovers}, ports {ports_open})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="length of the mixed load")
    parser.add_argument("--keep-running", action="store_true", help="leave the cluster up")
    parser.add_argument("--no-backup", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    subprocess.run([sys.executable, str(ROOT / "scripts" / "cluster.py"), "start", "--fresh",
                    "--demo-data"], check=True)
    try:
        os.environ.update({k: v for k, v in cluster.environment().items() if k != "PATH"})
        os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
        os.environ["LOG_LEVEL"] = "WARNING"  # this process's own lines: only what went wrong
        import django

        django.setup()
        global load_workflow
        import load_workflow

        check_migrated_once()
        check_platform_endpoints()
        check_json_logs()
        check_session_across_servers()
        check_publication_shows_everywhere()
        check_lockout_and_rate_limit()
        mixed_load_with_faults(args.seconds)
        check_scheduled_and_worker()
        if not args.no_backup:
            from django.db import connections

            connections.close_all()
            check_backup_drill()
    except Exception as error:  # report, stop the cluster, fail
        FAILURES.append(repr(error))
        raise
    finally:
        if not args.keep_running:
            from django.db import connections

            connections.close_all()
            subprocess.run([sys.executable, str(ROOT / "scripts" / "cluster.py"), "stop"],
                           check=False)
            check_stopped()
        print(f"cluster test took {time.monotonic() - started:.0f} s")
        print(f"cluster: {len(PASSED)} passed, {len(FAILURES)} failed")
    return 1 if FAILURES else 0


load_workflow = None

if __name__ == "__main__":
    sys.exit(main())
