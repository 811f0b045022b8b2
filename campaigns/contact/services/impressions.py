"""``impressions_record``: the portal showed a member offers from their inbox.

A portal offer counts toward the fatigue cap and the member's weekly limit once, when the
member first sees it. The gate answers first (a member at the cap costs one Redis call and no
database write); PostgreSQL then confirms under the member's lock and has the last word.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from club.members.models import Member

from ..models import ContactPolicy, Delivery, DeliveryStatus, SuppressionReason
from ..selectors import member_contacts_since
from . import gate
from .locks import contact_state_lock

WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class ImpressionOutcome:
    shown: tuple[int, ...]  # seen now or before: the portal shows these
    refused: tuple[int, ...]  # over the fatigue cap or the member's limit: not shown now


def impression_checks(*, policy: ContactPolicy, weekly_limit: int | None) -> list[gate.Check]:
    checks = []
    if policy.fatigue_max:
        checks.append(gate.Check("fa", dt.timedelta(days=policy.fatigue_window_days), policy.fatigue_max,
                                 SuppressionReason.FATIGUE_CAP))
    if weekly_limit is not None:
        checks.append(gate.Check("fa", WEEK, weekly_limit, SuppressionReason.MEMBER_LIMIT))
    return checks


def _room(*, member_id: int, at: dt.datetime, checks: list[gate.Check]) -> int | None:
    """How many more contacts the member may have now (None: unlimited), from PostgreSQL."""
    rooms = [c.limit - member_contacts_since(member_id=member_id, since=at - c.window) for c in checks]
    return max(min(rooms), 0) if rooms else None


def impressions_record(*, member_id: int, delivery_ids: Iterable[int], at: dt.datetime | None = None
                       ) -> ImpressionOutcome:
    """Record that the member saw these portal offers (their own, not failed), in the order
    given (put the most important first): those over the caps are refused."""
    at = at or timezone.now()
    ids = list(dict.fromkeys(delivery_ids))
    rows = {
        row[0]: row for row in Delivery.objects.filter(member_id=member_id, channel="portal", id__in=ids)
        .exclude(status=DeliveryStatus.FAILED)
        .values_list("id", "viewed_at", "counts_toward_caps", "marketing")
    }
    ids = [i for i in ids if i in rows]
    seen_before = [i for i in ids if rows[i][1] is not None]
    new = [i for i in ids if rows[i][1] is None]
    capped = [i for i in new if rows[i][2] and rows[i][3]]  # marketing that counts: within the caps
    free = [i for i in new if i not in capped]
    if not new:
        return ImpressionOutcome(shown=tuple(ids), refused=())
    weekly_limit = Member.objects.filter(pk=member_id).values_list("max_messages_per_week", flat=True).first()
    checks = impression_checks(policy=ContactPolicy.load(), weekly_limit=weekly_limit)
    candidates, entries = capped, []
    if capped and checks:
        entries = [gate.impression_entry(delivery_id=i, counts=True) for i in capped]
        answer = gate.gate_reserve(member_id=member_id, at=at, checks=checks, entries=entries)
        if answer is not None:
            candidates = capped[:answer.added]
            entries = entries[:answer.added]
    if not candidates and not free:
        return _outcome(ids, shown=set(seen_before))
    confirmed: list[int] = []
    try:
        with transaction.atomic():
            contact_state_lock(member_id)
            room = _room(member_id=member_id, at=at, checks=checks)
            confirmed = candidates if room is None else candidates[:room]
            Delivery.objects.filter(id__in=confirmed + free, viewed_at__isnull=True).update(
                viewed_at=at, status=DeliveryStatus.VIEWED
            )
    finally:
        refused_entries = [gate.impression_entry(delivery_id=i, counts=True) for i in candidates
                           if i not in confirmed]
        gate.gate_release(member_id=member_id, entries=[e for e in refused_entries if e in entries])
    return _outcome(ids, shown=set(seen_before) | set(confirmed) | set(free))


def _outcome(ids: list[int], *, shown: set[int]) -> ImpressionOutcome:
    return ImpressionOutcome(
        shown=tuple(i for i in ids if i in shown), refused=tuple(i for i in ids if i not in shown)
    )
