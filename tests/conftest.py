"""Shared test set-up.

Markers: ``postgres`` and ``redis`` tests need the real service. Without it they skip, unless
``REQUIRE_SERVICES=1`` (CI), where a missing service fails the test instead.
"""

from __future__ import annotations

import os
import uuid

import pytest
from django.conf import settings
from django.urls import get_resolver
from django.utils import translation

from rewards.reference import reference_local_copies_drop

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") in {"1", "true", "yes"}

# Loading the URL configuration registers Wagtail's snippet viewsets, and migrate then creates
# their publish and lock permissions, which the roles grant. Done here, before the test database
# is built, so that a run of one file that loads no admin URL at import (an e2e file alone) gets
# the same permissions as the whole suite.
_ = get_resolver().url_patterns


def _missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _redis_reachable() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(autouse=True)
def _require_marked_services(request):
    if request.node.get_closest_marker("postgres"):
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            _missing("this test needs PostgreSQL: set DATABASE_URL=postgres://...")
    if request.node.get_closest_marker("redis") and not _redis_reachable():
        _missing("this test needs Redis: set REDIS_URL=redis://... and start it")


@pytest.fixture
def redis_client():
    """A Redis client whose keys are confined to a prefix of this test's own."""
    import redis

    if not _redis_reachable():
        _missing("this test needs Redis")
    client = redis.Redis.from_url(settings.REDIS_URL)
    prefix = f"test:{uuid.uuid4().hex[:12]}:"
    client.troika_prefix = prefix  # type: ignore[attr-defined]
    yield client
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test sees an empty cache, under a key prefix of its own when Redis backs it, and no
    reference data kept in the process from an earlier test."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"t{uuid.uuid4().hex[:10]}"},
    }
    reference_local_copies_drop()
    yield


@pytest.fixture(autouse=True)
def _celery_as_the_test_settings_say():
    """Every test starts with Celery eager, as config/settings/test.py says, whatever ran before
    it in this process: Celery reads its configuration from Django's settings once, the first
    time it is used, so a test that changed ``CELERY_TASK_ALWAYS_EAGER`` at that moment would
    leave it changed for every later test (tests with real workers reconfigure the app
    themselves: tests/reliability/celery_workers.py)."""
    from config.celery import app

    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in another language leaves that one
    active in the thread (LocaleMiddleware activates it, nothing deactivates it), and a service
    called next would answer in it."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _sms_outbox():
    from club.members import sms

    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def sms_outbox(_sms_outbox):
    return _sms_outbox
