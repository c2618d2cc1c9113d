"""A refused request is logged on one line; a server error keeps its traceback."""

import logging

from django.urls import reverse


def test_a_refusal_is_one_line_naming_who_asked_and_why(client, world, caplog):
    client.force_login(world.contributor)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        answer = client.get(reverse("imports:portal_upload"))
    assert answer.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.exc_info is None and record.exc_text is None
    line = logging.Formatter().format(record)
    assert "\n" not in line
    assert "Forbidden" in line and "/imports/portal/" in line
    assert "user alice" in line and "can import a monitoring-portal export" in line


def test_a_server_error_keeps_its_traceback(client, world, caplog, monkeypatch):
    from workflow.views import home

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(home.HomeView, "get_context_data", broken)
    client.raise_request_exception = False
    client.force_login(world.contributor)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert client.get("/").status_code == 500
    record = [r for r in caplog.records if r.name == "django.request"][0]
    assert "Traceback" in logging.Formatter().format(record)
