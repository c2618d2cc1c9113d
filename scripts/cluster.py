"""
A production-like cluster on this machine: nginx on loopback (TLS) in front of three gunicorn app
servers, the task worker, PostgreSQL and Redis, with the production settings.

    .venv/bin/python scripts/cluster.py start [--fresh] [--demo-data]   # make cluster
    .venv/bin/python scripts/cluster.py stop                            # make cluster-stop
    .venv/bin/python scripts/cluster.py status

Everything it makes lives in .cluster/ beside manage.py (configuration, TLS key, logs, pid files,
static files, evidence files); `stop` ends every process it started and leaves nothing running.

Each step is one of the project's own scripts, the ones the container runs too:
deploy/release-check.sh (collectstatic, `check --deploy` with no warning), deploy/web.sh
(`migrate_locked`, then gunicorn with deploy/gunicorn.conf.py) for each app server, and
deploy/worker.sh (the task worker). nginx (Debian's nginx-light, installed here when missing, as
.ci/run installs Chromium) is configured from deploy/nginx-cluster.conf.

Environment: CLUSTER_DATABASE_URL (postgres://postgres@127.0.0.1:5432/cluster),
CLUSTER_REDIS_URL (redis://127.0.0.1:6379/5), CLUSTER_PORT (8480: the balancer; the app servers
listen on the next three ports).
"""

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / ".cluster"
LOGS = RUN / "logs"
SERVERS = 3
DATABASE_URL = os.environ.get("CLUSTER_DATABASE_URL",
                              "postgres://postgres@127.0.0.1:5432/cluster")
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/5")
PORT = int(os.environ.get("CLUSTER_PORT", "8480"))
HOST = "localhost"
SITE_URL = f"https://{HOST}:{PORT}"
VENV_BIN = ROOT / ".venv" / "bin"


def server_port(number):
    return PORT + number


def ensure_packages():
    """nginx and openssl from Debian's packages, as .ci/run installs Chromium."""
    missing = [package for command, package in (("nginx", "nginx-light"), ("openssl", "openssl"))
               if not shutil.which(command) and not Path(f"/usr/sbin/{command}").exists()]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"Install {' '.join(missing)} first: apt-get install -y {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    installed = subprocess.run(["apt-get", "install", "-y", "-qq", *missing], env=env,
                               stdout=subprocess.DEVNULL)
    if installed.returncode and "nginx-light" in missing:
        # Releases after Debian 12 fold nginx-light into nginx.
        missing = ["nginx" if p == "nginx-light" else p for p in missing]
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env,
                       stdout=subprocess.DEVNULL)


def nginx_binary():
    return shutil.which("nginx") or "/usr/sbin/nginx"


def secret_file(name):
    path = RUN / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path


