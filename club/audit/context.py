"""The request an audit entry comes from: who, from which address, under which request id, and
the state of each audited object before the request first saved it.

Only staff admin requests open a context (``AuditContextMiddleware``); member-portal, API and
webhook requests, tasks and commands run without one, so saving an audited model there costs
one context-variable read and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from config.client_address import client_address

REQUEST_ID_HEADERS = ("X-Request-ID", "X-Correlation-ID")


@dataclass
class AuditContext:
    user: object = None
    ip: str | None = None
    request_id: str = ""
    # (model label, pk) -> field values before the first save in this request
    before: dict[tuple[str, str], dict] = field(default_factory=dict)


_current: ContextVar[AuditContext | None] = ContextVar("troika_audit_context", default=None)


def audit_context_current() -> AuditContext | None:
    return _current.get()


@contextmanager
def audit_context(context: AuditContext) -> Iterator[AuditContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def audit_context_for_request(request) -> AuditContext:
    request_id = getattr(request, "request_id", "") or next(
        (request.headers[h] for h in REQUEST_ID_HEADERS if request.headers.get(h)), ""
    )
    return AuditContext(
        user=getattr(request, "user", None),
        ip=client_address(request),
        request_id=str(request_id)[:64],
    )
