"""``webhooks``: Stripe webhooks processed per second at 16 concurrent clients, against a
minimal Django view on the same server, in the same run; and the p99 at 4 clients.

value: Stripe events received AND applied per second. Each request is a distinct event of a
member's paid checkout (``customer.subscription.created``, ``invoice.paid``,
``customer.subscription.updated``, ``checkout.session.completed``, in Stripe's order; one in
four credits points), signed the moment before it is sent with the server's webhook secret. The
request does the SDK's signature check on the raw body and the inbox insert, and answers; a
Celery worker (one process, started with the server) drains the inbox: the members' locks, the
membership writes, the ledger credits for invoices, the inbox outcomes. A round's time runs
until the drain has left no event pending, so the value counts applied events, not answers.
Every answer must be a 200, and afterwards every event is processed (none pending or failed), the
inbox holds every event once and each invoice one credit. The notes give the time from receipt
to application (p50, p99).
baseline: ``GET /bench/minimal`` per second behind the same middleware, same server and clients,
alternating with the webhooks in 5 time-boxed rounds of 3 s each (bench/http_load.py: gunicorn,
2 gthread workers x 8 threads, keep-alive clients). Each client sends the events of its own
members, in order, as Stripe would for one subscription, each signed the moment before it is
sent (the signature's age must stay < 300 s).
"""

from __future__ import annotations

import os
import time

from bench.http_load import Request, compare, served

NAME = "webhooks"
DEFAULT_SIZE = 1500  # events ready per client at 16 clients, 4x that per client at 4 (a quarter of
# them paid invoices); a round sends as many as it can in its time, and the run fails if a
# client runs out
UNIT = "webhooks/s"
CLIENTS = 16
FEW_CLIENTS = 4
ROUNDS = 5
ROUND_SECONDS = 3.0  # each kind, each round
RATIO_TARGET = 0.30
P99_LIMIT_MS = 100
SECRET = "whsec_bench_troika"
POINTS = 100


def run(*, size: int):
    from django.conf import settings

    from bench.harness import BenchResult, BenchUnavailable

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        raise BenchUnavailable("the webhooks bench needs a Celery broker: set REDIS_URL=redis://host:6379/N")
    os.environ["STRIPE_WEBHOOK_SECRET"] = SECRET  # the server process reads it at start
    events = _prepare(clients=CLIENTS + FEW_CLIENTS * 4, events_per_client=size)
    webhooks_of = _webhooks(events[:CLIENTS])
    few_webhooks = _webhooks(  # their own members; each of the 4 clients sends about 4x more
        [sum(events[CLIENTS + 4 * n:CLIENTS + 4 * n + 4], []) for n in range(FEW_CLIENTS)]
    )
    with served(celery_worker=True) as port:  # warm-up of the webhooks: one checkout per client
        runs = compare(port, clients=CLIENTS, measured=webhooks_of, few_clients=FEW_CLIENTS,
                       few_measured=few_webhooks, rounds=ROUNDS, seconds=ROUND_SECONDS, settle=_drained)
    if webhooks_of.exhausted or few_webhooks.exhausted:
        raise RuntimeError(f"clients ran out of events: run with --size larger than {size}")
    sent = sum(len(per_client) for per_client in webhooks_of.sent + few_webhooks.sent)
    checks = _check(expected_events=sent)
    baseline, webhooks, few, few_minimal, rounds = (
        runs.baseline, runs.measured, runs.few, runs.few_baseline, runs.rounds_text()
    )
    ratio = webhooks.per_second / baseline.per_second
    notes = [
        f"webhooks: {CLIENTS} clients, {ROUNDS} rounds of {ROUND_SECONDS:.0f} s each: "
        f"{webhooks.per_second:.1f}/s, "
        f"p50 {webhooks.median_ms:.1f} ms, p99 {webhooks.p99_ms:.1f} ms, statuses {webhooks.statuses}; "
        f"minimal view {baseline.per_second:.1f}/s, p50 {baseline.median_ms:.1f} ms, "
        f"p99 {baseline.p99_ms:.1f} ms; "
        f"per round minimal/webhooks: {rounds}; ratio {ratio:.3f} (target >= {RATIO_TARGET})",
        f"webhooks at {FEW_CLIENTS} clients: {few.per_second:.1f}/s, p50 {few.median_ms:.1f} ms, "
        f"p99 {few.p99_ms:.1f} ms (limit {P99_LIMIT_MS}), statuses {few.statuses}; minimal view at "
        f"{FEW_CLIENTS}: p99 {few_minimal.p99_ms:.1f} ms; {checks}",
    ]
    if set(webhooks.statuses) != {200} or set(few.statuses) != {200}:
        raise RuntimeError(f"webhooks failed: {webhooks.statuses} {few.statuses}")
    return BenchResult(NAME, size, webhooks.per_second, UNIT, baseline.per_second, notes)


