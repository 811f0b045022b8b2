"""The tenure-anniversary bonus: a daily, set-based grant to members activated on this day."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from club.members.models import Member, MemberStatus
from rewards.ledger.models import SourceType
from rewards.ledger.services import PointsGrant, points_grant_many

from ..evaluation import EarningEvent, evaluate_event
from ..models import EarningKind
from ..reasons import award_reason, award_reason_code, award_reason_values
from ..selectors import live_rule_specs, member_contexts

ANNIVERSARY_CHUNK = 5000


def _anniversary_filter(on: dt.date) -> Q:
    same_day = Q(activation_date__month=on.month, activation_date__day=on.day)
    leap_year = on.year % 4 == 0 and (on.year % 100 != 0 or on.year % 400 == 0)
    if (on.month, on.day) == (2, 28) and not leap_year:
        same_day |= Q(activation_date__month=2, activation_date__day=29)
    return same_day & Q(activation_date__lt=on)


def earning_anniversary_grant(*, on: dt.date, chunk_size: int = ANNIVERSARY_CHUNK) -> int:
    """Grant every live anniversary rule's bonus to the members whose activation anniversary is
    ``on`` (churned lines excluded), ``chunk_size`` members per transaction. Safe to rerun: the
    idempotency key is ``anniv:<rule>:<member>:<year>``. Returns the entries written."""
    moment = timezone.make_aware(dt.datetime.combine(on, dt.time.min))
    rules = [rule for rule in live_rule_specs(kinds=[EarningKind.ANNIVERSARY]) if rule.is_valid_at(moment)]
    if not rules:
        return 0
    members = Member.objects.filter(_anniversary_filter(on)).exclude(status=MemberStatus.CHURNED)
    written, after = 0, 0
    while True:
        ids = list(members.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:chunk_size])
        if not ids:
            return written
        after = ids[-1]
        grants = []
        for member in member_contexts(member_ids=ids).values():
            event = EarningEvent(
                event_id=f"anniv:{member.member_id}:{on.year}", member_id=member.member_id,
                kind=EarningKind.ANNIVERSARY, occurred_at=moment,
            )
            for rule in rules:
                award = evaluate_event(event, member, [rule], {})
                if award.points > 0:
                    grants.append(PointsGrant(
                        member_id=member.member_id, points=award.points, reason=award_reason(event, award),
                        reason_code=award_reason_code(event), reason_values=award_reason_values(event, award),
                        source_type=SourceType.SYSTEM, source_ref=f"anniversary:{rule.id}:{on.year}",
                        idempotency_key=f"anniv:{rule.id}:{member.member_id}:{on.year}", earned_at=moment,
                    ))
        written += points_grant_many(grants=grants)
