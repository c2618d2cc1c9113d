"""Every log line of a request carries the load balancer's request id; LOG_FORMAT=json."""

import json
import logging

import pytest

from core.logging import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def test_the_balancers_request_id_is_sent_back_and_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="tracker.request"):
        answer = client.get("/-/live", headers={"X-Request-ID": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"})
    assert answer["X-Request-ID"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    [record] = [r for r in caplog.records if r.name == "tracker.request"]
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /-/live 200"
    assert line["status_code"] == 200 and line["view"] == "live" and line["method"] == "GET"
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO" and line["logger"] == "tracker.request"


def test_a_request_id_a_client_could_abuse_is_replaced(client):
    answer = client.get("/-/live", headers={"X-Request-ID": "evil\nINFO forged line"})
    assert answer["X-Request-ID"] != "evil\nINFO forged line"
    assert len(answer["X-Request-ID"]) == 32


def test_without_a_balancer_each_request_gets_its_own_id(client):
    assert client.get("/-/live")["X-Request-ID"] != client.get("/-/live")["X-Request-ID"]


def test_lines_written_while_answering_carry_the_id(client, world):
    """A refusal Django logs while answering carries the same id as the request's own line."""
    from django.urls import reverse

    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(self.format(record)))

    handler = Keep()
    handler.addFilter(RequestIdFilter())  # stamped when written, as the console handler does
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    client.force_login(world.contributor)
    try:
        answer = client.get(reverse("imports:portal_upload"), headers={"X-Request-ID": "abc-123"})
    finally:
        root.removeHandler(handler)
    assert answer.status_code == 403
    by_logger = {line["logger"]: line for line in lines}
    assert by_logger["django.request"]["request_id"] == "abc-123"
    assert by_logger["tracker.request"]["request_id"] == "abc-123"
    assert by_logger["tracker.request"]["status_code"] == 403


def test_one_json_object_per_line_with_the_traceback_inside():
    formatter = JsonFormatter()
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", ("here",),
                                   sys.exc_info())
    record.request_id = "r1"
    line = formatter.format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "failed here" and entry["request_id"] == "r1"
    assert "ValueError: boom" in entry["exception"]
