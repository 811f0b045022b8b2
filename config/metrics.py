"""``/ops/metrics``: the Prometheus text format, behind authentication, cheap to scrape.

Every value is read at scrape time from what all processes share, never from one process's
memory (gunicorn and Celery run several):

- counters (``config/counters.py``): one ``HGETALL`` of the Redis hash the hot paths
  ``HINCRBY``;
- the Celery queues' depth: ``LLEN`` of each queue's Redis lists on the broker;
- gauges that apps register (``gauge_source_register``), each one indexed count, e.g.
  ``campaigns.contact``'s deliveries waiting to be sent.

A source that fails (Redis down) is reported as ``troika_metrics_source_up{source=...} 0``
and the rest is still served. Who may scrape: a bearer token equal to ``METRICS_TOKEN``
(compared in constant time), or a logged-in superuser; 401 otherwise (403 for another user).
See docs/observability.md for every metric and docs/runbook.md for the alerts.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from config.counters import counters_read

logger = logging.getLogger(__name__)

PREFIX = "troika_"

# Counters incremented in the code, with their labels and help (an unknown one is still served).
COUNTERS: dict[str, tuple[tuple[str, ...], str]] = {
    "billing_events": (("source", "outcome"), "Billing events received, by source and outcome."),
    "deliveries": (("channel", "status"),
                   "Campaign and system deliveries: queued (reserved), sent, failed."),
    "cap_suppressions": (("channel", "reason"),
                         "Contacts not made, by channel and the first cap or rule that refused them."),
    "http_requests": (("area", "status"),
                      "Requests to the partner API, the webhooks and the operator API, by status."),
    "csp_violations": (("directive",),
                       "Content-Security-Policy violations reported by browsers, by directive."),
}


@dataclass(frozen=True)
class GaugeSource:
    name: str
    documentation: str
    labels: tuple[str, ...]
    read: Callable[[], Mapping[tuple[str, ...], float]]


_gauges: dict[str, GaugeSource] = {}


def gauge_source_register(
    *, name: str, documentation: str, read: Callable[[], Mapping[tuple[str, ...], float]],
    labels: tuple[str, ...] = (),
) -> None:
    """An app's gauge, read at each scrape: ``read()`` gives ``{label values: value}`` and must
    cost one indexed query at most. Called from the app's ``ready()``."""
    _gauges[name] = GaugeSource(name=name, documentation=documentation, labels=labels, read=read)


def _counter_families() -> list:
    families: dict[str, CounterMetricFamily] = {}
    for (name, labels), value in sorted(counters_read().items()):
        label_names, documentation = COUNTERS.get(name, (tuple(k for k, _v in labels), name))
        family = families.get(name)
        if family is None:
            family = families[name] = CounterMetricFamily(
                f"{PREFIX}{name}", documentation, labels=list(label_names)
            )
        given = dict(labels)
        family.add_metric([given.get(label, "") for label in label_names], value)
    return list(families.values())


def _broker_client():
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    import redis

    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def queue_names() -> list[str]:
    default = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    return list(dict.fromkeys([default, *getattr(settings, "METRICS_CELERY_QUEUES", [])]))


def _queue_families() -> list:
    client = _broker_client()
    family = GaugeMetricFamily(
        f"{PREFIX}celery_queue_length", "Tasks waiting in each Celery queue (the broker's lists).",
        labels=["queue"],
    )
    if client is None:
        return [family]
    try:
        pipe = client.pipeline(transaction=False)
        names = queue_names()
        for name in names:
            # kombu keeps a queue's priority levels in lists "<name>", "<name>\x06\x16<n>"
            for key in [name, *(f"{name}\x06\x16{level}" for level in range(1, 10))]:
                pipe.llen(key)
        lengths = pipe.execute()
    finally:
        client.close()
    for index, name in enumerate(names):
        family.add_metric([name], sum(lengths[index * 10:(index + 1) * 10]))
    return [family]


def _gauge_families() -> list:
    families = []
    for source in _gauges.values():
        family = GaugeMetricFamily(f"{PREFIX}{source.name}", source.documentation, labels=list(source.labels))
        for label_values, value in source.read().items():
            family.add_metric(list(label_values), value)
        families.append(family)
    return families


class _Collector:
    SOURCES = {"counters": _counter_families, "celery": _queue_families, "database": _gauge_families}

    def collect(self):
        up = GaugeMetricFamily(f"{PREFIX}metrics_source_up", "1 when the source answered this scrape.",
                               labels=["source"])
        for source, read in self.SOURCES.items():
            try:
                families = read()
            except Exception as exc:  # noqa: BLE001 - a source down is an answer, not a 500
                logger.warning("metrics: source %s failed: %s", source, exc)
                up.add_metric([source], 0)
                continue
            up.add_metric([source], 1)
            yield from families
        yield up


def metrics_text() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collector())
    return generate_latest(registry)


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()


def _token_valid(given: str) -> bool:
    expected = settings.METRICS_TOKEN
    return bool(expected) and hmac.compare_digest(_digest(given), _digest(expected))


def _unauthorised() -> HttpResponse:
    response = HttpResponse("authentication required\n", status=401, content_type="text/plain")
    response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        if not _token_valid(token.strip()):
            return _unauthorised()
    elif not request.user.is_authenticated:
        return _unauthorised()
    elif not request.user.is_superuser:
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
