"""``webhooks``: Stripe webhooks processed per second at 16 concurrent clients, against a
minimal Django view on the same server, in the same run; and the p99 at 4 clients.

value: completed ``POST /webhooks/stripe/`` per second. Each request is a distinct event of a
member's paid checkout (``customer.subscription.created``, ``invoice.paid``,
``customer.subscription.updated``, ``checkout.session.completed``, in Stripe's order; one in
four credits points), signed the moment before its round with the server's webhook secret: the
whole path is the SDK's signature check on the raw body, the inbox insert, the member's lock,
the membership write, the ledger credit for invoices, the inbox outcome. Every answer must be a
200, and afterwards the inbox holds every event once and each invoice one credit.
baseline: ``GET /bench/minimal`` per second behind the same middleware, same server and clients,
alternating with the webhooks in 5 rounds (``redemption``'s server harness: gunicorn, 2 gthread
workers x 8 threads, keep-alive clients). Each client sends the events of its own members, in
order, as Stripe would for one subscription.
"""

from __future__ import annotations

import http.client
import os
import threading
import time

from .redemption import Load, _send, served

NAME = "webhooks"
DEFAULT_SIZE = 4000  # events at 16 clients (a quarter of them paid invoices)
UNIT = "webhooks/s"
CLIENTS = 16
FEW_CLIENTS = 4
ROUNDS = 5
FEW_EVENTS = 800
RATIO_TARGET = 0.30
P99_LIMIT_MS = 100
SECRET = "whsec_bench_troika"
POINTS = 100


def run(*, size: int):
    from bench.harness import BenchResult

    os.environ["STRIPE_WEBHOOK_SECRET"] = SECRET  # the server process reads it at start
    per_round = max(size // CLIENTS // ROUNDS // 4 * 4, 4)
    few_per_client = max(FEW_EVENTS // FEW_CLIENTS // 4 * 4, 4)
    events = _prepare(clients=CLIENTS, events_per_client=per_round * (ROUNDS + 1) + few_per_client)
    with served() as port:
        _load(port, CLIENTS, _minimal(), 5)
        _load(port, CLIENTS, _webhooks(events, 0, 4), 4)  # warm-up: one checkout per client
        minimal_rounds, webhook_rounds = [], []
        for number in range(ROUNDS):
            minimal_rounds.append(_load(port, CLIENTS, _minimal(), per_round))
            start = 4 + number * per_round
            webhook_rounds.append(_load(port, CLIENTS, _webhooks(events, start, per_round), per_round))
        start = 4 + ROUNDS * per_round
        few = _load(port, FEW_CLIENTS, _webhooks(events, start, few_per_client), few_per_client)
        few_minimal = _load(port, FEW_CLIENTS, _minimal(), few_per_client)
    sent = CLIENTS * (4 + ROUNDS * per_round) + FEW_CLIENTS * few_per_client
    checks = _check(expected_events=sent)
    baseline, webhooks = Load.combined(minimal_rounds), Load.combined(webhook_rounds)
    rounds = ", ".join(f"{m.per_second:.0f}/{w.per_second:.0f}"
                       for m, w in zip(minimal_rounds, webhook_rounds, strict=True))
    ratio = webhooks.per_second / baseline.per_second
    notes = [
        f"webhooks: {CLIENTS} clients, {ROUNDS} rounds x {per_round} each: {webhooks.per_second:.1f}/s, "
        f"p50 {webhooks.median_ms:.1f} ms, p99 {_p99(webhooks):.1f} ms, statuses {webhooks.statuses}; "
        f"minimal view {baseline.per_second:.1f}/s, p50 {baseline.median_ms:.1f} ms, "
        f"p99 {_p99(baseline):.1f} ms; "
        f"per round minimal/webhooks: {rounds}; ratio {ratio:.3f} (target >= {RATIO_TARGET})",
        f"webhooks at {FEW_CLIENTS} clients: {few.per_second:.1f}/s, p50 {few.median_ms:.1f} ms, "
        f"p99 {_p99(few):.1f} ms (limit {P99_LIMIT_MS}), statuses {few.statuses}; minimal view at "
        f"{FEW_CLIENTS}: p99 {_p99(few_minimal):.1f} ms; {checks}",
    ]
    if set(webhooks.statuses) != {200} or set(few.statuses) != {200}:
        raise RuntimeError(f"webhooks failed: {webhooks.statuses} {few.statuses}")
    return BenchResult(NAME, size, webhooks.per_second, UNIT, baseline.per_second, notes)


def _p99(load: Load) -> float:
    return load.latencies[max(int(len(load.latencies) * 0.99) - 1, 0)] * 1000


def _prepare(*, clients: int, events_per_client: int) -> list[list[dict]]:
    """Per client, the events of its own members' checkouts, in Stripe's order; one price."""
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
    per_client: list[list[dict]] = [[] for _ in range(clients)]
    for index, member in enumerate(members):
        per_client[index % clients] += stripe_side.checkout(
            member_id=member.pk, price_id=price.stripe_price_id, amount=99000)
    return per_client


def _minimal():
    return lambda client, number: ("GET", "/bench/minimal", None, {})


def _webhooks(events: list[list[dict]], start: int, count: int):
    """Sign each client's next ``count`` events now (the signature's age must stay < 300 s)."""
    from club.membership.fake_stripe import signed

    bodies = [[signed(event, secret=SECRET) for event in per_client[start:start + count]]
              for per_client in events]

    def request(client: int, number: int):
        body, header = bodies[client][number]
        return "POST", "/webhooks/stripe/", body, {"Stripe-Signature": header,
                                                   "Content-Type": "application/json"}

    return request


def _load(port: int, clients: int, make_request, per_client: int) -> Load:
    barrier = threading.Barrier(clients + 1)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    statuses: list[dict[int, int]] = [{} for _ in range(clients)]

    def work(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        for number in range(per_client):
            method, path, body, headers = make_request(index, number)
            started = time.perf_counter()
            status = _send(connection, method, path, body, {"Host": "127.0.0.1", **headers})
            latencies[index].append(time.perf_counter() - started)
            statuses[index][status] = statuses[index].get(status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    merged: dict[int, int] = {}
    for per_thread in statuses:
        for status, count in per_thread.items():
            merged[status] = merged.get(status, 0) + count
    return Load(latencies=sorted(x for per in latencies for x in per), statuses=merged, seconds=seconds)


def _check(*, expected_events: int) -> str:
    from django.db.models import Count

    from club.membership.models import ClubMembership, StripeEventInbox
    from rewards.ledger.models import LedgerEntry

    inbox = StripeEventInbox.objects.count()
    invoices = StripeEventInbox.objects.filter(type="invoice.paid").count()
    credits = LedgerEntry.objects.filter(idempotency_key__startswith="membership:invoice:").count()
    doubled = (LedgerEntry.objects.values("source_ref").annotate(n=Count("id")).filter(n__gt=1).count())
    memberships = ClubMembership.objects.count()
    if inbox != expected_events or credits != invoices or doubled:
        raise RuntimeError(f"expected {expected_events} inbox rows and one credit per invoice; found {inbox} "
                           f"rows, {credits} credits for {invoices} invoices, {doubled} doubled")
    return (f"checked: {inbox} inbox rows = events sent, {credits} credits = paid invoices, "
            f"{memberships} memberships")
