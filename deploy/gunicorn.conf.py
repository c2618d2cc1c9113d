"""
gunicorn's settings for every app server: the cluster (scripts/cluster.py), the container
(Containerfile) and Kubernetes run `gunicorn -c deploy/gunicorn.conf.py tracker.wsgi`.

From the environment: PORT (8000), WEB_CONCURRENCY worker processes (2), GUNICORN_THREADS
threads each (4), PROMETHEUS_MULTIPROC_DIR (where the workers keep their metrics, emptied at
start), LOG_FORMAT (json: gunicorn's own lines as JSON objects too).
"""

import os
import shutil
from pathlib import Path

bind = f"{os.environ.get('BIND_ADDRESS', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# A request still running after this is cut; uploads and exports finish well within it.
timeout = 60
# On SIGTERM (a rolling restart, `make cluster-stop`, Kubernetes) stop accepting, finish what is
# in flight for up to this long, then exit.
graceful_timeout = 25
# Behind the load balancer's keep-alive connections.
keepalive = 30
# The app logs each request itself (core.middleware.RequestIdMiddleware), with its request id.
accesslog = None
errorlog = "-"
forwarded_allow_ips = "*"

if os.environ.get("LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO",
                                       "propagate": False}},
    }


def on_starting(server):
    # Figures of a previous run's workers would be added to this one's.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