def _prepare(*, clients: int, events_per_client: int) -> list[list[tuple[str, str]]]:
    """Per client, the events (id, JSON body) of its own members' checkouts, in Stripe's order;
    one price."""
    import json
    from decimal import Decimal

    from django.utils import timezone

    from club.members.models import Member
    from club.membership.fake_stripe import FakeStripe
    from club.membership.models import MembershipPrice

    price = MembershipPrice.objects.create(name="Bench monthly", stripe_price_id="price_bench", live=True,
                                           amount=Decimal("99000"), points_per_invoice=POINTS)
    checkouts = events_per_client // 4 + 1
    members = Member.objects.bulk_create(
        Member(msisdn=f"+8492{n:07d}", account_number=f"WHB{n:07d}", activation_date=timezone.localdate())
        for n in range(clients * checkouts)
    )
    stripe_side = FakeStripe(now=int(time.time()) - 600, prefix="bench")
    per_client: list[list[tuple[str, str]]] = [[] for _ in range(clients)]
    for index, member in enumerate(members):
        per_client[index % clients] += [
            (event["id"], json.dumps(event, separators=(",", ":")))
            for event in stripe_side.checkout(
                member_id=member.pk, price_id=price.stripe_price_id, amount=99000
            )
        ]
    return per_client


class _webhooks:
    """Each client's events in order, one request after another across the rounds; each body
    is signed when it is about to be sent. ``sent`` keeps what each client sent; ``exhausted``
    says a client asked for more than it had (a run too short of events)."""

    def __init__(self, events: list[list[tuple[str, str]]]):
        self.events = events
        self.sent: list[list[str]] = [[] for _ in events]
        self.exhausted = False

    def __call__(self, client: int, number: int) -> Request | None:
        import stripe

        mine = self.events[client]
        position = len(self.sent[client])
        if position == len(mine):
            self.exhausted = True
            return None
        event_id, body = mine[position]
        self.sent[client].append(event_id)
        header = stripe.WebhookSignature.generate_signature_header(body, SECRET, timestamp=int(time.time()))
        return "POST", "/webhooks/stripe/", body.encode(), {"Stripe-Signature": header,
                                                   "Content-Type": "application/json"}


SETTLE_LIMIT = 300.0  # seconds the drain may take after a round before the run fails


def _drained() -> None:
    """Return once no event is pending (the worker applied everything sent so far)."""
    from club.membership.models import StripeEventInbox

    deadline = time.monotonic() + SETTLE_LIMIT
    while StripeEventInbox.objects.filter(processed_at__isnull=True).exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"events still pending {SETTLE_LIMIT:.0f} s after a round: is the worker up?")
        time.sleep(0.01)


def _check(*, expected_events: int) -> str:
    from django.db import connection
    from django.db.models import Count, Q

    from club.membership.models import ClubMembership, StripeEventInbox
    from rewards.ledger.models import LedgerEntry

    inbox = StripeEventInbox.objects.count()
    unapplied = StripeEventInbox.objects.filter(Q(processed_at__isnull=True) | Q(outcome="failed")).count()
    invoices = StripeEventInbox.objects.filter(type="invoice.paid").count()
    credits = LedgerEntry.objects.filter(idempotency_key__startswith="membership:invoice:").count()
    doubled = (LedgerEntry.objects.values("source_ref").annotate(n=Count("id")).filter(n__gt=1).count())
    memberships = ClubMembership.objects.count()
    if inbox != expected_events or credits != invoices or doubled or unapplied:
        raise RuntimeError(
            f"expected {expected_events} inbox rows, all processed, and one credit per invoice; found "
            f"{inbox} rows ({unapplied} pending or failed), {credits} credits for {invoices} invoices, "
            f"{doubled} doubled"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY "
            "extract(epoch FROM processed_at - received_at)) FROM " + StripeEventInbox._meta.db_table
        )
        lag_p50, lag_p99 = cursor.fetchone()[0]
    return (f"checked: {inbox} inbox rows = events sent, all processed, {credits} credits = paid invoices, "
            f"{memberships} memberships; received to applied p50 {lag_p50 * 1000:.0f} ms, "
            f"p99 {lag_p99 * 1000:.0f} ms")
