"""A few thousand subscribers across customer types, plans, regions, tenures and segments.

Rows are generated deterministically (a fixed seed and a fixed as-of date) in the canonical
import format and go through the subscriber import itself, so the demo exercises the same
idempotent upsert that the operator's files do.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from club.members.models import Interest, Member
from club.members.services.importing import (
    ImportReport,
    import_mapping_load,
    subscriber_import_records,
)

SEED = 20261101
AS_OF = dt.date(2026, 11, 1)

# (region, weight, remote): service reaches remote provinces too, not only the cities.
REGIONS = [
    ("Hà Nội", 26, False), ("TP Hồ Chí Minh", 30, False), ("Đà Nẵng", 8, False),
    ("Hải Phòng", 7, False), ("Cần Thơ", 6, False), ("Nghệ An", 6, True),
    ("Lào Cai", 4, True), ("Điện Biên", 3, True), ("Cà Mau", 5, True), ("Gia Lai", 5, True),
]
LANGUAGES = [("vi", 86), ("en", 8), ("zh-hans", 4), ("ru", 2)]
CUSTOMER_TYPES = [("individual", 74), ("household", 14), ("enterprise", 10), ("government", 2)]
INTERESTS = [
    ("football", "Football"), ("music", "Music"), ("travel", "Travel"), ("gaming", "Gaming"),
    ("technology", "Technology"), ("family", "Family"), ("business", "Business"),
    ("film", "Film and series"),
]
PLANS = {
    "prepaid": ["Sao Prepaid Basic", "Sao Prepaid Data 30", "Sao Prepaid Control"],
    "postpaid": ["Sao Postpaid 199", "Sao Postpaid 399 Unlimited", "Sao Business Pro",
                 "Sao Family Share"],
}


@dataclass(frozen=True)
class SubscriberDemoResult:
    report: ImportReport
    interests_linked: int


def _weighted(rng: random.Random, options):
    values = [o[0] for o in options]
    weights = [o[1] for o in options]
    return rng.choices(values, weights=weights, k=1)[0]


def _segment(rng: random.Random, customer_type: str, plan: str, age: int | None) -> str:
    """A believable segment from the subscriber's shape (the segment rules come in issue 7)."""
    if customer_type in {"enterprise", "government"}:
        return rng.choice(["vip", "vip", "performance_seekers"])
    if plan == "prepaid":
        return rng.choice(["control_seekers", "control_seekers", "cost_cutters", "curious_novices"])
    if age is not None and age >= 60:
        return rng.choice(["curious_novices", "cost_cutters"])
    if age is not None and age < 30:
        return rng.choice(["devicers", "performance_seekers", "devicers"])
    return rng.choice(["performance_seekers", "vip", "cost_cutters", "devicers"])


def demo_subscriber_rows(*, count: int) -> list[dict[str, str]]:
    rng = random.Random(SEED)
    rows = []
    for index in range(count):
        customer_type = _weighted(rng, CUSTOMER_TYPES)
        prepaid_share = {"individual": 0.62, "household": 0.25}.get(customer_type, 0.0)
        plan = "prepaid" if rng.random() < prepaid_share else "postpaid"
        tenure_days = int(rng.triangular(0, 10 * 365, 2 * 365))
        activation = AS_OF - dt.timedelta(days=tenure_days)
        age = rng.randint(16, 82) if customer_type in {"individual", "household"} else None
        birth = (AS_OF - dt.timedelta(days=age * 365 + rng.randint(0, 364))) if age else None
        status_roll = rng.random()
        status, churn_reason = "active", ""
        if status_roll > 0.97:
            status, churn_reason = "churned", "lost_to_competitor"
        elif status_roll > 0.95:
            status, churn_reason = "churned", "voluntary"
        elif status_roll > 0.91:
            status = "in_arrears"
        elif status_roll > 0.89:
            status = "suspended"
        marketing = rng.random() < 0.7
        rows.append({
            "account_number": f"SAO{index + 1:07d}",
            "msisdn": f"+849{(index * 7919 + 1_000_003) % 100_000_000:08d}",
            "customer_type": customer_type,
            "activation_date": activation.isoformat(),
            "payment_plan": plan,
            "tariff_kind": "flat_rate" if "Unlimited" in (p := rng.choice(PLANS[plan])) else "metered",
            "plan_name": p,
            "region": (region := _weighted(rng, REGIONS)),
            "city": region,
            "language": _weighted(rng, LANGUAGES),
            "birth_date": birth.isoformat() if birth else "",
            "status": status,
            "churn_reason": churn_reason,
            "segment": _segment(rng, customer_type, plan, age),
            "consent_marketing": str(marketing).lower(),
            "consent_profiling": str(rng.random() < 0.6).lower(),
            "consent_email": str(marketing and rng.random() < 0.8).lower(),
            "consent_sms": str(marketing and rng.random() < 0.6).lower(),
            "time_zone": "Asia/Ho_Chi_Minh",
            "billing_detail": str(rng.randrange(50_000, 2_500_000, 1_000)),
        })
    return rows


def demo_subscribers_load(*, count: int) -> SubscriberDemoResult:
    """The demo's subscribers, imported. A segment in the rows is a new member's starting point:
    once the segment rules have classified a member (the profiles pipeline runs as their
    billing events arrive), a later load keeps the member's segment rather than undo it."""
    rows = demo_subscriber_rows(count=count)
    held = dict(Member.objects.filter(account_number__in=[row["account_number"] for row in rows])
                .values_list("account_number", "segment"))
    for row in rows:
        if row["account_number"] in held:
            row["segment"] = held[row["account_number"]]
    report = subscriber_import_records(
        records=rows,
        mapping=import_mapping_load("troika-canonical"),
        all_or_nothing=True,
    )
    return SubscriberDemoResult(report=report, interests_linked=_demo_interests_link())


def _demo_interests_link() -> int:
    """Give members two or three interests each; existing links are left as they are."""
    Interest.objects.bulk_create(
        [Interest(slug=slug, name=name) for slug, name in INTERESTS], ignore_conflicts=True
    )
    interest_ids = list(Interest.objects.filter(slug__in=[s for s, _ in INTERESTS])
                        .order_by("slug").values_list("pk", flat=True))
    through = Member.interests.through
    rng = random.Random(SEED + 1)
    links = []
    member_ids = Member.objects.filter(account_number__startswith="SAO").order_by("account_number")
    for member_id in member_ids.values_list("pk", flat=True).iterator(chunk_size=2000):
        for interest_id in rng.sample(interest_ids, k=rng.choice([2, 2, 3])):
            links.append(through(member_id=member_id, interest_id=interest_id))
    before = through.objects.count()
    through.objects.bulk_create(links, ignore_conflicts=True, batch_size=2000)
    return through.objects.count() - before
