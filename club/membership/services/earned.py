"""The earned membership: members qualify by volume (spend over the rolling twelve months) and
tenure (whole years since activation), both at least the thresholds of ``MembershipSettings``.

Evaluated in chunks of members by id (keyset), each chunk a few set-based statements, never a
query per member: qualifying members without a membership get an earned one; earned memberships
that lapsed, and paid ones that ended, become earned and active again; earned memberships of
members who no longer qualify lapse. Paid memberships that are live are never touched: every
statement is conditional on the row's source and status, which PostgreSQL re-checks when a
webhook changed the row meanwhile.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from club.members.models import Member
from rewards.activity.selectors import rolling_spend_subquery

from ..models import ClubMembership, MembershipSettings, MembershipSource, MembershipStatus

CHUNK_SIZE = 1000
ENDED = [MembershipStatus.CANCELLED, MembershipStatus.LAPSED]


@dataclass(frozen=True)
class EarnedChunk:
    granted: int
    lapsed: int
    last_member_id: int | None  # None: that was the last chunk


def _years_before(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def membership_earned_evaluate_chunk(
    *, on: dt.date, after_member_id: int = 0, chunk_size: int = CHUNK_SIZE,
) -> EarnedChunk:
    rules = MembershipSettings.load()
    members = Member.objects.filter(pk__gt=after_member_id).order_by("pk")
    ids = list(members.values_list("pk", flat=True)[:chunk_size])
    if not ids:
        return EarnedChunk(granted=0, lapsed=0, last_member_id=None)
    in_chunk = Q(member_id__gt=after_member_id, member_id__lte=ids[-1])
    qualifying: list[int] = []
    if rules.earned_enabled:
        qualifying = list(
            Member.objects.filter(pk__gt=after_member_id, pk__lte=ids[-1],
                                  activation_date__lte=_years_before(on, rules.earn_min_tenure_years))
            .annotate(spend=rolling_spend_subquery(on=on))
            .filter(spend__gte=rules.earn_min_rolling_spend)
            .values_list("pk", flat=True)
        )
    now = timezone.now()
    with transaction.atomic():
        before = ClubMembership.objects.filter(in_chunk, source=MembershipSource.EARNED,
                                               status=MembershipStatus.ACTIVE).count()
        ClubMembership.objects.bulk_create(
            [ClubMembership(member_id=member_id, source=MembershipSource.EARNED,
                            status=MembershipStatus.ACTIVE, started_at=now) for member_id in qualifying],
            ignore_conflicts=True,
        )
        ClubMembership.objects.filter(member_id__in=qualifying).filter(
            Q(source=MembershipSource.EARNED) | Q(status__in=ENDED)
        ).exclude(source=MembershipSource.EARNED, status=MembershipStatus.ACTIVE).update(
            source=MembershipSource.EARNED, status=MembershipStatus.ACTIVE, started_at=now, period_end=None,
            updated_at=now,
        )
        lapsed = ClubMembership.objects.filter(in_chunk, source=MembershipSource.EARNED,
                                               status=MembershipStatus.ACTIVE).exclude(
            member_id__in=qualifying).update(status=MembershipStatus.LAPSED, updated_at=now)
        after = ClubMembership.objects.filter(in_chunk, source=MembershipSource.EARNED,
                                              status=MembershipStatus.ACTIVE).count()
    return EarnedChunk(granted=after - before + lapsed, lapsed=lapsed,
                       last_member_id=ids[-1] if len(ids) == chunk_size else None)


def membership_earned_evaluate(*, on: dt.date | None = None, chunk_size: int = CHUNK_SIZE) -> tuple[int, int]:
    """Every chunk in turn, in this process (the command line, tests); the nightly task runs one
    chunk per task instead. Returns (granted, lapsed)."""
    on = on or timezone.localdate()
    granted = lapsed = 0
    after = 0
    while True:
        chunk = membership_earned_evaluate_chunk(on=on, after_member_id=after, chunk_size=chunk_size)
        granted, lapsed = granted + chunk.granted, lapsed + chunk.lapsed
        if chunk.last_member_id is None:
            return granted, lapsed
        after = chunk.last_member_id
