"""The demo operator's volume and tenure discount schedules, one per customer type.

Amounts fit the demo's spend (``cms/demo/financial.py``): a line's bills come to about
0.9–5.7 million VND a year. Consumers add volume and tenure up to a 6 % cap; business and
public-sector accounts get the better of the two. Each schedule is created and published once,
found by name afterwards: a second run changes nothing, and a marketer's later edits are kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from club.members.models import CustomerType
from rewards.discounts.choices import Stacking
from rewards.discounts.models import DiscountSchedule, TenureBand, VolumeBracket

VALID_FROM = dt.date(2026, 1, 1)


@dataclass(frozen=True)
class DemoSchedule:
    name: str
    customer_types: tuple[str, ...]
    stacking: str
    cap_percent: str | None
    brackets: tuple[tuple[int, str], ...]  # rolling 12-month spend from (VND), percent
    bands: tuple[tuple[int, str], ...]  # years with us from, percent


DEMO_SCHEDULES = [
    DemoSchedule(
        "Consumer lines 2026", (CustomerType.INDIVIDUAL, CustomerType.HOUSEHOLD), Stacking.SUM_CAPPED, "6",
        brackets=((1_200_000, "1"), (2_400_000, "2"), (4_000_000, "3")),
        bands=((2, "1"), (5, "2"), (10, "3")),
    ),
    DemoSchedule(
        "Enterprise accounts 2026", (CustomerType.ENTERPRISE,), Stacking.BEST_OF, None,
        brackets=((1_000_000, "2"), (3_000_000, "4"), (5_000_000, "6")),
        bands=((3, "3"), (7, "5")),
    ),
    DemoSchedule(
        "Public sector 2026", (CustomerType.GOVERNMENT,), Stacking.BEST_OF, None,
        brackets=((2_000_000, "3"), (5_000_000, "5")),
        bands=((2, "2"), (5, "4")),
    ),
]


def _schedule_create(spec: DemoSchedule) -> DiscountSchedule:
    schedule = DiscountSchedule(
        name=spec.name, customer_types=list(spec.customer_types), stacking=spec.stacking,
        cap_percent=Decimal(spec.cap_percent) if spec.cap_percent else None,
        valid_from=VALID_FROM, live=False,
        volume_brackets=[VolumeBracket(spend_from=Decimal(spend), percent=Decimal(percent), sort_order=i)
                         for i, (spend, percent) in enumerate(spec.brackets)],
        tenure_bands=[TenureBand(years_from=years, percent=Decimal(percent), sort_order=i)
                      for i, (years, percent) in enumerate(spec.bands)],
    )
    schedule.save()
    schedule.save_revision().publish()
    return schedule


@transaction.atomic
def demo_discounts_load() -> int:
    """Create and publish the demo schedules that do not exist yet; returns how many."""
    existing = set(DiscountSchedule.objects.filter(
        name__in=[s.name for s in DEMO_SCHEDULES]).values_list("name", flat=True))
    created = [_schedule_create(spec) for spec in DEMO_SCHEDULES if spec.name not in existing]
    return len(created)
