"""The member portal's dashboard as one read model: what each block shows, composed from the
apps' own selectors (tiers, points, discounts, events, vouchers, the recommended bundle).

Nothing here computes a tier, a balance, a discount or a price: each block is the owning app's
answer. ``dashboard_member`` reads the member with their tier state, balance, rolling spend and
points expiring soon in one query (the apps give the expressions), and ``dashboard_for_member``
hands those values to the apps' ``*_of`` selectors instead of letting each read them again. The
tiers, discount schedules and bundle templates come from the reference cache (``rewards.reference``).
docs/PERFORMANCE.md (dashboard) lists every query of a request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from club.events.selectors import MemberStanding, UpcomingEvent, event_upcoming
from club.members.models import Member
from rewards.activity.selectors import rolling_spend_subquery
from rewards.bundles.selectors import bundle_templates_suiting
from rewards.bundles.services import BundleQuote
from rewards.bundles.services.quote import bundle_price
from rewards.bundles.services.results import Refused
from rewards.catalogue.models import RedemptionState
from rewards.catalogue.selectors import member_redemptions
from rewards.discounts.offers import offer_discounts_by_member
from rewards.discounts.selectors import MemberDiscounts, member_discounts_of
from rewards.ledger.selectors import (
    ExpiringPoints,
    PointsBalance,
    points_balance_of,
    points_expiring_annotations,
    points_expiring_of,
)
from rewards.tiers.selectors import TierProgress, member_tier_info, tier_progress_of

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
    templates, with their lines and components, from the reference cache), and so is the
    member's rolling spend (``dashboard_member``)."""
    templates = bundle_templates_suiting(segment=member.segment, payment_plan=member.payment_plan)
    if not templates:
        return None
    template = templates[0]
    try:
        quote = bundle_price(member=member, member_id=member.pk, template=template, template_id=template.pk,
                             quantities=None, extra_percent=None, on=on, rolling_spend=member.rolling_spend)
    except Refused:
        return None
    return RecommendedBundle(template_id=template.pk, code=template.code, name=template.name, quote=quote)


def dashboard_member(*, user, now: dt.datetime) -> Member | None:
    """The user's linked line (``member_for_user``'s answer) with what the dashboard reads
    about it: the tier state and tier, the points account, the rolling spend and the points
    expiring soon; one query. None when the user has no linked line."""
    if not user.is_authenticated:
        return None
    return (
        Member.objects.filter(user=user)
        .select_related("tier_state__tier", "points_account")
        .annotate(rolling_spend=rolling_spend_subquery(on=timezone.localdate(now)),
                  **points_expiring_annotations(now=now))
        .order_by("pk")
        .first()
    )


def dashboard_for_member(*, member: Member, now: dt.datetime) -> Dashboard:
    """The dashboard of ``member``, as ``dashboard_member`` loaded it at ``now``: three more
    queries (offer discounts, events with their counts, the member's RSVPs) and the vouchers."""
    member_id = member.pk
    today = timezone.localdate(now)
    tier = member_tier_info(member=member)
    offers = offer_discounts_by_member(member_ids=[member_id], on=today).get(member_id, ())
    return Dashboard(
        member_id=member_id,
        now=now,
        tier=tier_progress_of(current=tier, activation_date=member.activation_date,
                              rolling_spend=member.rolling_spend, on=today),
        points=points_balance_of(member=member),
        expiring=points_expiring_of(member=member),
        discounts=member_discounts_of(member=member, rolling_spend=member.rolling_spend, offers=offers,
                                      on=today),
        events=tuple(event_upcoming(member_id=member_id, now=now, limit=UPCOMING_EVENTS,
                                    standing=MemberStanding(status=member.status, tier=tier))),
        vouchers=member_vouchers(member_id=member_id, now=now),
        bundle=recommended_bundle(member=member, on=today),
    )
