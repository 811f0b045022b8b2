"""The member portal's dashboard as one read model: what each block shows, composed from the
apps' own selectors (tiers, points, discounts, events, vouchers, the recommended bundle, the
club membership, the account manager).

Nothing here computes a tier, a balance, a discount or a price: each block is the owning app's
answer. ``dashboard_member`` reads the member with their tier state, balance, rolling spend and
points expiring soon in one query (the apps give the expressions), and ``dashboard_for_member``
hands those values to the apps' selectors instead of letting each read them again. The tiers,
discount schedules, bundle templates and upcoming events come from the reference cache
(``rewards.reference``); the member's own reads are prepared once (``rewards.prepared``).
docs/PERFORMANCE.md (dashboard) lists every query of a request.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from club.care.selectors import MANAGER_CARD_FIELDS, ManagerCard
from club.events.selectors import MemberStanding, UpcomingEvent, event_upcoming
from club.members.models import Member
from club.membership.models import ENTITLED_STATUSES, MembershipSource, MembershipStatus
from rewards.activity.selectors import (
    USAGE_TOTALS,
    rolling_window_start,
    spend_between_subquery,
    usage_between_annotations,
)
from rewards.bundles.reasons import Reason
from rewards.bundles.recommend import Usage
from rewards.bundles.selectors import bundle_recommender_inputs
from rewards.bundles.services import BundleQuote
from rewards.bundles.services.recommendation import recommendation_for, usage_window
from rewards.catalogue.models import RedemptionState
from rewards.catalogue.selectors import member_redemptions
from rewards.discounts.offers import offer_discounts_by_member, offer_discounts_held
from rewards.discounts.selectors import MemberDiscounts, member_discounts_of
from rewards.ledger.selectors import (
    EXPIRING_SOON_DAYS,
    ExpiringPoints,
    PointsBalance,
    expiring_until,
    points_expiring_annotations,
)
from rewards.prepared import PreparedRead
from rewards.tiers.selectors import TierProgress, TierState, member_tier_info, tier_progress_of

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
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class MembershipCard:
    """The member's club membership as the dashboard shows it (None: not a club member yet)."""

    status: str
    source: str
    period_end: dt.datetime | None

    @property
    def is_entitled(self) -> bool:
        return self.status in ENTITLED_STATUSES

    @property
    def is_paid(self) -> bool:
        return self.source == MembershipSource.PAID

    @property
    def is_past_due(self) -> bool:
        return self.status == MembershipStatus.PAST_DUE

    @property
    def status_label(self) -> str:
        return str(MembershipStatus(self.status).label)


@dataclass(frozen=True)
class LineLabels:
    """The line's choices as the "Your line" block names them (lazy: translated when shown)."""

    customer_type: str
    payment_plan: str
    tariff_kind: str


@functools.cache
def _choice_labels(field_name: str) -> dict:
    return dict(Member._meta.get_field(field_name).flatchoices)


def line_labels_of(member: Member) -> LineLabels:
    """``get_<field>_display`` of the three choices, from label maps built once per process
    (Django builds the map of a field's choices at every call: ~25 µs each)."""
    return LineLabels(*(
        _choice_labels(name).get(getattr(member, name), getattr(member, name))
        for name in ("customer_type", "payment_plan", "tariff_kind")
    ))


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
    account_manager: ManagerCard | None = None
    membership: MembershipCard | None = None
    line: LineLabels | None = None

    @property
    def downgrade_due(self) -> dt.date | None:
        """The day the member's tier falls if their spend stays short (None: no warning)."""
        return self.tier.current.downgrade_due


def _vouchers_rows(*, member_id: int, now: dt.datetime):
    return (
        member_redemptions(member_id=member_id)
        .exclude(voucher_code="")
        .exclude(state=RedemptionState.CANCELLED)
        .filter(Q(reward__valid_until__isnull=True) | Q(reward__valid_until__gt=now))
        .values_list("pk", "reward__name", "voucher_code", "created_at", "reward__valid_until")
        [:VOUCHERS_SHOWN]
    )


_SAMPLE_TIMES = (dt.datetime(2001, 1, 1, tzinfo=dt.UTC), dt.datetime(2002, 2, 2, tzinfo=dt.UTC))
_VOUCHERS = PreparedRead(_vouchers_rows, samples=tuple(
    {"member_id": number, "now": at} for number, at in enumerate(_SAMPLE_TIMES, start=1)))


def member_vouchers(*, member_id: int, now: dt.datetime) -> tuple[Voucher, ...]:
    """The member's voucher codes that still hold: redemptions with a code, not cancelled, of a
    reward whose validity has not ended (newest first, one query)."""
    return tuple(Voucher(*row) for row in _VOUCHERS(member_id=member_id, now=now))


def recommended_bundle(
    *, member: Member, usage: Usage, rolling_spend: Decimal, on: dt.date
) -> RecommendedBundle | None:
    """The bundle recommended to the member, sized to their usage and priced for them, as the
    bundle builder (``/portal/bundles/``) shows it; None when no template suits them or the
    quote is refused (say, an inactive line). The member, their usage and rolling spend are in
    hand; the templates, the recommender's settings and the discount schedules come from the
    reference cache, so this asks the database nothing."""
    found = recommendation_for(member=member, usage=usage, on=on, rolling_spend=rolling_spend)
    if found is None:
        return None
    template = found.recommendation.template
    return RecommendedBundle(template_id=template.id, code=template.code, name=template.name,
                             quote=found.quote, reasons=found.recommendation.reasons)


# --- the member, with what every block reads about them, in one prepared query ------------------

