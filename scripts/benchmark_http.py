"""
Load-test the read pages over HTTP at national scale, each against a bare Django view.

    .venv/bin/python scripts/benchmark_http.py
    .venv/bin/python scripts/benchmark_http.py --seconds 5 --rounds 2 --connections 16
    .venv/bin/python scripts/benchmark_http.py --churn 1     # publications running meanwhile

What it does, in one command:

1. Uses the PostgreSQL database named by DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/bench), building the national-scale data of DESIGN.md
   section 7 if it is missing (scripts/benchmark_pages.py's builder), then runs ANALYZE.
2. Starts gunicorn (2 sync workers unless --workers) with production settings (DEBUG off) and
   BENCHMARK_VIEWS=True, which mounts /_bench/bare/: a view with the same middleware, session and
   sign-in as the pages and no work of its own.
3. Signs in over HTTP as a contributor of South Yorkshire Police.
4. For each page (the staff pages of scripts/benchmark_pages.py, signed in, after the page shell
   alone, /_bench/shell/: base.html around one paragraph; then the public pages, feeds and
   documents, read signed out), alternates --rounds rounds of --seconds of load on the bare view
   and on the page, with wrk (a C load generator, so the load tool takes little of the
   machine's CPU from the server; Debian package `wrk`, installed here if missing and running
   as root) at --connections concurrent connections. Alternating in one run means both see the
   same machine.
   A public page is compared with the bare view read signed out, as its visitors read it, and
   again signed in (staff read the public pages too) against the bare view signed in.
   With --churn N, a separate writer process (scripts/publish_churn.py) publishes N updates a
   second across the national data set (one in ten to the South Yorkshire responses the pages
   show) for the whole run, so every kept page is measured while what it shows keeps changing.
5. Prints, per page: requests/s, its share of the bare view's requests/s, mean, p95 and p99
   latency (the worst round's), one request alone (median of 10 sequential requests), HTML size
   in KB uncompressed and gzipped, and the queries it makes on an empty cache and once what it
   keeps is in the cache, as under load (Django's test client in this
   process, against the same database).

Targets (DESIGN.md section 7), with and without churn: share >= 0.25, p95 < 100 ms at 16
connections, one request < 30 ms, HTML < 100 KB uncompressed.
"""

import argparse
import gzip
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ["BENCHMARK_VIEWS"] = "True"  # the in-process client counts the shell's queries too
warnings.filterwarnings("ignore", message="No directory at")  # static files are not measured

import benchmark_pages  # noqa: E402  (sets Django up on DATABASE_URL)
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from accounts.models import Membership  # noqa: E402
from recommendations.models import Organisation  # noqa: E402

USERNAME = "bench.http"
PASSWORD = "bench-http-password-2026"
BARE = "/_bench/bare/"
SHELL = "/_bench/shell/"

# wrk prints this line at the end of a run: requests, microseconds, errors (non-2xx/3xx and
# socket errors), then mean, p95 and p99 latency in microseconds.
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %.0f %.0f %.0f\\n", summary.requests,
    summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency.mean, latency:percentile(95), latency:percentile(99)))
end
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="length of one round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per page (and bare view)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--only", help="measure only pages whose name contains this")
    parser.add_argument("--churn", type=float, default=0,
                        help="publications a second by a separate writer during the load")
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/15",
        help="the workers' shared cache, as in production (DESIGN.md: a shared Redis); this "
             "database is emptied first. 'none': each worker's own memory",
    )
    return parser.parse_args()


def ensure_data():
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the benchmark measures production.")
    benchmark_pages.national_data(reuse=True)  # builds it only if missing


def ensure_user():
    user, _ = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"first_name": "Bench", "last_name": "User",
                                     "email": "bench@example.org"})
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.get_or_create(
        user=user, organisation=Organisation.objects.get(slug="south-yorkshire"),
        defaults={"role": Membership.Role.CONTRIBUTOR},
    )
    return user


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                       stdout=subprocess.DEVNULL)
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")


def start_gunicorn(args):
    env = {
        **os.environ, "DEBUG": "False", "BENCHMARK_VIEWS": "True",
        "SECRET_KEY": "benchmark-only-secret-" + "k" * 40, "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_MANIFEST": "False", "PYTHONWARNINGS": "ignore",
    }
    if args.redis != "none":
        # Production's shared cache: a page one worker keeps the other serves, and a
        # publication's first reader redraws it for both.
        import redis

        redis.Redis.from_url(args.redis).flushdb()
        env["REDIS_URL"] = args.redis
    else:
        env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tracker.wsgi", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    for _ in range(100):
        try:
            request(args.port, "GET", "/accounts/sign-in/")
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def request(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response, response.read()


def sign_in(port):
    response, page = request(port, "GET", "/accounts/sign-in/")
    cookies = dict(re.findall(r"(csrftoken)=([^;]+)", response.getheader("Set-Cookie", "")))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    body = urllib.parse.urlencode({"username": USERNAME, "password": PASSWORD,
                                   "csrfmiddlewaretoken": token})
    response, _ = request(port, "POST", "/accounts/sign-in/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookies['csrftoken']}",
        "Referer": f"http://127.0.0.1:{port}/accounts/sign-in/",
    })
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie", ""))
    if response.status != 302 or not session:
        sys.exit(f"signing in failed ({response.status})")
    return f"sessionid={session.group(1)}; csrftoken={cookies['csrftoken']}"


