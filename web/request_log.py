"""One log line per request and per task, tied together by a request id.

Every request gets an id (the proxy's ``X-Request-ID`` when it sends a sane one, else a
new one), answered in the ``X-Request-ID`` header and carried in the headers of every task
it queues, so that the worker's line for the rollup an import queued names the request
that queued it. Lines name the user by id only (never names or CIN) and the path without
its query string (a typed search may hold a person's name).

``LOG_FORMAT=json`` writes each line as one JSON object (``JsonFormatter``), for a log
collector; the default is a short plain line for a developer's terminal.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

logger = logging.getLogger("tracker.requests")
task_logger = logging.getLogger("tracker.tasks")

REQUEST_ID_HEADER = "request_id"  # the Celery message header
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default=""
)

# Attributes a log call may pass in ``extra`` that the JSON line carries as fields.
FIELDS = (
    "request_id",
    "method",
    "path",
    "status",
    "duration_ms",
    "user_id",
    "task",
    "task_id",
    "state",
    "queue",
)


class RequestIdFilter(logging.Filter):
    """Gives every record the current request id (or the task's), so that any line
    written while serving a request or running its task can be tied to it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            value = getattr(record, field, None)
            if value not in (None, ""):
                line[field] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def _user_id(request: HttpRequest) -> int | None:
    """The user's id when the request already loaded its user: reading it here must not
    cost a query (a health probe loads no user)."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    """First in MIDDLEWARE: times the whole request, errors included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            user_id = _user_id(request)
            logger.info(
                "%s %s %s %.1f ms user=%s request=%s",
                request.method,
                request.path,
                status,
                duration_ms,
                user_id if user_id is not None else "-",
                request_id,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": duration_ms,
                    "user_id": user_id,
                },
            )
            current_request_id.reset(token)


# --- Celery: the request id into the message, and one line per task run -------------

_running: dict[str, tuple[float, contextvars.Token[str]]] = {}


def add_request_id_header(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """before_task_publish: a task queued while serving a request carries its id."""
    request_id = current_request_id.get()
    if headers is not None and request_id and not headers.get(REQUEST_ID_HEADER):
        headers[REQUEST_ID_HEADER] = request_id


def task_started(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    """task_prerun: the worker adopts the request id of the message (an inline task keeps
    the one of the request it runs in)."""
    request_id = getattr(task.request, REQUEST_ID_HEADER, None) or current_request_id.get()
    _running[task_id] = (time.perf_counter(), current_request_id.set(request_id))


def task_finished(task_id: str = "", task: Any = None, state: str = "", **kwargs: Any) -> None:
    """task_postrun: one line per run, with its duration and end state."""
    started, token = _running.pop(task_id, (None, None))
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    delivery = getattr(task.request, "delivery_info", None) or {}
    task_logger.info(
        "task %s %s %s ms request=%s",
        task.name,
        state or "-",
        duration_ms,
        current_request_id.get() or "-",
        extra={
            "task": task.name,
            "task_id": task_id,
            "state": state,
            "duration_ms": duration_ms,
            "queue": delivery.get("routing_key") or "",
        },
    )
    if token is not None:
        current_request_id.reset(token)


def connect_task_signals() -> None:
    from celery import signals

    signals.before_task_publish.connect(add_request_id_header, weak=False)
    signals.task_prerun.connect(task_started, weak=False)
    signals.task_postrun.connect(task_finished, weak=False)
