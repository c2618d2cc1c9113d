"""
What the platform asks of each app server, never through the public load balancer's pages:

- /-/live: the process answers (liveness: restart it if not). Touches nothing else, so a
  database outage does not get every server restarted at once.
- /-/ready: the database answers, the shared cache keeps a value, and every migration this
  code knows is applied (readiness: send it traffic only then); 503 otherwise, with which
  check failed. Checks from django-health-check, plus the migrations one below.
- /-/metrics: Prometheus figures (core.metrics) and the task queue's depth, for a scraper
  holding METRICS_TOKEN.
"""

import asyncio
import dataclasses
import os
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.exceptions import ServiceUnavailable
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from core.models import Event


@login_not_required
@never_cache
def live(request):
    return HttpResponse("ok\n", content_type="text/plain")


# Once this process has seen every migration applied it stays so (its code cannot change under
# it), so later probes skip loading the migration graph: a few tens of milliseconds each.
_migrations_applied = False


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    """Every migration of this release is applied: a server of a new release waits for it."""

    alias: str = "default"

    def run(self):
        global _migrations_applied
        if _migrations_applied:
            return
        connection = connections[self.alias]
        # Runs in the health view's executor thread: a connection of its own, closed after,
        # or each probe would leave one open.
        with connection.temporary_connection():
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            raise ServiceUnavailable(f"{len(plan)} migrations not applied")
        _migrations_applied = True


CHECKS = (Database, Cache, MigrationsApplied)


async def _run_checks():
    return await asyncio.gather(*(check().get_result() for check in CHECKS))


@login_not_required
@never_cache
def ready(request):
    """
    django-health-check's checks, answered in JSON, 503 (not its view's 500) when one fails:
    what load balancers and Kubernetes read as "not ready", distinct from a crash.

    Its view is async; the checks run here on an event loop of their own in a thread of their
    own, so this answers whatever the calling thread already runs (a gunicorn thread; the test
    client beside Playwright's loop, where Django's async-to-sync adapter refuses to run).
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        results = pool.submit(asyncio.run, _run_checks()).result()
    body = {repr(result.check): str(result.error) if result.error else "OK"
            for result in results}
    return JsonResponse(body, status=503 if any(result.error for result in results) else 200)


class _TaskQueue:
    """The task worker's queue (django-tasks-db) and the outbox, read at each scrape."""

    def collect(self):
        from django.db.models import Count, Min
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        depth = GaugeMetricFamily(
            "tracker_task_queue_depth", "Background tasks waiting or running, by status.",
            labels=["status"],
        )
        counts = dict(
            DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
            .values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        )
        for status in ("READY", "RUNNING"):
            depth.add_metric([status.lower()], counts.get(status, 0))
        yield depth
        oldest = DBTaskResult.objects.filter(status="READY").aggregate(t=Min("enqueued_at"))["t"]
        age = GaugeMetricFamily(
            "tracker_task_queue_oldest_seconds", "Age of the oldest task waiting for a worker.")
        age.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0)
        yield age
        outbox = GaugeMetricFamily(
            "tracker_outbox_events_waiting",
            "Workflow events (the outbox, core.Event) whose emails are not yet written out.")
        outbox.add_metric([], Event.objects.filter(fanned_out_at__isnull=True).count())
        yield outbox


@login_not_required
@never_cache
def metrics(request):
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    if not constant_time_compare(request.headers.get("Authorization", ""), f"Bearer {token}"):
        response = HttpResponse("A metrics token is needed.\n", status=401,
                                content_type="text/plain")
        response["WWW-Authenticate"] = "Bearer"
        return response
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Every gunicorn worker's figures, added up (core.metrics).
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    queue = CollectorRegistry()
    queue.register(_TaskQueue())
    body = generate_latest(registry) + generate_latest(queue)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
