"""Reads of the club membership: a member's membership, the prices on offer, how close a member
is to earning it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from club.members.models import Member
from rewards.activity.selectors import member_rolling_spend
from rewards.reference import ReferenceData

from .models import ENTITLED_STATUSES, ClubMembership, MembershipPrice, MembershipSettings


def membership_of(*, member_id: int) -> ClubMembership | None:
    return ClubMembership.objects.select_related("price").filter(member_id=member_id).first()


def _prices_load() -> dict[str, MembershipPrice]:
    return {price.stripe_price_id: price for price in MembershipPrice.objects.all()}


# Every price by its Stripe id, live or not (an old price's invoices still arrive); few rows,
# read by every webhook that names a price. Dropped on any write of a price.
PRICES_BY_STRIPE_ID = ReferenceData("membership-prices", _prices_load, ("membership.MembershipPrice",))


def price_by_stripe_id(stripe_price_id: str) -> MembershipPrice | None:
    return PRICES_BY_STRIPE_ID.get().get(stripe_price_id) if stripe_price_id else None


def membership_prices_live() -> list[MembershipPrice]:
    return list(MembershipPrice.objects.filter(live=True))


def tenure_years(activation_date: dt.date, on: dt.date) -> int:
    years = on.year - activation_date.year
    if (on.month, on.day) < (activation_date.month, activation_date.day):
        years -= 1
    return max(years, 0)


@dataclass(frozen=True)
class EarnedProgress:
    enabled: bool
    rolling_spend: Decimal
    spend_needed: Decimal
    tenure_years: int
    tenure_needed: int

    @property
    def spend_met(self) -> bool:
        return self.rolling_spend >= self.spend_needed

    @property
    def tenure_met(self) -> bool:
        return self.tenure_years >= self.tenure_needed

    @property
    def qualifies(self) -> bool:
        return self.enabled and self.spend_met and self.tenure_met


def earned_progress(*, member: Member, on: dt.date) -> EarnedProgress:
    rules = MembershipSettings.load()
    return EarnedProgress(
        enabled=rules.earned_enabled,
        rolling_spend=member_rolling_spend(member_id=member.pk, on=on),
        spend_needed=rules.earn_min_rolling_spend,
        tenure_years=tenure_years(member.activation_date, on),
        tenure_needed=rules.earn_min_tenure_years,
    )


def entitled_member_ids(member_ids: list[int]) -> set[int]:
    """The members among ``member_ids`` whose membership entitles now (one query)."""
    return set(ClubMembership.objects.filter(member_id__in=member_ids, status__in=ENTITLED_STATUSES)
               .values_list("member_id", flat=True))
