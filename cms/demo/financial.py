"""The demo operator's financial tier: tiers, earning rules and a year of billing events.

Spend follows the shape of the public telco sample (``shared/data/telco-customers.csv``): its
monthly charges run from 18 to 119 USD with three clusters (no internet around 20, DSL around
58, fibre around 92). Here they are scaled by 4,000 VND per USD into the operator's currency, so
a postpaid bill is 72,000–476,000 VND, and varied month to month by ±15 %. Prepaid lines top up
one to four times a month. Every event goes through the real ingestion service with a
deterministic event id, so a second run applies nothing (every event is a duplicate).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from club.members.models import Member, MemberStatus
from rewards.billing.services.ingest import billing_events_ingest
from rewards.earning.models import EarningRule, EarningRuleMultiplier
from rewards.tiers.models import Tier
from rewards.tiers.services.evaluation import tier_recompute_all

from .financial_catalogue import demo_catalogue_load
from .financial_discounts import demo_discounts_load

SEED = 20261124
AS_OF = dt.date(2026, 11, 1)
MONTHS = 12
VND_PER_USD = 4000
BATCH = 10_000

# Monthly charge clusters of the telco sample (USD): (weight, low, high).
CHARGE_CLUSTERS = {
    "basic": [(1, 18, 25)],
    "dsl": [(1, 23, 46), (2, 46, 70)],
    "fibre": [(1, 68, 81), (2, 81, 101), (1, 101, 119)],
}
SEGMENT_CLUSTER = {
    "cost_cutters": "basic", "control_seekers": "basic", "curious_novices": "dsl",
    "devicers": "fibre", "performance_seekers": "fibre", "vip": "fibre", "": "dsl",
}

TIERS = [
    # code, name, rank, min 12-month spend (VND), min tenure years, discount %, multiplier, events, priority
    ("member", "Member", 0, 0, 0, "0", "1.000", False, False),
    ("silver", "Silver", 1, 1_500_000, 0, "2", "1.250", False, False),
    ("gold", "Gold", 2, 3_000_000, 2, "5", "1.500", True, False),
    ("platinum", "Platinum", 3, 4_500_000, 5, "8", "2.000", True, True),
]


@dataclass(frozen=True)
class FinancialDemoResult:
    tiers_created: int
    rules_created: int
    discount_schedules_created: int
    rewards_created: int
    redemptions_new: int
    events_sent: int
    events_applied: int
    events_duplicate: int
    events_quarantined: int


def demo_financial_load() -> FinancialDemoResult:
    tiers = _demo_tiers_load()
    rules = _demo_rules_load()
    schedules = demo_discounts_load()
    sent = applied = duplicate = quarantined = 0
    batch: list[dict] = []

    def flush():
        nonlocal applied, duplicate, quarantined
        report = billing_events_ingest(events=batch, source="file", batch_ref="demo")
        applied += report.counts.get("applied", 0) + report.counts.get("waiting", 0)
        duplicate += report.counts.get("duplicate", 0)
        quarantined += report.counts.get("quarantined", 0)
        batch.clear()

    for event in demo_billing_events():
        batch.append(event)
        sent += 1
        if len(batch) == BATCH:
            flush()
    if batch:
        flush()
    tier_recompute_all(on=dt.date.today())
    catalogue = demo_catalogue_load()
    return FinancialDemoResult(
        tiers, rules, schedules, catalogue.rewards_created, catalogue.redemptions_new,
        sent, applied, duplicate, quarantined,
    )


def _publish(obj) -> None:
    obj.save_revision().publish()


@transaction.atomic
def _demo_tiers_load() -> int:
    created = 0
    for code, name, rank, spend, tenure, discount, multiplier, events, priority in TIERS:
        if Tier.objects.filter(code=code).exists():
            continue
        tier = Tier.objects.create(
            code=code, name=name, rank=rank, min_rolling_spend=Decimal(spend), min_tenure_years=tenure,
            discount_percent=Decimal(discount), points_multiplier=Decimal(multiplier),
            event_access=events, priority_support=priority, live=False,
        )
        _publish(tier)
        created += 1
    return created


DEMO_RULES = [
    dict(name="Bills: 1 point per 10,000 VND", event_kind="bill_paid", amount_points=1,
         amount_step=Decimal(10_000), multipliers=[("customer_type", "enterprise", "1.200")]),
    dict(name="Top-ups: 1 point per 10,000 VND", event_kind="top_up", amount_points=1,
         amount_step=Decimal(10_000), multipliers=[]),
    dict(name="Data: 1 point per GB, at most 50 a month", event_kind="usage", data_points=1,
         data_step_mb=1024, cap_points=50, cap_period="month", apply_tier_multiplier=False,
         multipliers=[("segment", "performance_seekers", "1.500")]),
    dict(name="Anniversary: 100 points per year with us", event_kind="anniversary",
         anniversary_points=100, anniversary_scales_with_years=True, multipliers=[]),
]


@transaction.atomic
def _demo_rules_load() -> int:
    created = 0
    kinds = {value for value, _ in EarningRule._meta.get_field("event_kind").choices}
    for spec in DEMO_RULES:
        spec = dict(spec)
        multipliers = spec.pop("multipliers")
        if spec["event_kind"] not in kinds or EarningRule.objects.filter(name=spec["name"]).exists():
            continue
        rule = EarningRule(live=False, **spec)
        rule.multipliers = [
            EarningRuleMultiplier(dimension=dim, value=value, multiplier=Decimal(m))
            for dim, value, m in multipliers
        ]
        rule.save()
        _publish(rule)
        created += 1
    return created


def _month_starts() -> list[dt.date]:
    months, year, month = [], AS_OF.year, AS_OF.month
    for _ in range(MONTHS):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(dt.date(year, month, 1))
    return sorted(months)


def _charge_usd(rng: random.Random, segment: str) -> float:
    clusters = CHARGE_CLUSTERS[SEGMENT_CLUSTER.get(segment, "dsl")]
    _, low, high = rng.choices(clusters, weights=[c[0] for c in clusters])[0]
    return rng.uniform(low, high)


def _vnd(usd: float) -> int:
    return int(round(usd * VND_PER_USD, -3))


def demo_billing_events():
    """A year of bills, top-ups and usage for every demo member (deterministic)."""
    rng = random.Random(SEED)
    months = _month_starts()
    members = (
        Member.objects.filter(account_number__startswith="SAO")
        .exclude(status=MemberStatus.CHURNED)
        .order_by("account_number")
        .values_list("account_number", "payment_plan", "segment", "activation_date")
    )
    for account, plan, segment, activated in members.iterator(chunk_size=2000):
        base = _charge_usd(rng, segment)
        heavy = segment in {"performance_seekers", "devicers", "vip"}
        for month in months:
            if month < activated.replace(day=1):
                continue
            stamp = f"{account}-{month:%Y%m}"
            paid_on = dt.datetime(month.year, month.month, rng.randint(3, 25), 10, tzinfo=dt.UTC)
            spend = base * rng.uniform(0.85, 1.15)
            if plan == "postpaid":
                yield {"event_id": f"demo-bill-{stamp}", "kind": "bill_paid", "account_number": account,
                       "occurred_at": paid_on.isoformat(), "amount": str(_vnd(spend)),
                       "period": f"{month:%Y-%m}"}
            else:
                top_ups = rng.choice([1, 1, 2, 2, 3, 4])
                for n in range(top_ups):
                    yield {"event_id": f"demo-topup-{stamp}-{n}", "kind": "top_up", "account_number": account,
                           "occurred_at": (paid_on + dt.timedelta(days=n * 6)).isoformat(),
                           "amount": str(max(10_000, _vnd(spend / top_ups))),
                           "channel": rng.choice(["app", "scratch_card", "bank", "dealer"])}
            yield {"event_id": f"demo-usage-{stamp}", "kind": "usage", "account_number": account,
                   "occurred_at": (paid_on + dt.timedelta(days=1)).isoformat(), "period": f"{month:%Y-%m}",
                   "data_mb": int(rng.lognormvariate(9.3 if heavy else 8.2, 0.6)),
                   "voice_minutes": int(rng.lognormvariate(5.0, 0.7)), "sms": int(rng.expovariate(1 / 25))}