MEMBER_FIELDS = tuple(field.attname for field in Member._meta.concrete_fields)
_STATE_AND_POINTS = (
    "tier_state__tier_id", "tier_state__since", "tier_state__qualified_until", "tier_state__downgrade_due",
    "points_account__available", "points_account__pending", "rolling_spend", "points_expiring",
    "points_first_expiry", "offer_discounts_held", *MANAGER_CARD_FIELDS,
    "club_membership__status", "club_membership__source", "club_membership__period_end", *USAGE_TOTALS,
)


@dataclass(frozen=True)
class MemberSnapshot:
    member: Member
    tier_state: TierState | None
    points: PointsBalance
    rolling_spend: Decimal
    expiring: ExpiringPoints
    offer_discounts_held: bool  # false: no source has an offer discount for the member today
    usage: Usage  # the monthly averages the bundle recommender sizes lines to
    account_manager: ManagerCard | None = None
    membership: MembershipCard | None = None


def _snapshot_rows(*, user_id: int, first_month: dt.date, on: dt.date, now: dt.datetime, until: dt.datetime,
                   first_usage_month: dt.date, last_usage_month: dt.date):
    return (
        Member.objects.filter(user_id=user_id)
        .annotate(rolling_spend=spend_between_subquery(first_month=first_month, last_day=on),
                  offer_discounts_held=offer_discounts_held(on=on),
                  **points_expiring_annotations(now=now, until=until),
                  **usage_between_annotations(first_month=first_usage_month, last_month=last_usage_month))
        .order_by()  # one line per login (a one-to-one): no sort, the unique index finds it
        .values_list(*MEMBER_FIELDS, *_STATE_AND_POINTS)[:1]
    )


_SNAPSHOT = PreparedRead(_snapshot_rows, samples=tuple(
    {"user_id": number, "first_month": at.date().replace(month=2), "on": at.date().replace(day=3), "now": at,
     "until": at + dt.timedelta(days=30), "first_usage_month": at.date().replace(month=5),
     "last_usage_month": at.date().replace(month=7)}
    for number, at in enumerate(_SAMPLE_TIMES, start=1)))


def dashboard_member(*, user, now: dt.datetime) -> MemberSnapshot | None:
    """The user's linked line (``member_for_user``'s answer) with what the dashboard reads
    about it: the tier state, the points account, the rolling spend and the points expiring
    soon; one query. None when the user has no linked line."""
    if not user.is_authenticated:
        return None
    on = timezone.localdate(now)
    usage_months = bundle_recommender_inputs().usage_months
    first_usage_month, last_usage_month = usage_window(on, usage_months)
    rows = _SNAPSHOT(user_id=user.pk, first_month=rolling_window_start(on), on=on, now=now,
                     until=expiring_until(now=now), first_usage_month=first_usage_month,
                     last_usage_month=last_usage_month)
    if not rows:
        return None
    row = rows[0]
    member = Member.from_db("default", MEMBER_FIELDS, row[: len(MEMBER_FIELDS)])
    (tier_id, since, qualified_until, downgrade_due, available, pending, spend, expiring, first_expiry,
     held, manager_name, manager_phone, manager_email, membership_status, membership_source,
     membership_period_end, months_seen, data_mb, voice_minutes, sms) = row[len(MEMBER_FIELDS):]
    return MemberSnapshot(
        member=member,
        tier_state=TierState(tier_id, since, qualified_until, downgrade_due) if tier_id is not None else None,
        points=PointsBalance(available or 0, pending or 0),
        rolling_spend=spend,
        expiring=ExpiringPoints(points=expiring, first_expiry=first_expiry, within_days=EXPIRING_SOON_DAYS),
        offer_discounts_held=held,
        account_manager=ManagerCard.of(manager_name, manager_phone, manager_email),
        membership=(MembershipCard(membership_status, membership_source, membership_period_end)
                    if membership_status else None),
        usage=Usage.from_totals(months=usage_months, months_seen=months_seen, data_mb=data_mb,
                                voice_minutes=voice_minutes, sms=sms),
    )


def dashboard_for_member(*, snapshot: MemberSnapshot, now: dt.datetime) -> Dashboard:
    """The dashboard of the member ``dashboard_member`` read at ``now``: two more queries (the
    member's RSVPs, the vouchers; the events' counts are not shown, so not read), three when the
    member holds an offer discount."""
    member = snapshot.member
    today = timezone.localdate(now)
    tier = member_tier_info(member_id=member.pk, state=snapshot.tier_state)
    club_member = snapshot.membership is not None and snapshot.membership.is_entitled
    offers = (offer_discounts_by_member(member_ids=[member.pk], on=today).get(member.pk, ())
              if snapshot.offer_discounts_held else ())
    return Dashboard(
        member_id=member.pk,
        now=now,
        tier=tier_progress_of(current=tier, activation_date=member.activation_date,
                              rolling_spend=snapshot.rolling_spend, on=today),
        points=snapshot.points,
        expiring=snapshot.expiring,
        discounts=member_discounts_of(member=member, rolling_spend=snapshot.rolling_spend, offers=offers,
                                      on=today),
        events=tuple(event_upcoming(member_id=member.pk, now=now, limit=UPCOMING_EVENTS, with_counts=False,
                                    standing=MemberStanding(status=member.status, tier=tier,
                                                            club_member=club_member))),
        vouchers=member_vouchers(member_id=member.pk, now=now),
        bundle=recommended_bundle(member=member, usage=snapshot.usage,
                                  rolling_spend=snapshot.rolling_spend, on=today),
        account_manager=snapshot.account_manager,
        membership=snapshot.membership,
        line=line_labels_of(member),
    )
