"""
Prometheus metrics (prometheus-client): requests and their latency by view, the time spent in the
database and in the cache. Scraped from each app server at /-/metrics (tracker.health), never
through the public load balancer.

Under gunicorn each worker is a process: with PROMETHEUS_MULTIPROC_DIR set (deploy/gunicorn.conf.py
and the cluster scripts set it) every worker writes its figures to files there and a scrape adds
them up, so one scrape of a server counts all its workers. Without it (tests, `make run`) the
figures are this process's.
"""

import os
import time

from django.db.backends.signals import connection_created
from prometheus_client import Counter, Histogram

_directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _directory:
    # gunicorn makes the folder as it starts (deploy/gunicorn.conf.py); any other process given
    # the same environment (a management command) would otherwise fail on its first query.
    os.makedirs(_directory, exist_ok=True)

# Few buckets: each observation costs one file write per bucket it falls in, and these are
# enough to tell a page that answers in 25 ms from one in 250 ms.
_SECONDS = (0.005, 0.025, 0.1, 0.25, 1.0, 5.0)
_FAST_SECONDS = (0.0005, 0.002, 0.01, 0.05, 0.25)

REQUESTS = Counter(
    "tracker_http_requests", "Requests answered, by view, method and status code.",
    ["view", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "tracker_http_request_duration_seconds", "Time to answer a request, by view.", ["view"],
    buckets=_SECONDS,
)
DB_SECONDS = Histogram(
    "tracker_db_query_duration_seconds", "Time of each database query.", buckets=_FAST_SECONDS,
)
CACHE_SECONDS = Histogram(
    "tracker_cache_operation_duration_seconds",
    "Time of each call to the shared (Redis) cache, by operation.", ["operation"],
    buckets=_FAST_SECONDS,
)

_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class MetricsMiddleware:
    """Count and time every request by the view that answered it (its URL name)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        # The URL name, never the path: one series per view, not one per recommendation.
        # Static files (served by WhiteNoise before any view) and 404s resolve to nothing.
        view = (match.view_name or "unnamed") if match else "none"
        method = request.method if request.method in _METHODS else "other"
        REQUESTS.labels(view, method, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(view).observe(time.perf_counter() - started)
        return response


def _time_query(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        DB_SECONDS.observe(time.perf_counter() - started)


def _install_query_timer(sender, connection, **kwargs):
    if _time_query not in connection.execute_wrappers:
        connection.execute_wrappers.append(_time_query)


def install():
    """Time every query of every database connection this process opens (CoreConfig.ready)."""
    connection_created.connect(_install_query_timer, dispatch_uid="core.metrics.query_timer")


def time_cache_call(operation, call, *args, **kwargs):
    started = time.perf_counter()
    try:
        return call(*args, **kwargs)
    finally:
        CACHE_SECONDS.labels(operation).observe(time.perf_counter() - started)