def wrk(port, path, cookie, args, script):
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    output = subprocess.run(
        ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "30s",
         "-s", script, *headers, f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout
    fields = re.search(r"RESULT (.*)", output).group(1).split()
    requests, duration_us, errors, mean, p95, p99 = map(float, fields)
    return {"requests": requests, "seconds": duration_us / 1e6, "errors": errors,
            "mean": mean / 1000, "p95": p95 / 1000, "p99": p99 / 1000}


def one_request_ms(port, path, cookie):
    timings = []
    for _ in range(10):
        started = time.perf_counter()
        response, _ = request(port, "GET", path, headers={"Cookie": cookie} if cookie else {})
        timings.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            sys.exit(f"{path} answered {response.status}")
    return statistics.median(timings)


def queries(user, path):
    """
    The queries of the page on an empty cache, and read again; its HTML. Counted with a cache
    of this process's own, empty at first: never the server's, which may be a shared Redis.
    """
    client = Client()
    if user is not None:
        client.force_login(user)
    counts = []
    own_cache = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                             "LOCATION": f"benchmark-queries-{path}"}}
    with override_settings(CACHES=own_cache):
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                page = client.get(path)
            assert page.status_code == 200, (path, page.status_code)
            counts.append(len(captured))
    return counts, page.content


def measured_pages(args, user):
    """[(name, path, user or None for a visitor)]: the page shell, staff pages, public pages."""
    pages = [("page shell", SHELL, user)]
    pages += [(name, path, user) for name, path in benchmark_pages.pages().items()]
    pages += [(name, path, None) for name, path in benchmark_pages.public_pages().items()]
    pages += [(f"{name} (signed in)", path, user)
              for name, path in benchmark_pages.public_pages().items()]
    return [page for page in pages if not args.only or args.only in page[0]]


def measure(args, script, name, path, user, cookie):
    """Print one page's row; return the bare view's requests/s in the same rounds."""
    cookie = cookie if user else ""
    (cold_queries, warm_queries), html = queries(user, path)
    single = one_request_ms(args.port, path, cookie)
    bare_runs, page_runs = [], []
    for _ in range(args.rounds):
        bare_runs.append(wrk(args.port, BARE, cookie, args, script))
        page_runs.append(wrk(args.port, path, cookie, args, script))
    bare_rate = sum(r["requests"] for r in bare_runs) / sum(r["seconds"] for r in bare_runs)
    rate = sum(r["requests"] for r in page_runs) / sum(r["seconds"] for r in page_runs)
    total = sum(r["requests"] for r in page_runs)
    mean = sum(r["mean"] * r["requests"] for r in page_runs) / total
    errors = sum(r["errors"] for r in page_runs + bare_runs)
    print(f"{name:<28}{rate:>8.0f}{rate / bare_rate:>7.2f}{mean:>9.0f}"
          f"{max(r['p95'] for r in page_runs):>8.0f}"
          f"{max(r['p99'] for r in page_runs):>8.0f}{single:>8.0f}"
          f"{len(html) / 1024:>7.0f}{len(gzip.compress(html)) / 1024:>7.0f}"
          f"{cold_queries:>8}{warm_queries:>8}{errors:>7.0f}", flush=True)
    return bare_rate


def start_churn(args):
    if not args.churn:
        return None
    return subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "publish_churn.py"),
         "--per-second", str(args.churn)],
        cwd=ROOT, env={**os.environ, "PYTHONWARNINGS": "ignore"}, start_new_session=True,
    )


def stop_churn(churn):
    if churn is not None:
        os.killpg(churn.pid, signal.SIGTERM)
        churn.wait(timeout=60)  # it prints how many it published


def main():
    args = parse_args()
    ensure_wrk()
    ensure_data()
    user = ensure_user()
    pages = measured_pages(args, user)
    server = start_gunicorn(args)
    churn = start_churn(args)
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write(WRK_REPORT)
    script.close()
    try:
        cookie = sign_in(args.port)
        one_request_ms(args.port, BARE, cookie)  # warm both workers up
        print(f"\n{args.connections} connections, gunicorn {args.workers} sync workers, "
              f"{args.rounds} rounds of {args.seconds} s per page and per bare view; "
              f"public pages (signed out) against the bare view signed out"
              + (f"; {args.churn:g} publications a second meanwhile" if args.churn else "")
              + ("; each worker's own cache" if args.redis == "none" else "; shared Redis cache")
              + "\n")
        header = (f"{'page':<28}{'req/s':>8}{'share':>7}{'mean ms':>9}{'p95 ms':>8}"
                  f"{'p99 ms':>8}{'one ms':>8}{'KB':>7}{'KB gz':>7}{'q cold':>8}{'q kept':>8}"
                  f"{'errors':>7}")
        print(header)
        print("-" * len(header))
        bare_rates = {}
        for name, path, reader in pages:
            bare_rates[reader is None] = measure(args, script.name, name, path, reader, cookie)
        stop_churn(churn)
        churn = None
        for visitor, rate in bare_rates.items():
            print(f"\nbare view ({BARE}, {'signed out' if visitor else 'signed in'}): "
                  f"{rate:.0f} req/s in the last such page's rounds")
    finally:
        stop_churn(churn)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        os.unlink(script.name)


if __name__ == "__main__":
    main()
