"""
What the request id, the request log line and the metrics cost each request, in this process:

    .venv/bin/python scripts/benchmark_observability.py
    DATABASE_URL=postgres://... .venv/bin/python scripts/benchmark_observability.py

Times a bare view called alone and through RequestIdMiddleware + MetricsMiddleware (the log line
written as JSON to a discarded stream, as in production), then a `SELECT 1` with and without the
query timer, and a cache get with and without the cache timer (Redis DATABASE 5 when it answers).
Prints microseconds per call, the median of five rounds.
"""

import io
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.urls import resolve  # noqa: E402

from core import metrics  # noqa: E402
from core.cache import RedisCache  # noqa: E402
from core.logging import JsonFormatter, RequestIdFilter  # noqa: E402
from core.middleware import RequestIdMiddleware  # noqa: E402


def per_call(function, calls):
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(calls):
            function()
        rounds.append((time.perf_counter() - started) / calls * 1e6)
    return statistics.median(rounds)


def main():
    handler = logging.StreamHandler(io.StringIO())
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logging.getLogger().handlers = [handler]
    logging.getLogger().setLevel(logging.INFO)

    factory = RequestFactory()
    match = resolve("/-/live")

    def view(request):
        request.resolver_match = match
        return HttpResponse("ok")

    chain = RequestIdMiddleware(metrics.MetricsMiddleware(view))
    request = factory.get("/-/live", HTTP_X_REQUEST_ID="0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    bare = per_call(lambda: view(request), 20000)
    wrapped = per_call(lambda: chain(request), 20000)
    print(f"request: bare view {bare:.1f} us, with request id, log line and metrics "
          f"{wrapped:.1f} us: +{wrapped - bare:.1f} us a request")

    def select():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    select()
    timed = per_call(select, 3000)
    wrappers = connection.execute_wrappers[:]
    connection.execute_wrappers[:] = [w for w in wrappers if w is not metrics._time_query]
    untimed = per_call(select, 3000)
    connection.execute_wrappers[:] = wrappers
    print(f"query ({connection.vendor}): SELECT 1 {untimed:.1f} us, timed {timed:.1f} us: "
          f"+{timed - untimed:.1f} us a query")

    # The timers alone, around a call that does nothing: what a query or a cache call pays,
    # without the round trip's noise (a loaded machine varies by more than the timer costs).
    def nothing(*args):
        return None

    bare_call = per_call(lambda: nothing("SELECT 1", None, False, {}), 50000)
    query_timer = per_call(lambda: metrics._time_query(nothing, "SELECT 1", None, False, {}),
                           50000)
    cache_timer = per_call(lambda: metrics.time_cache_call("get", nothing, "k"), 50000)
    print(f"timers alone: a call {bare_call:.2f} us, through the query timer "
          f"{query_timer:.2f} us, through the cache timer {cache_timer:.2f} us")

    try:
        ours = RedisCache("redis://127.0.0.1:6379/5", {"KEY_PREFIX": "bench-observability"})
        django_own = DjangoRedisCache("redis://127.0.0.1:6379/5",
                                      {"KEY_PREFIX": "bench-observability"})
        django_own._class = ours._class  # the same client reuse, without the timer
        ours.set("k", "v")
        with_timer = per_call(lambda: ours.get("k"), 3000)
        without = per_call(lambda: django_own.get("k"), 3000)
        print(f"cache get (Redis): {without:.1f} us, timed {with_timer:.1f} us: "
              f"+{with_timer - without:.1f} us a call")
    except Exception as error:  # no Redis here
        print(f"cache: not measured ({error})")


if __name__ == "__main__":
    main()
