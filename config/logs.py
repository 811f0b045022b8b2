"""Django's ``LOGGING``: JSON lines in production, readable text in development.

Every handler carries ``config.request_context.ContextFilter``, so every record, whoever logs
it, has ``request_id``, ``user_id`` and ``path``. A JSON line is one object per record::

    {"time": "2026-12-07T13:20:01.123456+00:00", "level": "INFO", "logger": "troika.request",
     "message": "GET /portal/ 200", "request_id": "9f2c...", "user_id": 42, "path": "/portal/",
     "method": "GET", "status": 200, "duration_ms": 31.4}

Anything passed as ``extra=`` becomes a key of its own; a traceback is ``exc_info``.
``LOG_FORMAT`` (``json`` or ``text``) chooses; production defaults to ``json``, the rest to
``text``. See docs/observability.md.
"""

from __future__ import annotations

from pythonjsonlogger.json import JsonFormatter

JSON_FIELDS = ["levelname", "name", "message", "request_id", "user_id", "path"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class TroikaJsonFormatter(JsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")  # ISO 8601 in UTC
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(JSON_FIELDS, *args, **kwargs)


def logging_config(*, log_format: str, level: str) -> dict:
    if log_format not in {"json", "text"}:
        raise ValueError(f"LOG_FORMAT must be 'json' or 'text', not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "config.request_context.ContextFilter"}},
        "formatters": {
            "text": {"format": TEXT_FORMAT},
            "json": {"()": "config.logs.TroikaJsonFormatter"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["context"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # Django's records reach the root handler only (with the request id), not also
            # Django's own console handler of DEBUG mode.
            "django": {"handlers": [], "level": level},
            # The request line is troika.request's (with the request id); Django's own
            # django.server/django.request lines stay for errors.
            "celery": {"level": level},
        },
    }
