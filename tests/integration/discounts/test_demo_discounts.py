"""The demo operator's discount schedules: valid, published, one per customer type, idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from club.members.models import CustomerType
from cms.demo.financial_discounts import DEMO_SCHEDULES, demo_discounts_load
from rewards.discounts.models import DiscountSchedule, TenureBand, VolumeBracket
from rewards.discounts.selectors import discount_schedule_for_customer_type
from rewards.discounts.validation import Row, schedule_problems

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("spec", DEMO_SCHEDULES, ids=[s.name for s in DEMO_SCHEDULES])
def test_demo_schedules_follow_the_admin_rules(spec):
    assert schedule_problems(
        customer_types=list(spec.customer_types), stacking=spec.stacking,
        cap_percent=Decimal(spec.cap_percent) if spec.cap_percent else None,
        valid_from=dt.date(2026, 1, 1), valid_until=None,
        volume_brackets=[Row(Decimal(s), Decimal(p)) for s, p in spec.brackets],
        tenure_bands=[Row(y, Decimal(p)) for y, p in spec.bands],
    ) == []


def test_every_customer_type_gets_a_published_schedule_and_a_second_run_changes_nothing():
    assert demo_discounts_load() == 3

    for customer_type in CustomerType.values:
        assert discount_schedule_for_customer_type(customer_type=customer_type, on=dt.date(2026, 11, 1))
    snapshot = (
        list(DiscountSchedule.objects.order_by("pk").values()),
        list(VolumeBracket.objects.order_by("pk").values()),
        list(TenureBand.objects.order_by("pk").values()),
        sum(s.revisions.count() for s in DiscountSchedule.objects.all()),
    )

    assert demo_discounts_load() == 0
    assert snapshot == (
        list(DiscountSchedule.objects.order_by("pk").values()),
        list(VolumeBracket.objects.order_by("pk").values()),
        list(TenureBand.objects.order_by("pk").values()),
        sum(s.revisions.count() for s in DiscountSchedule.objects.all()),
    )
    assert snapshot[3] == 3
    assert all(row["live"] for row in snapshot[0])
