"""Builders for the audience tests: members with known attributes, audiences in memory."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from campaigns.audiences.blocks import condition_blocks
from campaigns.audiences.models import Audience, Match
from campaigns.audiences.selectors import audience_members
from rewards.activity.models import MonthlyActivity
from rewards.billing.models import BillingEvent, EventKind, EventSource, EventState
from rewards.catalogue.models import Redemption, RedemptionState
from rewards.ledger.models import LotStatus, PointLot, PointsAccount, SourceType
from rewards.ledger.services import points_grant
from rewards.tiers.models import MemberTier, TierChange

BLOCKS = dict(condition_blocks())
ON = dt.date(2026, 11, 24)  # "today" of most tests, in the operator's time zone (Asia/Ho_Chi_Minh)
_keys = itertools.count(1)


def local(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A moment of ``day`` in the operator's time zone."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_default_timezone())


def condition(kind: str, *, exclude: bool = False, **fields) -> tuple[str, object]:
    return kind, BLOCKS[kind].to_python({"exclude": exclude, **fields})


def audience(*conditions, match: str = Match.ALL, name: str = "Test audience") -> Audience:
    """An unsaved audience, as the live preview sees one."""
    return Audience(name=name, match=match, conditions=list(conditions))


def members_of(target: Audience, on: dt.date = ON) -> set[int]:
    return set(audience_members(audience=target, on=on).values_list("pk", flat=True))


def spend(member, month: dt.date, amount: int) -> None:
    MonthlyActivity.objects.create(member=member, month=month.replace(day=1), spend=Decimal(amount))


def in_tier(member, tier, since: dt.date = dt.date(2026, 1, 1)) -> None:
    MemberTier.objects.create(member=member, tier=tier, since=since, qualified_until=since.replace(year=2027))


def tier_change(member, *, to, on: dt.date, reason: str, from_tier=None) -> None:
    TierChange.objects.create(member=member, from_tier=from_tier, to_tier=to, on=on, reason=reason)


def balance(member, *, available: int, pending: int = 0) -> None:
    PointsAccount.objects.create(member=member, available=available, pending=pending)


def lot(member, *, points: int, expires_at: dt.datetime, status: str = LotStatus.ACTIVE, remaining=None):
    """A lot granted through the ledger, then given the expiry and state the test needs."""
    entry = points_grant(member_id=member.pk, points=points, reason="test", source_type=SourceType.SYSTEM,
                         idempotency_key=f"audience-test:{next(_keys)}")
    PointLot.objects.filter(earn_entry=entry).update(
        expires_at=expires_at, status=status, remaining=points if remaining is None else remaining
    )


def redemption(member, reward, *, at: dt.datetime, state: str = RedemptionState.CONFIRMED) -> None:
    Redemption.objects.create(
        member=member, reward=reward, points=reward.points_cost, state=state, created_at=at,
        idempotency_key=f"audience-test:{next(_keys)}", request_fingerprint="test",
        cancelled_at=at if state == RedemptionState.CANCELLED else None,
    )


def usage(member, *, at: dt.datetime, state: str = EventState.APPLIED) -> None:
    BillingEvent.objects.create(
        event_id=f"audience-test:{next(_keys)}", kind=EventKind.USAGE, member=member, occurred_at=at,
        received_at=at, state=state, source=EventSource.API, data_mb=100,
    )
