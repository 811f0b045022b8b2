"""``dashboard``: the member portal's dashboard per second at 16 concurrent clients, against a
minimal Django view on the same server, in the same run; and its p95 at 4 clients.

value: completed ``GET /portal/`` per second, each client logged in (a session cookie) as a
different member picked at random among ``size`` members with a linked line. Every member has
a tier, spend this month and points; the clients' members also have points expiring soon, a
partner voucher redeemed and an RSVP, so every block of the page has data: tier progress and
downgrade warning, points, discounts with reasons, events, vouchers, the recommended bundle
(priced), the offers inbox. Every answer must be a 200.
baseline: ``GET /bench/minimal`` per second behind the same middleware, same cookies, same
server and clients, alternating with the dashboard in 5 time-boxed rounds of 3 s each
(bench/http_load.py: gunicorn, 2 gthread workers x 8 threads, keep-alive clients).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal

from bench.http_load import Request, compare, served

from .redemption import Client

NAME = "dashboard"
DEFAULT_SIZE = 2000  # members; each client is one of them
UNIT = "dashboards/s"
CLIENTS = 16
FEW_CLIENTS = 4
WARMUP_PER_CLIENT = 5
ROUNDS = 5
ROUND_SECONDS = 3.0  # each kind, each round
RATIO_TARGET = 0.25
P95_LIMIT_MS = 50


def run(*, size: int):
    from bench.harness import BenchResult

    clients = _prepare(size=size)
    minimal, dashboard_page = _requests(clients, "/bench/minimal"), _requests(clients, "/portal/")
    with served() as port:
        runs = compare(port, clients=CLIENTS, measured=dashboard_page, baseline=minimal,
                       few_clients=FEW_CLIENTS, few_measured=dashboard_page, rounds=ROUNDS,
                       seconds=ROUND_SECONDS, warmup=(WARMUP_PER_CLIENT, WARMUP_PER_CLIENT))
    baseline, dashboard, few, rounds = runs.baseline, runs.measured, runs.few, runs.rounds_text()
    ratio = dashboard.per_second / baseline.per_second
    notes = [
        f"dashboard: {CLIENTS} clients, {ROUNDS} rounds of {ROUND_SECONDS:.0f} s each: "
        f"{dashboard.per_second:.1f}/s, p50 {dashboard.median_ms:.1f} ms, p95 {dashboard.p95_ms:.1f} ms, "
        f"statuses {dashboard.statuses}; minimal view {baseline.per_second:.1f}/s, p50 "
        f"{baseline.median_ms:.1f} ms, p95 {baseline.p95_ms:.1f} ms; per round minimal/dashboard: {rounds}; "
        f"ratio {ratio:.3f} (target >= {RATIO_TARGET})",
        f"dashboard at {FEW_CLIENTS} clients: {few.per_second:.1f}/s, p50 {few.median_ms:.1f} ms, "
        f"p95 {few.p95_ms:.1f} ms (limit {P95_LIMIT_MS}), statuses {few.statuses}",
    ]
    if set(dashboard.statuses) != {200} or set(few.statuses) != {200}:
        raise RuntimeError(f"dashboards failed: {dashboard.statuses} {few.statuses}")
    return BenchResult(NAME, size, dashboard.per_second, UNIT, baseline.per_second, notes)


def _requests(clients: list[Client], path: str):
    def request(index: int, number: int) -> Request:
        return "GET", path, None, {"Cookie": clients[index].cookie}

    return request


def _prepare(*, size: int) -> list[Client]:
    """``size`` members with a tier, spend and points; ``CLIENTS`` of them, at random, get a
    portal login and a session, points expiring soon, a voucher and an RSVP."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.utils import timezone

    from club.events.models import EventIndexPage, EventPage
    from club.events.services import rsvp_create
    from club.members.models import Member
    from cms.demo.site import demo_site_load
    from rewards.activity.models import MonthlyActivity
    from rewards.bundles.models import BundleComponent, BundleTemplate, BundleTemplateLine
    from rewards.catalogue.models import Reward, RewardKind
    from rewards.catalogue.services import redemption_create, voucher_codes_generate
    from rewards.discounts.models import DiscountSchedule, TenureBand, VolumeBracket
    from rewards.ledger.models import PointLot, SourceType
    from rewards.ledger.services import PointsGrant, points_grant_many
    from rewards.tiers.models import MemberTier, Tier

    today, now = timezone.localdate(), timezone.now()
    rng = random.Random(20261206)
    tiers = [
        Tier.objects.create(code=code, name=name, rank=rank, min_rolling_spend=Decimal(spend), live=True)
        for code, name, rank, spend in (
            ("member", "Member", 0, 0),
            ("silver", "Silver", 10, 3_000_000),
            ("gold", "Gold", 20, 10_000_000),
            ("platinum", "Platinum", 30, 30_000_000),
        )
    ]
    schedule = DiscountSchedule.objects.create(
        name="Everyone", customer_types=["*"], stacking="best_of", valid_from=dt.date(2025, 1, 1), live=True
    )
    VolumeBracket.objects.bulk_create(
        VolumeBracket(schedule=schedule, spend_from=Decimal(s), percent=Decimal(p), sort_order=i)
        for i, (s, p) in enumerate(((10_000_000, 2), (20_000_000, 3)))
    )
    TenureBand.objects.bulk_create(
        TenureBand(schedule=schedule, years_from=y, percent=Decimal(p), sort_order=i)
        for i, (y, p) in enumerate(((1, 1), (3, 5), (5, 7)))
    )
    members = Member.objects.bulk_create(
        Member(
            msisdn=f"+8492{index:07d}",
            account_number=f"DASH{index:07d}",
            activation_date=today - dt.timedelta(days=rng.randrange(60, 3000)),
        )
        for index in range(size)
    )
    MemberTier.objects.bulk_create(
        MemberTier(
            member=m,
            tier=rng.choice(tiers),
            since=today - dt.timedelta(days=100),
            qualified_until=today + dt.timedelta(days=rng.randrange(-20, 300)),
            downgrade_due=today + dt.timedelta(days=20) if rng.random() < 0.3 else None,
        )
        for m in members
    )
    MonthlyActivity.objects.bulk_create(
        MonthlyActivity(
            member=m, month=today.replace(day=1), spend=Decimal(rng.randrange(1, 40) * 500_000), bills_paid=1
        )
        for m in members
    )
    points_grant_many(
        grants=[
            PointsGrant(
                member_id=m.pk,
                points=rng.randrange(100, 5000),
                reason="bench",
                source_type=SourceType.SYSTEM,
                source_ref="bench",
                idempotency_key=f"bench:{m.pk}",
                earned_at=now,
            )
            for m in members
        ]
    )
    chosen = rng.sample(members, CLIENTS)
    points_grant_many(
        grants=[
            PointsGrant(
                member_id=m.pk,
                points=300,
                reason="bench",
                source_type=SourceType.SYSTEM,
                source_ref="bench",
                idempotency_key=f"bench-expiring:{m.pk}",
                earned_at=now,
            )
            for m in chosen
        ]
    )
    PointLot.objects.filter(member__in=chosen, remaining=300).update(expires_at=now + dt.timedelta(days=10))
    index = EventIndexPage(title="Club events", slug="events", intro="")
    demo_site_load().add_child(instance=index)
    events = []
    for number in range(4):
        starts = now + dt.timedelta(days=10 + number)
        event = EventPage(
            title=f"Club night {number}",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            venue_name="Sao Arena",
            venue_address="1 Tràng Tiền",
            capacity=1000,
        )
        index.add_child(instance=event)
        events.append(event)
    reward = Reward.objects.create(
        name="Coffee voucher", kind=RewardKind.PARTNER_VOUCHER, points_cost=60, live=True
    )
    voucher_codes_generate(reward_id=reward.pk, count=CLIENTS * 2)
    component = BundleComponent.objects.create(
        code="data-gb",
        kind="data",
        name="Mobile data",
        unit_label="GB",
        unit_price=Decimal(10_000),
        min_quantity=1,
        max_quantity=100,
        step=1,
    )
    template = BundleTemplate.objects.create(code="everyday", name="Everyday", plan_fit="any", live=True)
    BundleTemplateLine.objects.create(template=template, component=component, quantity=10, sort_order=0)

    users = get_user_model()
    clients = []
    for number, member in enumerate(chosen):
        user = users.objects.create_user(email=f"dash{number}@example.test", password=secrets.token_hex(8))
        Member.objects.filter(pk=member.pk).update(user=user)
        assert redemption_create(
            member_id=member.pk, reward_id=reward.pk, idempotency_key=f"bench-dash-{member.pk}"
        ).is_success
        assert rsvp_create(event_id=events[number % 2].pk, member_id=member.pk).is_success
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        csrf = secrets.token_hex(16)
        clients.append(Client(cookie=f"sessionid={session.session_key}; csrftoken={csrf}", csrf=csrf))
    with connection.cursor() as cursor:  # statistics, as a database in service has them
        cursor.execute("ANALYZE")
    return clients