def environment(release_dir=ROOT):
    """The production settings every process of the cluster runs with (docs/cluster.md)."""
    return {
        **os.environ,
        "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}",
        "PYTHON": str(VENV_BIN / "python"),
        "DATABASE_URL": DATABASE_URL,
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": "cluster",
        "DEBUG": "False",
        "SECRET_KEY_FILE": str(secret_file("secret_key")),
        "METRICS_TOKEN_FILE": str(secret_file("metrics_token")),
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "SITE_URL": SITE_URL,
        "CSRF_TRUSTED_ORIGINS": SITE_URL,
        # TLS ends at nginx, which says so in X-Forwarded-Proto and appends the client's address.
        "HTTPS": "True",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_PRELOAD": "True",
        "USE_X_FORWARDED_PROTO": "True",
        "USE_X_FORWARDED_FOR": "True",
        "STATIC_MANIFEST": "True",
        "WHITENOISE_USE_FINDERS": "False",
        "STATIC_ROOT": str(RUN / "static"),
        # One machine: the servers share a folder, as they would share the evidence bucket.
        "MEDIA_ROOT": str(RUN / "media"),
        "TASK_BACKEND": "database",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "BIND_ADDRESS": "127.0.0.1",
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
        "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "4"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def recreate_database():
    import psycopg

    parts = urllib.parse.urlparse(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def flush_redis():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def tls_certificate():
    key, cert = RUN / "tls.key", RUN / "tls.crt"
    if not cert.exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "7",
             "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1",
             "-keyout", str(key), "-out", str(cert)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    return key, cert


def write_nginx_config(draining=()):
    key, cert = tls_certificate()
    template = (ROOT / "deploy" / "nginx-cluster.conf").read_text()
    upstreams = "\n".join(
        f"        server 127.0.0.1:{server_port(n)} max_fails=1 fail_timeout=3s"
        f"{' down' if n in draining else ''};"
        for n in range(1, SERVERS + 1)
    )
    (RUN / "nginx-tmp").mkdir(exist_ok=True)
    config = (template.replace("{RUN}", str(RUN)).replace("{PORT}", str(PORT))
              .replace("{UPSTREAMS}", upstreams).replace("{TLS_KEY}", str(key))
              .replace("{TLS_CERT}", str(cert)))
    path = RUN / "nginx.conf"
    path.write_text(config)
    return path


def spawn(name, command, env, cwd=ROOT):
    """Start a process in its own session (so it outlives this script), its pid in RUN."""
    log = open(LOGS / f"{name}.log", "ab")
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    (RUN / f"{name}.pid").write_text(str(process.pid))
    return process


def start_web(number, release_dir=ROOT):
    metrics_dir = RUN / f"metrics-{number}"
    metrics_dir.mkdir(exist_ok=True)
    env = {**environment(release_dir), "PORT": str(server_port(number)),
           "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    return spawn(f"web-{number}", ["sh", str(release_dir / "deploy" / "web.sh")], env,
                 cwd=release_dir)


def ready(port, timeout=1.0):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/ready", timeout=timeout) as answer:
            return answer.status == 200
    except OSError:
        return False


def wait_ready(port, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready(port):
            return True
        time.sleep(0.25)
    return False


def start(args):
    ensure_packages()
    if any(alive(name) for name in process_names()):
        sys.exit("The cluster is already running: make cluster-stop first.")
    RUN.mkdir(exist_ok=True)
    LOGS.mkdir(exist_ok=True)
    for old in LOGS.glob("*.log"):
        old.unlink()
    if args.fresh:
        recreate_database()
        flush_redis()
        shutil.rmtree(RUN / "media", ignore_errors=True)
    env = environment()
    started = time.monotonic()
    subprocess.run(["sh", "deploy/release-check.sh"], cwd=ROOT, env=env, check=True)
    print(f"release checked (collectstatic, check --deploy) in {time.monotonic() - started:.1f} s")
    # All three at once: migrate_locked lets one of them migrate.
    for number in range(1, SERVERS + 1):
        start_web(number)
    spawn("worker", ["sh", "deploy/worker.sh"], env)
    nginx = nginx_binary()
    config = write_nginx_config()
    subprocess.run([nginx, "-t", "-q", "-c", str(config), "-p", str(RUN)], check=True)
    subprocess.run([nginx, "-c", str(config), "-p", str(RUN)], check=True)
    for number in range(1, SERVERS + 1):
        if not wait_ready(server_port(number)):
            stop(None)
            sys.exit(f"app server {number} never became ready: see {LOGS}/web-{number}.log")
    print(f"3 app servers ready in {time.monotonic() - started:.1f} s")
    if args.demo_data:
        subprocess.run(
            [env["PYTHON"], "manage.py", "loaddata", "organisations", "recipient_groups",
             "super_complaints", "office_holders", "demo_responses", "demo_accounts",
             "--verbosity", "0"],
            cwd=ROOT, env=env, check=True,
        )
        print("reference and demo data loaded")
    print(f"cluster up: {SITE_URL}/ (nginx -> 127.0.0.1:{server_port(1)}-{server_port(SERVERS)}"
          f"), worker, logs in {LOGS}")


def drain(*numbers):
    """
    Send new requests only to the other servers (`down` in nginx, reloaded gracefully), as a
    platform takes a server out of the balancer before stopping it; drain() with no number puts
    every server back.
    """
    config = write_nginx_config(draining=numbers)
    subprocess.run([nginx_binary(), "-c", str(config), "-p", str(RUN), "-s", "reload"],
                   check=True, stderr=subprocess.DEVNULL)
    # nginx's old worker finishes its requests on the old configuration; new ones use the new.
    time.sleep(0.5)


def process_names():
    return [f"web-{n}" for n in range(1, SERVERS + 1)] + ["worker"]


def pid_of(name):
    try:
        return int((RUN / f"{name}.pid").read_text())
    except (OSError, ValueError):
        return None


def alive(name):
    pid = pid_of(name)
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_process(name, sig=signal.SIGTERM, wait=30):
    """Signal a process's whole group (gunicorn's master and workers) and wait for it to end."""
    pid = pid_of(name)
    if pid is None:
        return
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.waitpid(pid, os.WNOHANG)  # reap it when this process started it
    except ChildProcessError:
        pass
    (RUN / f"{name}.pid").unlink(missing_ok=True)


def stop(args):
    nginx_pid = RUN / "nginx.pid"
    if nginx_pid.exists():
        subprocess.run([nginx_binary(), "-c", str(RUN / "nginx.conf"), "-p", str(RUN), "-s",
                        "quit"], check=False, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while nginx_pid.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    for name in process_names():
        stop_process(name)
    print("cluster stopped")


def status(args):
    for name in process_names():
        port = server_port(int(name.split("-")[1])) if name.startswith("web") else None
        state = "running" if alive(name) else "stopped"
        if port:
            state += ", ready" if ready(port) else ", not ready"
        print(f"{name:8} {state}")
    print(f"nginx    {'running' if (RUN / 'nginx.pid').exists() else 'stopped'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start_parser = commands.add_parser("start")
    start_parser.add_argument("--fresh", action="store_true",
                              help="drop and create the database, empty the cache")
    start_parser.add_argument("--demo-data", action="store_true",
                              help="load the reference and demo data once ready")
    commands.add_parser("stop")
    commands.add_parser("status")
    args = parser.parse_args()
    {"start": start, "stop": stop, "status": status}[args.command](args)


if __name__ == "__main__":
    main()
