"""The demo operator's rewards catalogue, and a few hundred redemptions by demo members.

Every reward kind is there: bill credit, data and minutes (they go to the network outbox),
device and partner vouchers and event tickets (codes from a pool), and a club T-shirt that is
shipped. Redemptions go through the real service with deterministic idempotency keys, so a
second run answers each one with the first run's redemption and changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from club.members.models import Member
from rewards.catalogue.models import Reward
from rewards.catalogue.services.redemption import redemption_create
from rewards.catalogue.services.stock import reward_stock_adjust
from rewards.catalogue.services.vouchers import voucher_codes_generate
from rewards.tiers.models import Tier

SEED = 20261125
REDEEMERS = 300

# name, kind, points, values, stock, codes, minimum tier, per-member limit, description
CATALOGUE = [
    ("50,000 VND bill credit", "bill_credit", 250, {"credit_amount": Decimal(50_000)}, None, 0, None,
     (2, "month"), "Taken off your next bill."),
    ("2 GB data pack (30 days)", "data_pack", 120, {"data_mb": 2048}, None, 0, None, (4, "month"),
     "Extra data on top of your plan."),
    ("60 minutes to any network", "voice_minutes", 90, {"voice_minutes": 60}, None, 0, None, (4, "month"),
     "Valid for 30 days."),
    ("Sao Mobile club T-shirt", "merchandise", 400, {}, 200, 0, None, (1, "year"),
     "Organic cotton, delivered to your door."),
    ("Streamly: 1 month Premium", "partner_voucher", 300, {}, None, 400, None, (1, "month"),
     "A code for one month of Streamly Premium."),
    ("500,000 VND off a new phone", "device_voucher", 900, {}, 100, 100, "gold", (1, "year"),
     "At any Sao Mobile store; Gold and Platinum members."),
    ("Club night: Hà Nội football screening", "event_ticket", 200, {}, 80, 80, "silver", (2, "year"),
     "Two seats for the derby screening."),
]


@dataclass(frozen=True)
class CatalogueDemoResult:
    rewards_created: int
    redemptions_new: int
    redemptions_refused: int


def demo_catalogue_load() -> CatalogueDemoResult:
    created = _rewards_load()
    fresh, refused = _redemptions_load()
    return CatalogueDemoResult(created, fresh, refused)


@transaction.atomic
def _rewards_load() -> int:
    created = 0
    tiers = dict(Tier.objects.values_list("code", "pk"))
    for name, kind, points, values, stock, codes, tier, limit, description in CATALOGUE:
        if Reward.objects.filter(name=name).exists():
            continue
        reward = Reward.objects.create(
            name=name, kind=kind, points_cost=points, description=description,
            minimum_tier_id=tiers.get(tier), limit_count=limit[0], limit_period=limit[1],
            cancellation_window_hours=24, live=False, **values,
        )
        reward.save_revision().publish()
        if stock is not None:
            reward_stock_adjust(reward_id=reward.pk, delta=stock)
        if codes:
            voucher_codes_generate(reward_id=reward.pk, count=codes, prefix="SAO-")
        created += 1
    return created


def _redemptions_load() -> tuple[int, int]:
    """Every tenth demo member tries one or two rewards. Chosen by account number, not by
    balance, so a second run makes the very same requests (and gets the same answers)."""
    rng = random.Random(SEED)
    rewards = list(Reward.objects.filter(live=True).order_by("pk").values_list("pk", "points_cost", "kind"))
    redeemers = list(
        Member.objects.filter(account_number__regex=r"^SAO[0-9]*0$")
        .order_by("account_number").values_list("pk", "account_number", "msisdn")[:REDEEMERS]
    )
    fresh = refused = 0
    for member_id, account, msisdn in redeemers:
        for n in range(rng.choice([1, 1, 2])):
            reward_id, _cost, kind = rng.choice(rewards)
            address = None
            if kind == "merchandise":
                member = Member.objects.only("city", "region").get(pk=member_id)
                address = {"recipient": f"Member {account}", "phone": msisdn,
                           "line1": f"{rng.randint(1, 300)} Lê Lợi", "city": member.city or "Hà Nội",
                           "region": member.region}
            result = redemption_create(member_id=member_id, reward_id=reward_id,
                                       idempotency_key=f"demo-{account}-{n}", delivery_address=address)
            if result.is_success and not result.replayed:
                fresh += 1
            elif not result.is_success:
                refused += 1
    return fresh, refused
