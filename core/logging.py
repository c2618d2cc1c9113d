"""Logging: what the site writes to its log, what it leaves out, and in which format."""

import contextvars
import datetime
import json
import logging

from django.core.exceptions import PermissionDenied


class RefusalsOnOneLine(logging.Filter):
    """
    Write a refused request (403: PermissionDenied) as one line, who asked for what and why,
    without the traceback Django attaches: a refusal is the site working, and a probe of a
    thousand addresses must not write fifteen thousand lines. Server errors keep theirs.
    """

    def filter(self, record):
        exc_info = record.exc_info
        if getattr(record, "status_code", None) == 403 and exc_info and isinstance(
            exc_info[1], PermissionDenied
        ):
            request = getattr(record, "request", None)
            user = getattr(request, "user", None)
            who = getattr(user, "username", "") or "anonymous"
            reason = str(exc_info[1]) or "no reason given"
            record.msg = f"{record.getMessage()} (user {who}: {reason})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


# The request being answered on this thread (or task), for every log line it writes. A
# ContextVar, not a thread-local: gunicorn's threads and the health check's executor each keep
# their own.
request_id_var = contextvars.ContextVar("request_id", default="")


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request it was written for ("" outside one)."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """
    One JSON object per line (LOG_FORMAT=json), as log collectors (CloudWatch, Fluent Bit,
    Loki) read them without a parser of their own: time, level, logger, message, the request id
    the load balancer set, the fields a record carries in `extra`, and a traceback, if any, as
    one string. Twenty lines, so no library for it.
    """

    # Attributes every LogRecord has; anything else came from `extra=` and is written too.
    _STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
        }
        for key, value in vars(record).items():
            if key not in self._STANDARD and key not in entry and not key.startswith("_"):
                entry[key] = value if isinstance(value, (int, float, bool, type(None))) else str(
                    value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
