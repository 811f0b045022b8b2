"""A small stand-in for Stripe's side of a subscription, for tests, the benchmark and the
demo's test mode: it keeps customers, subscriptions and invoices, and emits the events Stripe
would send (JSON dicts in the current API shape, with Stripe's own ``created`` clock), in the
order Stripe sends them. ``signed`` signs a body the way Stripe does, with the SDK's own code.

It holds Stripe's final state: ``subscriptions`` is what ``subscriptions_list`` of the
``RecordingGateway`` reports when the two share the dict.
"""

from __future__ import annotations

import copy
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import stripe

MONTH = 30 * 24 * 3600


def signed(event: dict[str, Any], *, secret: str, timestamp: int | None = None) -> tuple[bytes, str]:
    """The body and ``Stripe-Signature`` header Stripe would send (t=...,v1=HMAC-SHA256 of
    "t.body" with the endpoint's secret), made by the SDK's own signing code."""
    body = json.dumps(event, separators=(",", ":"))
    header = stripe.WebhookSignature.generate_signature_header(
        body, secret, timestamp=int(time.time()) if timestamp is None else timestamp
    )
    return body.encode(), header


@dataclass
class FakeStripe:
    now: int = field(default_factory=lambda: int(time.time()) - 3600)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    paid_invoices: list[str] = field(default_factory=list)
    prefix: str = "t"
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _new_id(self, kind: str) -> str:
        return f"{kind}_{self.prefix}{next(self._ids):06d}"

    def tick(self, seconds: int = 1) -> None:
        self.now += seconds

    def _event(self, event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self._new_id("evt"), "object": "event", "api_version": "2026-10-28.endive",
            "created": self.now, "livemode": False, "type": event_type,
            "data": {"object": copy.deepcopy(obj)}, "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
        }

    def _invoice(self, subscription: dict[str, Any], *, status: str, amount: int) -> dict[str, Any]:
        item = subscription["items"]["data"][0]
        return {
            "id": self._new_id("in"), "object": "invoice", "customer": subscription["customer"],
            "status": status, "amount_paid": amount if status == "paid" else 0, "amount_due": amount,
            "currency": item["price"]["currency"], "created": self.now,
            "parent": {"type": "subscription_details", "subscription_details": {
                "subscription": subscription["id"], "metadata": dict(subscription["metadata"])}},
            "lines": {"object": "list", "data": [{
                "id": self._new_id("il"), "object": "line_item", "amount": amount,
                "period": {"start": item["current_period_start"], "end": item["current_period_end"]},
                "pricing": {"type": "price_details", "price_details": {"price": item["price"]["id"]}},
            }]},
        }

    def checkout(self, *, member_id: int, price_id: str, amount: int, currency: str = "vnd",
                 customer_id: str = "") -> list[dict[str, Any]]:
        """A member pays in Checkout: the subscription is created ``incomplete``, its first
        invoice is paid, it turns ``active``, the session completes."""
        customer_id = customer_id or self._new_id("cus")
        subscription = {
            "id": self._new_id("sub"), "object": "subscription", "customer": customer_id,
            "status": "incomplete", "created": self.now, "cancel_at_period_end": False,
            "metadata": {"member_id": str(member_id)},
            "items": {"object": "list", "data": [{
                "id": self._new_id("si"), "object": "subscription_item",
                "current_period_start": self.now, "current_period_end": self.now + MONTH,
                "price": {"id": price_id, "object": "price", "currency": currency, "unit_amount": amount},
            }]},
        }
        self.subscriptions[subscription["id"]] = subscription
        events = [self._event("customer.subscription.created", subscription)]
        invoice = self._invoice(subscription, status="paid", amount=amount)
        self.paid_invoices.append(invoice["id"])
        events.append(self._event("invoice.paid", invoice))
        subscription["status"] = "active"
        events.append(self._event("customer.subscription.updated", subscription))
        session = {
            "id": self._new_id("cs"), "object": "checkout.session", "mode": "subscription",
            "status": "complete", "payment_status": "paid", "customer": customer_id,
            "subscription": subscription["id"], "client_reference_id": str(member_id),
            "metadata": {"member_id": str(member_id)},
        }
        events.append(self._event("checkout.session.completed", session))
        return events

    def renew(self, subscription_id: str, *, paid: bool = True) -> list[dict[str, Any]]:
        """The period ends: a new period and its invoice, paid or failed (then ``past_due``)."""
        subscription = self.subscriptions[subscription_id]
        item = subscription["items"]["data"][0]
        item["current_period_start"] = item["current_period_end"]
        item["current_period_end"] = item["current_period_end"] + MONTH
        events = [self._event("customer.subscription.updated", subscription)]
        amount = item["price"]["unit_amount"]
        invoice = self._invoice(subscription, status="paid" if paid else "open", amount=amount)
        if paid:
            self.paid_invoices.append(invoice["id"])
            events.append(self._event("invoice.paid", invoice))
        else:
            events.append(self._event("invoice.payment_failed", invoice))
            subscription["status"] = "past_due"
            events.append(self._event("customer.subscription.updated", subscription))
        return events

    def recover(self, subscription_id: str, invoice: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """A retried payment succeeds: the invoice is paid and the subscription active again."""
        subscription = self.subscriptions[subscription_id]
        item = subscription["items"]["data"][0]
        invoice = self._invoice(subscription, status="paid", amount=item["price"]["unit_amount"])
        self.paid_invoices.append(invoice["id"])
        events = [self._event("invoice.paid", invoice)]
        subscription["status"] = "active"
        events.append(self._event("customer.subscription.updated", subscription))
        return events

    def cancel_at_period_end(self, subscription_id: str) -> list[dict[str, Any]]:
        subscription = self.subscriptions[subscription_id]
        subscription["cancel_at_period_end"] = True
        return [self._event("customer.subscription.updated", subscription)]

    def cancel(self, subscription_id: str) -> list[dict[str, Any]]:
        subscription = self.subscriptions[subscription_id]
        subscription["status"] = "canceled"
        return [self._event("customer.subscription.deleted", subscription)]
