"""schemathesis against the published OpenAPI document (``/api/partner/v1/openapi.json``, read
through the Django WSGI app), calling the same app with a valid key and seeded data: no server
error, and every answer (status, headers, content type, body) matches the document. Examples
are limited to keep the run well under a minute."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.integration.partners.partner_api_helpers import _fresh_api_state, key_for, make_world  # noqa: F401

SPEC = "/api/partner/v1/openapi.json"

schema = schemathesis.openapi.from_wsgi(SPEC, get_wsgi_application())


@pytest.fixture
def partner_api_auth(db, client):
    """A partner with a running co-promotion, 6 codes given to members (one redeemed), and a
    key with every scope and a limit no run reaches. The WSGI handler's end-of-request signal
    would close the test's database connection (and its transaction): it is held off, as
    Django's test client does."""
    world = make_world(client, codes=6)
    world.caller.redeem(world.codes[0])
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Bearer {key_for(world.partner_user, rate=100_000).secret}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_partner_api_matches_its_openapi_document(case, partner_api_auth):
    case.call_and_validate(headers=partner_api_auth)
