import uuid

import pytest


@pytest.fixture(autouse=True)
def _own_counters(settings):
    """Every test's metrics counters in a Redis hash of its own (removed afterwards)."""
    from config import counters

    key = f"test:{uuid.uuid4().hex[:12]}:metrics"
    settings.METRICS_COUNTERS_KEY = key
    counters.counters_clear_local()
    yield key
    counters.counters_clear_local()
    if settings.REDIS_URL:
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete(key)
