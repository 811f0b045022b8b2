"""Per-key rate limits: 429 with Retry-After and ``rate_limited``; atomic in Redis under parallel
requests; fail-open to a per-process limit when Redis is down."""

from __future__ import annotations

import threading
import time

import pytest
from django.test import Client

from partners.api.models import Scope
from partners.api.ratelimit import ratelimit_hit
from tests.integration.catalogue.concurrency import Crowd
from tests.integration.partners.copromotion_factories import partner_with_user
from tests.integration.partners.partner_api_helpers import (  # noqa: F401
    Caller,
    _fresh_api_state,
    error_of,
    key_for,
)

READ = [Scope.PROMOTIONS_READ]


@pytest.mark.django_db
def test_over_the_limit_is_429_with_retry_after_and_other_keys_are_not_affected(client):
    partner_user = partner_with_user()
    limited = Caller(client, key_for(partner_user, READ, rate=3).secret)
    other = Caller(client, key_for(partner_user, READ, rate=3).secret)

    statuses = [limited.get("/promotions").status_code for _ in range(3)]
    refused = limited.get("/promotions")

    assert statuses == [200, 200, 200]
    assert error_of(refused) == (429, "rate_limited")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["RateLimit-Limit"] == "3"
    assert other.get("/promotions").status_code == 200


@pytest.mark.redis
def test_parallel_hits_in_redis_never_pass_the_limit():
    limit, threads, per_thread = 100, 8, 40
    allowed = [0] * threads
    barrier = threading.Barrier(threads)
    counted_in: set[str] = set()

    def hammer(index: int) -> None:
        barrier.wait()
        for _ in range(per_thread):
            decision = ratelimit_hit(key_id=987_654_321, limit=limit)
            counted_in.add(decision.counted_in)
            allowed[index] += decision.allowed

    started = time.perf_counter()
    workers = [threading.Thread(target=hammer, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started

    assert counted_in == {"redis"}
    # A window boundary during the run would open a second window: the bound is per window.
    assert sum(allowed) == limit or (time.time() % 60 < elapsed and sum(allowed) <= 2 * limit)
    print(f"partner rate limit: {threads} threads x {per_thread} hits at limit {limit}: "
          f"{sum(allowed)} allowed, {threads * per_thread - sum(allowed)} refused, {elapsed:.2f} s")


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_api_requests_never_pass_the_key_limit():
    partner_user = partner_with_user()
    secret = key_for(partner_user, READ, rate=10).secret
    clients = 8

    def call():
        return [Caller(Client(), secret).get("/promotions").status_code for _ in range(3)]

    with Crowd(clients) as crowd:
        outcomes = crowd.run([call] * clients)

    statuses = [s for o in outcomes for s in o.value]
    assert [o.error for o in outcomes if o.error] == []
    assert statuses.count(200) == 10 and statuses.count(429) == clients * 3 - 10
    print(f"partner API limit 10/min: {clients} clients x 3 requests: {statuses.count(200)} x 200, "
          f"{statuses.count(429)} x 429")


@pytest.mark.django_db
def test_when_redis_is_down_requests_are_served_and_limited_per_process(client, settings, caplog):
    settings.PARTNER_API_RATELIMIT_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    partner_user = partner_with_user()
    caller = Caller(client, key_for(partner_user, READ, rate=2).secret)

    statuses = [caller.get("/promotions").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert ratelimit_hit(key_id=1, limit=5).counted_in == "process"
    assert "Redis unavailable" in caplog.text
