"""The member portal's dashboard as one read model: what each block shows, composed from the
apps' own selectors (tiers, points, discounts, events, vouchers, the recommended bundle).

Nothing here computes a tier, a balance, a discount or a price: each block is the owning app's
answer. ``dashboard_for_member`` only decides which reads the page needs and in what shape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from club.events.selectors import UpcomingEvent, event_upcoming
from club.members.models import Member
from rewards.bundles.selectors import bundle_templates_for_member
from rewards.bundles.services import BundleQuote
from rewards.bundles.services.quote import bundle_price
from rewards.bundles.services.results import Refused
from rewards.catalogue.models import RedemptionState
from rewards.catalogue.selectors import member_redemptions
from rewards.discounts.selectors import MemberDiscounts, member_discounts
from rewards.ledger.selectors import ExpiringPoints, PointsBalance, points_balance, points_expiring
from rewards.tiers.selectors import TierProgress, tier_progress

UPCOMING_EVENTS = 3
VOUCHERS_SHOWN = 5


@dataclass(frozen=True)
class Voucher:
    redemption_id: int
    reward_name: str
    code: str
    redeemed_at: dt.datetime
    valid_until: dt.datetime | None


@dataclass(frozen=True)
class RecommendedBundle:
    template_id: int
    code: str
    name: str
    quote: BundleQuote


@dataclass(frozen=True)
class Dashboard:
    """Every block of a linked member's dashboard, read at ``now``."""

    member_id: int
    now: dt.datetime
    tier: TierProgress
    points: PointsBalance
    expiring: ExpiringPoints
    discounts: MemberDiscounts
    events: tuple[UpcomingEvent, ...]
    vouchers: tuple[Voucher, ...]
    bundle: RecommendedBundle | None

    @property
    def downgrade_due(self) -> dt.date | None:
        """The day the member's tier falls if their spend stays short (None: no warning)."""
        return self.tier.current.downgrade_due


def member_vouchers(*, member_id: int, now: dt.datetime, limit: int = VOUCHERS_SHOWN) -> tuple[Voucher, ...]:
    """The member's voucher codes that still hold: redemptions with a code, not cancelled, of a
    reward whose validity has not ended (newest first, one query)."""
    rows = (
        member_redemptions(member_id=member_id)
        .exclude(voucher_code="")
        .exclude(state=RedemptionState.CANCELLED)
        .filter(Q(reward__valid_until__isnull=True) | Q(reward__valid_until__gt=now))
        .values_list("pk", "reward__name", "voucher_code", "created_at", "reward__valid_until")[:limit]
    )
    return tuple(Voucher(*row) for row in rows)


def recommended_bundle(*, member: Member, on: dt.date) -> RecommendedBundle | None:
    """The first template that suits the member, priced for them; None when none suits or the
    quote is refused (say, an inactive line). ``bundle_price`` is what ``bundle_quote`` runs
    once it has loaded the member and the template: both are already in hand here (the
    templates come with their lines and components), which saves four queries."""
    templates = bundle_templates_for_member(member_id=member.pk)
    if not templates:
        return None
    template = templates[0]
    try:
        quote = bundle_price(member=member, member_id=member.pk, template=template, template_id=template.pk,
                             quantities=None, extra_percent=None, on=on)
    except Refused:
        return None
    return RecommendedBundle(template_id=template.pk, code=template.code, name=template.name, quote=quote)


def dashboard_for_member(*, member: Member, now: dt.datetime | None = None) -> Dashboard:
    """The dashboard of ``member`` (the linked line, as ``member_for_user`` loaded it)."""
    member_id = member.pk
    now = now or timezone.now()
    today = timezone.localdate(now)
    return Dashboard(
        member_id=member_id,
        now=now,
        tier=tier_progress(member_id=member_id, on=today),
        points=points_balance(member_id=member_id),
        expiring=points_expiring(member_id=member_id, now=now),
        discounts=member_discounts(member_id=member_id, on=today),
        events=tuple(event_upcoming(member_id=member_id, now=now, limit=UPCOMING_EVENTS)),
        vouchers=member_vouchers(member_id=member_id, now=now),
        bundle=recommended_bundle(member=member, on=today),
    )
