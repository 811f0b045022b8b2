"""Shared set-up of the partner API tests: a partner with a running co-promotion whose codes are
given to members, keys, and a client that calls the API with a key."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import pytest

from partners.api import ratelimit
from partners.api.models import Scope
from partners.api.services.keys import api_key_cache_clear, api_key_create
from partners.organisations.models import PartnerUser
from tests.integration.partners.copromotion_factories import give_code, partner_with_user, running_copromotion

BASE = "/api/partner/v1"
ALL_SCOPES = list(Scope.values)


@pytest.fixture(autouse=True)
def _fresh_api_state(settings):
    """No key rows cached in the process, no hits counted by an earlier test, and a Redis key
    prefix of this test's own."""
    settings.PARTNER_API_RATELIMIT_PREFIX = f"test:{uuid.uuid4().hex[:12]}:rl:"
    api_key_cache_clear()
    ratelimit.local_windows.clear()
    yield
    api_key_cache_clear()
    ratelimit.local_windows.clear()


@dataclass
class Caller:
    """Calls the partner API through Django's test client with one key."""

    client: object
    secret: str

    def headers(self, idempotency_key: str | None = None, extra: dict | None = None) -> dict:
        headers = {"Authorization": f"Bearer {self.secret}"}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        headers.update(extra or {})
        return headers

    def post(self, path: str, body: dict | None = None, *, key: str | None = None, **extra):
        return self.client.post(
            BASE + path, data=json.dumps(body if body is not None else {}), content_type="application/json",
            headers=self.headers(key, extra),
        )

    def get(self, path: str, **extra):
        return self.client.get(BASE + path, headers=self.headers(None, extra))

    def redeem(self, code: str, *, key: str | None = None, reference: str = ""):
        return self.post("/codes/redeem", {"code": code, "reference": reference}, key=key or uuid.uuid4().hex)


def key_for(partner_user: PartnerUser, scopes=None, *, rate: int = 600):
    return api_key_create(
        partner_id=partner_user.partner_id, name="till", scopes=scopes or ALL_SCOPES,
        created_by=partner_user.user, rate_limit_per_minute=rate,
    )


@dataclass
class World:
    partner_user: PartnerUser
    copromotion: object
    codes: list[str]  # given to members, redeemable
    caller: Caller


def make_world(client, name: str = "Streamly", *, codes: int = 3, **changes) -> World:
    partner_user = partner_with_user(name)
    pool = [f"{name[:3].upper()}-{i:04d}" for i in range(codes)]
    copromotion = running_copromotion(partner_user, codes=pool, **changes)
    given = [give_code(copromotion).code for _ in range(codes)]
    created = key_for(partner_user)
    return World(partner_user, copromotion, given, Caller(client, created.secret))


def error_of(response) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"], body
    return response.status_code, body["error"]["code"]
