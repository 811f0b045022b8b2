"""The live count and the classification on 100,000 members (PostgreSQL): measured, printed
and held to a bound, and the count equal to what the classification writes."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from club.members.models import CustomerType, Member, PaymentPlan
from club.profiles.models import MemberProfile, SegmentRuleSet
from club.profiles.segments.selectors import segment_live_count
from club.profiles.segments.services import segments_classify

from .helpers import ON

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
SIZE = 100_000
LIVE_COUNT_BOUND_SECONDS = 2.0


def _members(size: int) -> None:
    types = [CustomerType.INDIVIDUAL] * 8 + [CustomerType.HOUSEHOLD, CustomerType.ENTERPRISE]
    Member.objects.bulk_create(
        (Member(msisdn=f"+849{i:08d}", account_number=f"S{i:09d}", customer_type=types[i % 10],
                activation_date=ON - dt.timedelta(days=(i * 37) % 4000),
                payment_plan=PaymentPlan.PREPAID if i % 3 else PaymentPlan.POSTPAID,
                plan_name="Device 24" if i % 17 == 0 else "Sao",
                attributes={"device_protection": "Yes"} if i % 23 == 0 else {},
                consent_profiling=i % 10 != 0)
         for i in range(size)),
        batch_size=5_000,
    )
    now = timezone.now()
    ids = Member.objects.order_by("pk").values_list("pk", flat=True)
    MemberProfile.objects.bulk_create(
        (MemberProfile(member_id=pk, as_of=ON, refreshed_at=now,
                       spend_12m=Decimal((n * 7919) % 30_000_000), spend_3m=Decimal((n * 7919) % 1_500_000),
                       data_mb_3m=(n * 131) % 80_000, data_mb_prev_3m=(n * 197) % 80_000,
                       top_ups_3m=n % 12, top_up_amount_3m=Decimal((n % 12) * ((n * 31) % 150_000)),
                       mean_days_between_top_ups=Decimal(90 / (n % 12)) if n % 12 > 1 else None,
                       support_contacts_90d=n % 4, arrears_episodes_12m=n % 5)
         for n, pk in enumerate(ids) if n % 50 != 0),  # every 50th member has no profile yet
        batch_size=5_000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_member; ANALYZE profiles_memberprofile")


def test_live_count_and_classification_on_100k_members():
    _members(SIZE)
    typed = SegmentRuleSet(vip_min_spend_12m=Decimal("20000000"))
    segment_live_count(rules=typed, on=ON)  # warm the caches once

    started = time.perf_counter()
    counts = segment_live_count(rules=typed, on=ON)
    live_seconds = time.perf_counter() - started
    typed.save()
    started = time.perf_counter()
    result = segments_classify(on=ON)
    classify_seconds = time.perf_counter() - started
    started = time.perf_counter()
    rerun = segments_classify(on=ON)  # nothing changed: reads only
    rerun_seconds = time.perf_counter() - started

    written = Counter(Member.objects.values_list("segment", flat=True))
    print(f"\nsegments on {SIZE:,} members: live count {live_seconds * 1000:.0f} ms, classification "
          f"{classify_seconds:.2f} s ({SIZE / classify_seconds:,.0f} members/s), "
          f"{result['segments_changed']:,} segments written; rerun {rerun_seconds:.2f} s; {dict(written)}")
    assert rerun == {"members": SIZE, "profiles_changed": 0, "segments_changed": 0}
    assert {k: v for k, v in counts.effective.items() if v} == dict(written)
    assert counts.members == SIZE and len([v for v in written.values() if v]) == 7
    assert live_seconds < LIVE_COUNT_BOUND_SECONDS
