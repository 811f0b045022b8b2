"""The r19 soak's world (what exists before the stream starts) and the runner that applies the
stream's steps to it, as the operator's clients would (docs/soak.md)."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import kombu.exceptions
import redis
from django.db import transaction
from django.test import Client
from django.utils import timezone

from campaigns.sends.services import sends_tick
from club.events.selectors import access_ticket
from club.events.services import rsvp_cancel, rsvp_create
from club.members.models import Member
from club.membership.fake_stripe import FakeStripe
from partners.copromotions.member_codes import access_partner_code_for_member
from partners.copromotions.models import PromotionCode
from rewards.billing.services import MAX_BATCH, billing_events_ingest
from rewards.billing.services.ingest import BatchTooLarge
from rewards.catalogue.models import Redemption
from rewards.catalogue.services import redemption_cancel, redemption_create
from rewards.earning.models import EarningRule
from tests.integration.catalogue.factories import RewardFactory, give_points
from tests.integration.contact.factories import campaign, policy
from tests.integration.events.conftest import make_event, make_index
from tests.integration.partners.copromotion_factories import partner_with_user
from tests.integration.partners.partner_api_helpers import Caller, key_for, make_world
from tests.membership_stripe import deliver_as, make_price

from .soak_support import (
    BILL_STEP,
    DATA_STEP,
    TOP_UP_STEP,
    Sizes,
    msisdn,
)
from .test_r4_stripe_webhooks_replayed_shuffled_parallel import HOUR, _story

CLIENTS, STRIPE_MEMBERS, COPIES = 3, 24, 2
SMS_CAP, SMS_COST, START_POINTS = 2, Decimal(500), 1000
PARTNER_POINTS, FUNDING, PRICE_PER_POINT = 50, Decimal(2000), Decimal(100)
PARTNER_COST = FUNDING + PARTNER_POINTS * PRICE_PER_POINT
STRIPE_EPOCH = 1_796_000_000  # Stripe's clock in the stories, fixed so the seed alone makes the stream
OUTAGES = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
    ConnectionError,
)


class _RolledBack(Exception):
    pass


def is_outage(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, OUTAGES):
            return True
        error = error.__cause__ or error.__context__
    return False


@dataclass
class World:
    sizes: Sizes
    member_ids: list[int]
    bad_member_id: int
    reward_ids: list[int]
    stocks: dict[int, int]
    codes: list[str]
    code_ids: list[int]
    partner_secret: str
    other_secret: str
    other_partner_id: int
    event_ids: list[int]
    stories: dict[int, list[dict]]
    fake_stripe: FakeStripe
    deliveries: list[tuple[dict, str]]
    attack_ids: set[str]
    stripe_rng: random.Random


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    violations: list[str] = field(default_factory=list)
    retry: list = field(default_factory=list)
    outage_errors: int = 0
    steps: int = 0
    events_sent: int = 0
    redemptions: int = 0
    webhooks: int = 0
    delivered_stripe: set = field(default_factory=set)
    redeem_answers: dict = field(default_factory=lambda: defaultdict(set))
    partner_answers: dict = field(default_factory=lambda: defaultdict(set))
    kills: int = 0
    drains_interrupted: int = 0  # kills that rolled back the batch a worker's drain held
    replays: int = 0
    in_flight_at_kills: set = field(default_factory=set)
    snapshot: dict = field(default_factory=dict)
    refreshes_pending_max: int = 0  # the profile-refresh backlog's peak, sampled by the beat

    def violation(self, text: str) -> None:
        with self.lock:
            self.violations.append(text)


def world_build(seed: int) -> World:
    sizes = Sizes()
    Member.objects.bulk_create(
        [
            Member(
                msisdn=msisdn(i),
                account_number=f"R19-{i:06d}",
                activation_date=dt.date(2020, 5, 1),
                consent_marketing=True,
                consent_sms=True,
                consent_portal=True,
                consent_email=True,
                time_zone="Asia/Ho_Chi_Minh",
            )
            for i in range(sizes.members)
        ]
    )
    members = list(Member.objects.filter(account_number__startswith="R19-").order_by("account_number"))
    for member in members[: sizes.spenders]:
        give_points(member, START_POINTS)
    bad = Member.objects.create(
        msisdn="+84939999999", account_number="R19-BAD", activation_date=dt.date(2020, 5, 1)
    )
    give_points(bad, START_POINTS)
    EarningRule.objects.create(
        name="Bills", event_kind="bill_paid", amount_points=1, amount_step=BILL_STEP, live=True
    )
    EarningRule.objects.create(
        name="Top-ups", event_kind="top_up", amount_points=1, amount_step=TOP_UP_STEP, live=True
    )
    EarningRule.objects.create(
        name="Data", event_kind="usage", data_points=1, data_step_mb=DATA_STEP, live=True
    )
    rewards = [RewardFactory(points_cost=cost, stock=stock) for cost, stock in sizes.rewards]
    policy(sms_max=SMS_CAP, sms_cost=SMS_COST)

    world = make_world(
        Client(),
        "Streamly",
        codes=sizes.codes,
        benefit_kind="bonus_points",
        bonus_points=PARTNER_POINTS,
        funding=FUNDING,
        price_per_point=PRICE_PER_POINT,
        budget=PARTNER_COST * (sizes.codes * 2 // 3),
    )
    other = partner_with_user("Otherbrand")
    index = make_index()
    events = [
        make_event(index, title=f"Soak night {n}", slug=f"soak-{n}", capacity=capacity)
        for n, capacity in enumerate(sizes.events)
    ]

    fake_stripe = FakeStripe(now=STRIPE_EPOCH, prefix=f"s{seed % 1000}")
    price = make_price()
    stripe_members = Member.objects.bulk_create(
        [
            Member(
                msisdn=f"+84948{i:06d}", account_number=f"R19-S{i:04d}", activation_date=dt.date(2021, 1, 1)
            )
            for i in range(STRIPE_MEMBERS)
        ]
    )
    stripe_members = list(
        Member.objects.filter(account_number__startswith="R19-S").order_by("account_number")
    )
    stories = {
        m.pk: _story(fake_stripe, m.pk, price.stripe_price_id, i % 6) for i, m in enumerate(stripe_members)
    }
    events_flat = [e for story in stories.values() for e in story]
    attacks = []
    for number, subscription in enumerate(
        s for s in fake_stripe.subscriptions.values() if s["status"] != "canceled"
    ):
        cancel = fake_stripe._event("customer.subscription.deleted", {**subscription, "status": "canceled"})
        cancel["created"] = fake_stripe.now + 36000
        attacks.append((cancel, "forged" if number % 2 else "stale"))
    deliveries = [(e, "signed") for e in events_flat for _ in range(COPIES)] + attacks
    random.Random(seed).shuffle(deliveries)
    return World(
        sizes=sizes,
        member_ids=[m.pk for m in members],
        bad_member_id=bad.pk,
        reward_ids=[r.pk for r in rewards],
        stocks={r.pk: s for r, (_c, s) in zip(rewards, sizes.rewards, strict=True)},
        codes=world.codes,
        code_ids=list(
            PromotionCode.objects.filter(code__in=world.codes).order_by("code").values_list("pk", flat=True)
        ),
        partner_secret=world.caller.secret,
        other_secret=key_for(other).secret,
        other_partner_id=other.partner_id,
        event_ids=[e.pk for e in events],
        stories=stories,
        fake_stripe=fake_stripe,
        deliveries=deliveries,
        attack_ids={e["id"] for e, _how in attacks},
        stripe_rng=random.Random(seed * 13 + 5),
    )


def stripe_renewals(world: World) -> list[int]:
    """The next round of every live subscription's story, as Stripe goes on sending it: a
    period ends and is paid (or fails, then ``past_due``; a ``past_due`` one recovers). The
    events join the member's story and the deliveries (each twice, shuffled); returns their
    indexes. Called by the stream (one thread), so the seed alone makes them."""
    fake, rng, fresh = world.fake_stripe, world.stripe_rng, []
    for story in world.stories.values():
        last = [e for e in story if e["type"].startswith("customer.subscription.")][-1]
        subscription = fake.subscriptions[last["data"]["object"]["id"]]
        if subscription["status"] == "canceled":
            continue
        fake.tick(HOUR)
        if subscription["status"] == "past_due":
            events = fake.recover(subscription["id"])
        else:
            events = fake.renew(subscription["id"], paid=rng.random() < 0.8)
        story += events
        fresh += [(e, "signed") for e in events for _ in range(COPIES)]
    rng.shuffle(fresh)
    start = len(world.deliveries)
    world.deliveries.extend(fresh)
    return list(range(start, len(world.deliveries)))


class Runner:
    """Executes steps; an error caused by the Redis outage puts the step back for a retry (the
    client retries, as a real one would); any other error is a broken invariant."""

    def __init__(self, world: World, tally: Tally):
        self.world, self.tally = world, tally
        self.local = threading.local()

    def callers(self) -> tuple[Caller, Caller]:
        if not hasattr(self.local, "client"):
            self.local.client = Client()
        client = self.local.client
        return Caller(client, self.world.partner_secret), Caller(client, self.world.other_secret)

    def run(self, step) -> bool:
        try:
            getattr(self, f"_{step.kind}")(step.payload)
        except Exception as error:  # classified below: the test fails on any but an outage
            if is_outage(error):
                with self.tally.lock:
                    self.tally.outage_errors += 1
                    self.tally.retry.append(step)
                return False
            self.tally.violation(f"step {step.number} ({step.kind}) raised {type(error).__name__}: {error}")
        return True

    def _billing(self, payload) -> None:
        billing_events_ingest(events=payload["events"], source="api")
        with self.tally.lock:
            self.tally.events_sent += len(payload["events"])

    def _stripe(self, payload) -> None:
        client = self.callers()[0].client
        for index in payload["deliveries"]:
            event, how = self.world.deliveries[index]
            answer = deliver_as(client, event, how)
            expected = 200 if how == "signed" else 400
            if answer.status_code != expected:
                self.tally.violation(f"stripe: a {how} event answered {answer.status_code}, not {expected}")
            with self.tally.lock:
                self.tally.webhooks += 1
                if how == "signed":
                    self.tally.delivered_stripe.add(event["id"])

    def _redeem(self, payload) -> None:
        member_id, reward_id = (
            self.world.member_ids[payload["member"]],
            self.world.reward_ids[payload["reward"]],
        )
        result = redemption_create(member_id=member_id, reward_id=reward_id, idempotency_key=payload["key"])
        if result.is_success:
            with self.tally.lock:
                self.tally.redeem_answers[payload["key"]].add(result.receipt.redemption_id)

    def _partner(self, payload) -> None:
        caller, _other = self.callers()
        answer = caller.redeem(self.world.codes[payload["code"]], key=payload["key"], reference="soak")
        if answer.status_code >= 500:
            self.tally.violation(f"partner: redeem answered {answer.status_code}")
        elif answer.status_code == 200:
            with self.tally.lock:
                self.tally.partner_answers[payload["key"]].add(answer.json()["redemption_id"])

    def _rsvp(self, payload) -> None:
        member_id = self.world.member_ids[
            self.world.sizes.spenders
            + payload["member"] % (self.world.sizes.members - self.world.sizes.spenders)
        ]
        event_id = self.world.event_ids[payload["event"]]
        if payload["cancel"]:
            rsvp_cancel(event_id=event_id, member_id=member_id)
        else:
            rsvp_create(event_id=event_id, member_id=member_id)

    def _campaign(self, payload) -> None:
        index = payload["index"]
        with transaction.atomic():  # the campaign with its messages, or nothing
            campaign(
                name=f"soak-c{index:02d}",
                send_sms=True,
                send_portal=True,
                budget=SMS_COST * 40 if index % 2 else None,
            )

    def _rolled_back(self, payload) -> None:
        """Work that rolls back must have no side effect: no task, no SMS, no outbox row."""
        with contextlib.suppress(_RolledBack), transaction.atomic():
            campaign(name="soak-rolled-back", send_sms=True, send_portal=True)
            sends_tick(now=timezone.now())
            redemption_create(
                member_id=self.world.member_ids[0],
                reward_id=self.world.reward_ids[0],
                idempotency_key="soak-rolled-back",
            )
            raise _RolledBack

    def _probe(self, payload) -> None:
        """Cross-member and cross-partner reads and writes: refused, nothing changed."""
        world, which = self.world, payload["which"]
        a, b = world.member_ids[payload["a"]], world.member_ids[payload["b"]]
        if which == 0 and a != b:
            theirs = Redemption.objects.filter(member_id=a).exclude(state="cancelled").first()
            if theirs is not None:
                result = redemption_cancel(redemption_id=theirs.pk, reason="probe", member_id=b)
                theirs_now = Redemption.objects.get(pk=theirs.pk).state
                if result.is_success or theirs_now == "cancelled":
                    self.tally.violation(f"isolation: member {b} cancelled member {a}'s redemption")
        elif which == 1:
            if access_ticket(event_id=world.event_ids[payload["event"]], member_id=a) is not None:
                self.tally.violation(f"isolation: member {a} (no RSVP) got a ticket")
        elif which == 2:
            _caller, other = self.callers()
            answer = other.redeem(world.codes[payload["code"]], key=f"probe-{time.monotonic_ns()}")
            if not 400 <= answer.status_code < 500:
                self.tally.violation(f"isolation: another partner's redeem answered {answer.status_code}")
        elif (
            access_partner_code_for_member(
                member_id=a, code_id=world.code_ids[payload["code"]], language="en"
            )
            is not None
        ):
            self.tally.violation(f"isolation: member {a} read a partner code given to someone else")

    def _bad(self, payload) -> None:
        """Bad input: a clear refusal, nothing written (checked at the end)."""
        which = payload["which"]
        if which == 0:
            with contextlib.suppress(ValueError):
                result = redemption_create(
                    member_id=self.world.bad_member_id, reward_id=self.world.reward_ids[0], idempotency_key=""
                )
                if result.is_success:
                    self.tally.violation("bad input: a redemption with an empty key succeeded")
        elif which == 1:
            caller, _other = self.callers()
            answer = caller.post("/codes/redeem", {"reference": "no code"}, key=f"bad-{time.monotonic_ns()}")
            if not 400 <= answer.status_code < 500 or not answer.json():
                self.tally.violation(f"bad input: a redeem without a code answered {answer.status_code}")
        else:
            too_many = [
                {
                    "event_id": f"toolarge-{i}",
                    "kind": "top_up",
                    "msisdn": msisdn(0),
                    "amount": "20000",
                    "occurred_at": "2026-10-01T10:00:00+07:00",
                }
                for i in range(MAX_BATCH + 1)
            ]
            with contextlib.suppress(BatchTooLarge):
                billing_events_ingest(events=too_many, source="api")
                self.tally.violation("bad input: a batch over the limit was accepted")
