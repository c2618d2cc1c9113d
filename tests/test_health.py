"""The platform's endpoints: liveness, readiness (503 when a part is down) and the metrics."""

import json
import socket

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from prometheus_client import REGISTRY

from tracker import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def migrations_checked_afresh(monkeypatch):
    """Each test sees the readiness check load the migration graph, as a new process does."""
    monkeypatch.setattr(health, "_migrations_applied", False)


def test_liveness_answers_signed_out_without_a_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production: probes come over plain http
    answer = client.get("/-/live")
    assert answer.status_code == 200
    assert answer.content == b"ok\n"


def test_readiness_names_each_check_and_answers_200(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    answer = client.get("/-/ready")
    assert answer.status_code == 200
    body = json.loads(answer.content)
    assert set(body.values()) == {"OK"}
    assert [name.split("(")[0] for name in body] == ["Database", "Cache", "MigrationsApplied"]
    assert answer["Cache-Control"].startswith("max-age=0")


def test_readiness_is_503_when_the_cache_is_unreachable(client, settings):
    # A port nothing listens on: Redis down, as the app servers would see it.
    settings.CACHES = {"default": {"BACKEND": "core.cache.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    answer = client.get("/-/ready")
    assert answer.status_code == 503
    body = json.loads(answer.content)
    assert body[next(k for k in body if k.startswith("Cache"))] != "OK"
    assert body[next(k for k in body if k.startswith("Database"))] == "OK"


@pytest.mark.django_db(transaction=True)
def test_readiness_is_503_until_every_migration_is_applied(client):
    # Forget one applied migration, as a server of a newer release sees the database before
    # the migration job has run; committed, since the check reads on a connection of its own.
    recorder = MigrationRecorder(connection)
    # The latest by name, a leaf: forgetting an earlier one would unapply those after it too.
    last = recorder.migration_qs.filter(app="reminders").order_by("-name").first()
    last.delete()
    try:
        answer = client.get("/-/ready")
        assert answer.status_code == 503
        assert "1 migrations not applied" in answer.content.decode()
    finally:
        recorder.record_applied("reminders", last.name)
    assert client.get("/-/ready").status_code == 200


def test_metrics_are_not_served_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/-/metrics").status_code == 404


def test_metrics_refuse_a_wrong_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/-/metrics").status_code == 401
    answer = client.get("/-/metrics", headers={"Authorization": "Bearer guess"})
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Bearer"
    assert b"tracker_http" not in answer.content


def test_metrics_count_requests_by_view_time_queries_and_show_the_queue(client, settings, world):
    settings.METRICS_TOKEN = "s3cret-token"
    client.force_login(world.contributor)
    before = REGISTRY.get_sample_value(
        "tracker_http_requests_total", {"view": "home", "method": "GET", "status": "200"}) or 0
    assert client.get("/").status_code == 200
    answer = client.get("/-/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain; version=")
    text = answer.content.decode()
    assert f'tracker_http_requests_total{{method="GET",status="200",view="home"}} {before + 1}' \
        in text
    assert 'tracker_http_request_duration_seconds_bucket{le="0.005",view="home"}' in text
    assert "tracker_db_query_duration_seconds_count" in text
    assert 'tracker_task_queue_depth{status="ready"} 0.0' in text
    assert "tracker_task_queue_oldest_seconds 0.0" in text
    assert "tracker_outbox_events_waiting 0.0" in text


def test_a_task_waiting_shows_in_the_queue_depth(client, settings):
    from django_tasks_db.models import DBTaskResult

    settings.METRICS_TOKEN = "s3cret-token"
    DBTaskResult.objects.create(
        task_path="imports.tasks.check_import", args_kwargs={"args": [], "kwargs": {}},
        queue_name="default", backend_name="default", priority=0, status="READY",
    )
    text = client.get("/-/metrics", headers={"Authorization": "Bearer s3cret-token"}) \
        .content.decode()
    assert 'tracker_task_queue_depth{status="ready"} 1.0' in text


def test_an_event_not_yet_sent_shows_in_the_outbox(client, settings):
    from core.models import Event

    settings.METRICS_TOKEN = "s3cret-token"
    Event.objects.create(kind=Event.Kind.PUBLISHED, data={"update": 1})
    text = client.get("/-/metrics", headers={"Authorization": "Bearer s3cret-token"}) \
        .content.decode()
    assert "tracker_outbox_events_waiting 1.0" in text


def test_calls_to_the_shared_cache_are_timed():
    from core.cache import RedisCache

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    cache = RedisCache("redis://127.0.0.1:6379/5", {"KEY_PREFIX": "test-metrics"})
    labels = {"operation": "get"}
    before = REGISTRY.get_sample_value(
        "tracker_cache_operation_duration_seconds_count", labels) or 0
    cache.set("k", "v", 5)
    assert cache.get("k") == "v"
    assert cache.get_or_set("k2", "w", 5) == "w"
    after = REGISTRY.get_sample_value("tracker_cache_operation_duration_seconds_count", labels)
    # get, then get_or_set: a get, the add, and a get again (Django reads back what it added)
    assert after == before + 3
    cache.delete_many(["k", "k2"])
