"""A revoked key is refused at the very next request in every process, not only in the one that
revoked it: the keys' generation in Redis (partners/api/key_generation.py), read in the rate
limit's own Lua call, tells each process when its cached key rows no longer hold. Flushed or
unreachable Redis falls back to PostgreSQL, never to a stale "valid"."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from partners.api import key_generation
from partners.api.models import ApiKey, Scope
from partners.api.services import keys
from partners.api.services.keys import api_key_check, api_key_revoke
from partners.organisations.models import Partner
from tests.integration.partners.copromotion_factories import partner_with_user
from tests.integration.partners.partner_api_helpers import (  # noqa: F401
    BASE,
    Caller,
    _fresh_api_state,
    error_of,
    key_for,
)
from tests.reliability.gunicorn_server import gunicorn_server

PROMOTIONS = "/promotions"


@pytest.fixture
def generation_key(settings):
    """A generation key of this test's own, so that deleting it touches no other test."""
    settings.PARTNER_API_KEY_GENERATION_KEY = f"{settings.PARTNER_API_RATELIMIT_PREFIX}generation"
    return settings.PARTNER_API_KEY_GENERATION_KEY


def _redis():
    return redis.Redis.from_url(settings.REDIS_URL)


def _revoked_in_the_database_only(api_key: ApiKey) -> None:
    """A revocation whose announcement never reached Redis (lost, or made before a flush)."""
    ApiKey.objects.filter(pk=api_key.pk).update(revoked_at=timezone.now())


def _revoke(partner_user, created) -> None:
    api_key_revoke(partner_id=partner_user.partner_id, key_id=created.api_key.pk)


def _partner_made_inactive(partner_user, created) -> None:
    partner = Partner.objects.get(pk=partner_user.partner_id)
    partner.is_active = False
    partner.save()  # what the admin's edit form does


@pytest.mark.redis
@pytest.mark.django_db
@pytest.mark.parametrize("change", [_revoke, _partner_made_inactive], ids=["revoked", "partner-inactive"])
def test_a_row_cached_in_another_process_is_refused_at_the_next_request(
    client, generation_key, django_capture_on_commit_callbacks, change
):
    partner_user = partner_with_user()
    created = key_for(partner_user, [Scope.PROMOTIONS_READ])
    caller = Caller(client, created.secret)
    assert caller.get(PROMOTIONS).status_code == 200
    other_process_cache = dict(keys._cache)  # what another web process holds after the same call

    with django_capture_on_commit_callbacks(execute=True):
        change(partner_user, created)
    keys._cache.update(other_process_cache)

    assert keys._cache[created.api_key.prefix].valid_until > keys.time.monotonic()
    assert error_of(caller.get(PROMOTIONS)) == (401, "unauthenticated")


@pytest.mark.redis
@pytest.mark.django_db
def test_a_cached_key_costs_no_query_and_one_redis_call(generation_key, django_assert_num_queries):
    created = key_for(partner_with_user(), [Scope.PROMOTIONS_READ])
    assert api_key_check(raw=created.secret) is not None  # reads the row, records the use
    calls = []
    client = key_generation.redis_client_for(key_generation.redis_url())
    original = client.evalsha

    def counted(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    client.evalsha = counted
    try:
        with django_assert_num_queries(0):
            checks = [api_key_check(raw=created.secret) for _ in range(3)]
    finally:
        del client.evalsha
    assert all(check.principal.key_id == created.api_key.pk for check in checks)
    assert len(calls) == 3  # the rate limit's own call, once per request


@pytest.mark.redis
@pytest.mark.django_db
def test_after_redis_lost_the_generation_a_cached_row_is_read_again(client, generation_key):
    partner_user = partner_with_user()
    created = key_for(partner_user, [Scope.PROMOTIONS_READ])
    caller = Caller(client, created.secret)
    assert caller.get(PROMOTIONS).status_code == 200
    assert _redis().get(generation_key) is not None

    _redis().delete(generation_key)  # what FLUSHALL or a restart without persistence does to it
    _revoked_in_the_database_only(created.api_key)

    assert error_of(caller.get(PROMOTIONS)) == (401, "unauthenticated")
    assert _redis().get(generation_key) is not None  # a new generation, from Redis's clock


@pytest.mark.django_db
def test_when_redis_does_not_answer_every_request_reads_the_database(client, settings, generation_key):
    settings.PARTNER_API_RATELIMIT_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    partner_user = partner_with_user()
    created = key_for(partner_user, [Scope.PROMOTIONS_READ])
    caller = Caller(client, created.secret)
    assert caller.get(PROMOTIONS).status_code == 200
    assert keys._cache[created.api_key.prefix].generation is None

    _revoked_in_the_database_only(created.api_key)

    assert error_of(caller.get(PROMOTIONS)) == (401, "unauthenticated")


@pytest.mark.django_db
def test_without_redis_the_one_process_keeps_its_rows_and_drops_those_it_revokes(client, settings):
    settings.REDIS_URL = ""
    settings.PARTNER_API_RATELIMIT_REDIS_URL = None
    partner_user = partner_with_user()
    created = key_for(partner_user, [Scope.PROMOTIONS_READ])
    caller = Caller(client, created.secret)
    assert caller.get(PROMOTIONS).status_code == 200
    assert keys._cache[created.api_key.prefix].generation == key_generation.LOCAL_GENERATION

    api_key_revoke(partner_id=partner_user.partner_id, key_id=created.api_key.pk)

    assert error_of(caller.get(PROMOTIONS)) == (401, "unauthenticated")


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_key_revoked_here_is_refused_by_a_running_web_server_at_its_next_request(settings):
    """Two real processes: gunicorn (one worker, so every request meets the same cache) and
    this test process, which revokes."""
    settings.PARTNER_API_KEY_GENERATION_KEY = "troika:partner_api:key_generation"  # the server's
    partner_user = partner_with_user()
    revoked, kept = (key_for(partner_user, [Scope.PROMOTIONS_READ]) for _ in range(2))

    with gunicorn_server(workers=1, threads=2) as server:
        http = server.session()

        def status(created) -> int:
            headers = {"Authorization": f"Bearer {created.secret}"}
            return http.get(server.base_url + BASE + PROMOTIONS, headers=headers, timeout=60).status_code

        before = (status(revoked), status(revoked), status(kept))
        api_key_revoke(partner_id=partner_user.partner_id, key_id=revoked.api_key.pk)
        after = (status(revoked), status(kept))

    assert before == (200, 200, 200)
    assert after == (401, 200)
