"""Starting a paid membership (Stripe Checkout) and managing it (Stripe's Customer Portal),
through the gateway. The membership itself changes only when Stripe's events arrive."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..fake_stripe import FakeStripe
from ..gateway import stripe_gateway
from ..models import ClubMembership, MembershipPrice, MembershipSource
from .events import stripe_event_process


@dataclass(frozen=True)
class RedirectResult:
    url: str = ""
    error: str = ""

    @property
    def is_success(self) -> bool:
        return bool(self.url)


def membership_checkout_start(
    *, member_id: int, price_id: int, email: str, success_url: str, cancel_url: str,
) -> RedirectResult:
    """A Checkout session for ``price_id`` (a live price); refused to a member who already pays."""
    price = MembershipPrice.objects.filter(pk=price_id, live=True).first()
    if price is None:
        return RedirectResult(error=str(_("That membership price is not on offer.")))
    membership = ClubMembership.objects.filter(member_id=member_id).first()
    if membership is not None and membership.source == MembershipSource.PAID and membership.is_entitled:
        return RedirectResult(error=str(_("You already have a paid membership.")))
    session = stripe_gateway().checkout_session_create(
        price_id=price.stripe_price_id, member_id=member_id,
        customer_id=membership.stripe_customer_id if membership else "", email=email,
        success_url=success_url, cancel_url=cancel_url,
    )
    return RedirectResult(url=session.url)


def membership_portal_start(*, member_id: int, return_url: str) -> RedirectResult:
    """A Customer Portal session (card, invoices, cancellation) for a member Stripe knows."""
    membership = ClubMembership.objects.filter(member_id=member_id).first()
    if membership is None or not membership.stripe_customer_id:
        return RedirectResult(error=str(_("There is no paid membership to manage.")))
    session = stripe_gateway().portal_session_create(customer_id=membership.stripe_customer_id,
                                                     return_url=return_url)
    return RedirectResult(url=session.url)


def membership_test_checkout_complete(*, member_id: int, stripe_price_id: str) -> bool:
    """Test mode only (no Stripe secret key): play the events of a paid Checkout through the
    webhooks' own processing, so the demo shows the whole flow without taking money."""
    gateway = stripe_gateway()
    price = MembershipPrice.objects.filter(stripe_price_id=stripe_price_id, live=True).first()
    if not gateway.is_test_mode or price is None:
        return False
    membership = ClubMembership.objects.filter(member_id=member_id).first()
    stripe_side = FakeStripe(now=int(time.time()), prefix=f"test{secrets.token_hex(4)}")
    amount = int(price.amount)
    for event in stripe_side.checkout(member_id=member_id, price_id=price.stripe_price_id, amount=amount,
                                      currency=price.currency.lower(),
                                      customer_id=membership.stripe_customer_id if membership else ""):
        stripe_event_process(event=event)
    return True
