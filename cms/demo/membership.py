"""The demo operator's paid club membership: one monthly price, on offer, with points for each
paid invoice. Its Stripe price id is a placeholder: without ``STRIPE_SECRET_KEY`` the portal runs
the test-mode checkout (docs/membership.md); with a key, staff put the account's real price id
in the admin (Membership → Membership prices).

Idempotent: the price is found by its Stripe id, and an existing one is left as staff edited it.
"""

from __future__ import annotations

from decimal import Decimal

from club.membership.models import BillingInterval, MembershipPrice

DEMO_PRICE_ID = "price_demoClubMonthly"


def demo_membership_load() -> int:
    """Create the demo's membership price if missing; return how many prices were created."""
    _price, created = MembershipPrice.objects.get_or_create(
        stripe_price_id=DEMO_PRICE_ID,
        defaults=dict(name="Troika Club monthly", amount=Decimal("49000"), currency="VND",
                      interval=BillingInterval.MONTH, points_per_invoice=200, live=True),
    )
    return int(created)
