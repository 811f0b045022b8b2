"""Every call the club makes to Stripe goes through a ``StripeGateway``.

``StripeSdkGateway`` is the real one (the official SDK's ``StripeClient``, used when
``STRIPE_SECRET_KEY`` is set). ``RecordingGateway`` is the fake: it records each call and keeps
the subscriptions it was told about in memory; tests use it, and so does the embedded/demo
mode without a key, where the checkout "page" is the portal's test-mode screen. Tests never
reach the Internet.
"""

from __future__ import annotations

import copy
import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


@dataclass(frozen=True)
class PortalSession:
    url: str


class StripeGateway(Protocol):
    is_test_mode: bool

    def checkout_session_create(
        self, *, price_id: str, member_id: int, customer_id: str, email: str,
        success_url: str, cancel_url: str,
    ) -> CheckoutSession: ...

    def portal_session_create(self, *, customer_id: str, return_url: str) -> PortalSession: ...

    def subscriptions_list(self) -> Iterator[dict[str, Any]]:
        """Every subscription of the account, any status, as Stripe's JSON objects."""
        ...

    def subscription_cancel(self, *, subscription_id: str, idempotency_key: str) -> dict[str, Any] | None:
        """Cancel the subscription now; answer it as Stripe holds it afterwards (an already
        ended one as it is), or None when Stripe does not know it. Stripe answers a repeated
        ``idempotency_key`` with its first answer."""
        ...


def _checkout_params(*, price_id, member_id, customer_id, email, success_url, cancel_url) -> dict:
    """The Checkout session of a paid membership: a subscription on one price. The member's id
    travels as ``client_reference_id`` and in the subscription's metadata, so every later
    event (subscription, invoice) names its member without a lookup."""
    params: dict[str, Any] = {
        "mode": "subscription",
        "line_items": [{"price": price_id, "quantity": 1}],
        "client_reference_id": str(member_id),
        "success_url": success_url,
        "cancel_url": cancel_url,
        "subscription_data": {"metadata": {"member_id": str(member_id)}},
        "metadata": {"member_id": str(member_id)},
    }
    if customer_id:
        params["customer"] = customer_id
    elif email:
        params["customer_email"] = email
    return params


class StripeSdkGateway:
    is_test_mode = False

    def __init__(self, api_key: str):
        import stripe

        self._client = stripe.StripeClient(api_key, max_network_retries=2)

    def checkout_session_create(self, **kwargs) -> CheckoutSession:
        session = self._client.v1.checkout.sessions.create(params=_checkout_params(**kwargs))
        return CheckoutSession(id=session.id, url=session.url)

    def portal_session_create(self, *, customer_id: str, return_url: str) -> PortalSession:
        session = self._client.v1.billing_portal.sessions.create(
            params={"customer": customer_id, "return_url": return_url}
        )
        return PortalSession(url=session.url)

    def subscriptions_list(self) -> Iterator[dict[str, Any]]:
        page = self._client.v1.subscriptions.list(params={"status": "all", "limit": 100})
        for subscription in page.auto_paging_iter():
            yield subscription.to_dict()

    def subscription_cancel(self, *, subscription_id: str, idempotency_key: str) -> dict[str, Any] | None:
        import stripe

        subscriptions = self._client.v1.subscriptions
        try:
            cancelled = subscriptions.cancel(subscription_id, options={"idempotency_key": idempotency_key})
        except stripe.InvalidRequestError as refused:
            # Stripe refuses to cancel a subscription that has ended or that it does not know.
            try:
                held = subscriptions.retrieve(subscription_id)
            except stripe.InvalidRequestError as missing:
                if missing.code == "resource_missing":
                    return None
                raise
            if held.status in ("canceled", "incomplete_expired"):
                return held.to_dict()
            raise refused
        return cancelled.to_dict()


@dataclass
class RecordingGateway:
    """The fake: ``calls`` holds (method, keyword arguments) in order; ``subscriptions`` is
    "Stripe's" state that ``subscriptions_list`` reports and ``subscription_cancel`` changes
    (tests and the simulator fill it; a ``FakeStripe`` can share the dict). ``cancelled`` lists
    the subscriptions a call really cancelled; ``failures`` are raised, first first, by the next
    cancellations (a test's Stripe outage). Idempotency keys are answered as Stripe does."""

    test_checkout_url: str = "/portal/membership/test-checkout/?session={session_id}&price={price_id}"
    test_portal_url: str = "/portal/membership/test-portal/"
    is_test_mode: bool = True
    calls: list[tuple[str, dict]] = field(default_factory=list)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    cancelled: list[str] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)
    _answers: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def checkout_session_create(self, **kwargs) -> CheckoutSession:
        with self._lock:
            session_id = f"cs_test_{next(self._ids):08d}"
            self.calls.append(("checkout_session_create", {**kwargs, "params": _checkout_params(**kwargs)}))
        url = self.test_checkout_url.format(session_id=session_id, price_id=kwargs["price_id"])
        return CheckoutSession(id=session_id, url=url)

    def portal_session_create(self, *, customer_id: str, return_url: str) -> PortalSession:
        with self._lock:
            self.calls.append(
                ("portal_session_create", {"customer_id": customer_id, "return_url": return_url})
            )
        return PortalSession(url=self.test_portal_url)

    def subscriptions_list(self) -> Iterator[dict[str, Any]]:
        with self._lock:
            self.calls.append(("subscriptions_list", {}))
            snapshot = [dict(s) for s in self.subscriptions.values()]
        yield from snapshot

    def subscription_cancel(self, *, subscription_id: str, idempotency_key: str) -> dict[str, Any] | None:
        with self._lock:
            call = {"subscription_id": subscription_id, "idempotency_key": idempotency_key}
            self.calls.append(("subscription_cancel", call))
            if self.failures:
                raise self.failures.pop(0)
            if idempotency_key in self._answers:
                return copy.deepcopy(self._answers[idempotency_key])
            subscription = self.subscriptions.get(subscription_id)
            if subscription is not None and subscription["status"] not in ("canceled", "incomplete_expired"):
                subscription["status"] = "canceled"
                subscription["canceled_at"] = int(time.time())
                self.cancelled.append(subscription_id)
            answer = self._answers[idempotency_key] = copy.deepcopy(subscription)
            return copy.deepcopy(answer)


_override: StripeGateway | None = None
_fake = RecordingGateway()
_sdk: tuple[str, StripeSdkGateway] | None = None


def stripe_gateway() -> StripeGateway:
    """The gateway to use now: an override (tests), the SDK when a secret key is set,
    otherwise the process's recording fake (test mode)."""
    global _sdk
    if _override is not None:
        return _override
    key = settings.STRIPE_SECRET_KEY
    if not key:
        return _fake
    if _sdk is None or _sdk[0] != key:
        _sdk = (key, StripeSdkGateway(key))
    return _sdk[1]


def stripe_gateway_override(gateway: StripeGateway | None) -> None:
    """Tests: make ``stripe_gateway()`` answer ``gateway`` (None puts the normal choice back)."""
    global _override
    _override = gateway
