"""Helpers of the membership tests: a webhook secret, the recording gateway, a price, the fake
Stripe, and delivery of signed events through the real endpoint."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.test import Client, TestCase

from club.membership.fake_stripe import FakeStripe, signed
from club.membership.gateway import RecordingGateway, stripe_gateway_override
from club.membership.models import MembershipPrice

WEBHOOK_SECRET = "whsec_test_troika_membership"
WEBHOOK_URL = "/webhooks/stripe/"
POINTS_PER_INVOICE = 150


def make_price(**fields) -> MembershipPrice:
    values = dict(name="Club monthly", stripe_price_id="price_club_monthly", amount=Decimal("99000"),
                  currency="VND", interval="month", points_per_invoice=POINTS_PER_INVOICE, live=True)
    values.update(fields)
    return MembershipPrice.objects.create(**values)


def deliver(client: Client, event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None,
            tamper: bool = False):
    """POST the signed ``event``; the drain the webhook queues after its commit runs too (Celery
    is eager in tests; inside a test's transaction the commit hooks are run here)."""
    body, header = signed(event, secret=secret, timestamp=timestamp)
    if tamper:
        body = body.replace(b'"livemode":false', b'"livemode":true')
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(WEBHOOK_URL, data=body, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=header)


def stale_timestamp() -> int:
    return int(time.time()) - 301


def deliver_as(client: Client, event: dict, how: str):
    """Deliver ``event`` signed (``how="signed"``), forged (another secret) or stale (> 300 s)."""
    if how == "forged":
        return deliver(client, event, secret="whsec_not_stripes")
    if how == "stale":
        return deliver(client, event, timestamp=stale_timestamp())
    return deliver(client, event)


@pytest.fixture
def stripe_settings(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_SECRET_KEY = ""
    return settings


@pytest.fixture
def gateway():
    fake = RecordingGateway()
    stripe_gateway_override(fake)
    yield fake
    stripe_gateway_override(None)


@pytest.fixture
def fake_stripe(gateway) -> FakeStripe:
    """Stripe's side; its subscriptions are what the gateway lists."""
    stripe_side = FakeStripe()
    gateway.subscriptions = stripe_side.subscriptions
    return stripe_side
