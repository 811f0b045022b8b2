"""The request id: made or accepted at the door, on every log line, carried into Celery tasks.

``RequestIdMiddleware`` (first in ``MIDDLEWARE``) takes a sane incoming ``X-Request-ID`` (8 to
64 characters of ``A-Z a-z 0-9 . _ -``, e.g. the proxy's) or makes one, keeps it in a context
variable for the request, answers it in the ``X-Request-ID`` header, and writes one log line
per request (``troika.request``: method, path, status, duration_ms, user_id). ``ContextFilter``,
on every handler, puts ``request_id`` (and the user id and path, when known) on every record.

Celery: ``before_task_publish`` adds the id to the task's headers (``troika_request_id``);
``task_prerun`` makes it the task's context, so the worker's lines about the task carry the id
of the request that queued it. An eager task (embedded mode, tests) keeps the caller's context.
See docs/observability.md.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from dataclasses import dataclass

from celery import signals
from django.conf import settings
from django.utils.functional import empty

from config.counters import counter_add_soon

HEADER = "X-Request-ID"
TASK_HEADER = "troika_request_id"
_SANE = re.compile(r"[A-Za-z0-9._-]{8,64}")

request_logger = logging.getLogger("troika.request")


@dataclass
class Context:
    request_id: str
    request: object | None = None  # the HttpRequest, for the user and path
    task: str = ""


_current: contextvars.ContextVar[Context | None] = contextvars.ContextVar("troika_context", default=None)


def request_id_sane(value: str | None) -> bool:
    return bool(value) and _SANE.fullmatch(value) is not None


def request_id_new() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    context = _current.get()
    return context.request_id if context else None


def _user_id(request) -> int | None:
    """The user's id if this request already loaded its user: logging never costs a query."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


class ContextFilter(logging.Filter):
    """Puts ``request_id``, ``user_id`` and ``path`` on every record (``None`` outside a request),
    so formatters may name them, and ``task`` (its name) inside a Celery task."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _current.get()
        request = context.request if context else None
        if not hasattr(record, "request_id"):
            record.request_id = context.request_id if context else None
        if not hasattr(record, "user_id"):
            record.user_id = _user_id(request) if request is not None else None
        if not hasattr(record, "path"):
            record.path = request.path if request is not None else None
        if context and context.task and not hasattr(record, "task"):
            record.task = context.task
        return True


def _counted_area(path: str) -> str | None:
    for prefix, area in getattr(settings, "METRICS_COUNTED_PATHS", {}).items():
        if path.startswith(prefix):
            return area
    return None


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER)
        request_id = incoming if request_id_sane(incoming) else request_id_new()
        request.request_id = request_id
        token = _current.set(Context(request_id=request_id, request=request))
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            request_logger.info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={"method": request.method, "status": response.status_code,
                       "duration_ms": duration_ms},
            )
            area = _counted_area(request.path)
            if area:  # the partner API, the webhooks, the operator API: sent once a second
                counter_add_soon("http_requests", area=area, status=response.status_code)
            return response
        finally:
            _current.reset(token)


# --- Celery ---------------------------------------------------------------------------------

_task_tokens: dict[str, contextvars.Token] = {}


@signals.before_task_publish.connect(weak=False)
def _request_id_to_headers(headers=None, **_kwargs) -> None:
    request_id = current_request_id()
    if request_id and headers is not None:
        headers[TASK_HEADER] = request_id


@signals.task_prerun.connect(weak=False)
def _request_id_from_headers(task_id=None, task=None, **_kwargs) -> None:
    if task is None or getattr(task.request, "is_eager", False):
        return  # an eager task runs inside its caller's context
    incoming = getattr(task.request, TASK_HEADER, None) or (task.request.headers or {}).get(TASK_HEADER)
    request_id = incoming if request_id_sane(incoming) else request_id_new()
    _task_tokens[task_id] = _current.set(Context(request_id=request_id, task=task.name))


@signals.task_postrun.connect(weak=False)
def _task_context_end(task_id=None, **_kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _current.reset(token)
