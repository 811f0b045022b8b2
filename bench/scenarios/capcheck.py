"""``capcheck``: atomic check-and-reserve operations per second through the contact gate,
against a raw Redis ``INCR`` pipeline from the same client, in the same run.

value: operations/s of ``gate_reserve_many`` (one Lua call per 200 requests, two calls on the
wire at a time): each request checks a member's sorted set against four caps (the campaign's
window and minimum gap, the SMS channel cap, the fatigue cap across channels) and, if all
pass, adds the new SMS. Members start with three SMS and a seen portal offer in the last week,
sets loaded beforehand (a flushed set reloads from PostgreSQL: not what this measures).
baseline: ``INCR`` operations/s in pipelines of 200, same client (and connection pool).
The two alternate in ``ROUNDS`` rounds (a change of load on this shared machine hits both) and
each figure is the total of its rounds. Keys live under a prefix of the run's own, deleted at
the end.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid

NAME = "capcheck"
DEFAULT_SIZE = 200_000
UNIT = "check-and-reserve/s"
BATCH = 200
ROUNDS = 5
MEMBERS = 20_000


def _requests(size: int, start: dt.datetime, round_index: int):
    from campaigns.contact.services.gate import Check, GateRequest, delivery_entry

    rng = random.Random(round_index)
    week = dt.timedelta(days=7)
    checks = (
        Check("cw", week, 3, "campaign_cap"),
        Check("cw", dt.timedelta(hours=1), 1, "min_gap"),
        Check("ch", week, 6, "channel_cap", "s"),
        Check("fa", week, 8, "fatigue_cap"),
    )
    requests = []
    for n in range(size):
        campaign = 1 + n % 6
        occurrence = f"r{round_index}-{n}"
        entry = delivery_entry(channel="sms", counts=True, campaign_id=campaign, occurrence=occurrence)
        at = start + dt.timedelta(minutes=round_index * 10, milliseconds=n)
        requests.append(GateRequest(member_id=rng.randrange(MEMBERS), at=at, checks=checks, entries=(entry,)))
    return requests


def _seed(start: dt.datetime):
    """Every member's set loaded with three SMS and a seen portal offer in the last week."""
    from campaigns.contact.services.gate import Contact, gate_load

    day = dt.timedelta(days=1)
    for member in range(MEMBERS):
        contacts = [Contact(start - (k + 1) * day, "sms", True, 10 + k, "past") for k in range(3)]
        contacts.append(Contact(start - day / 2, "view", True, delivery_id=member))
        gate_load(member_id=member, at=start, loader=lambda _m, _at, c=contacts: c)


def _gate_round(requests) -> tuple[float, int]:
    from campaigns.contact.services.gate import gate_reserve_many

    started = time.perf_counter()
    answers = gate_reserve_many(requests)
    seconds = time.perf_counter() - started
    return seconds, sum(1 for a in answers if a is not None and a.added)


def _incr_round(client, prefix: str, size: int, round_index: int) -> float:
    rng = random.Random(round_index)
    keys = [f"{prefix}incr:{rng.randrange(MEMBERS)}" for _ in range(size)]
    started = time.perf_counter()
    for i in range(0, size, BATCH):
        pipe = client.pipeline(transaction=False)
        for key in keys[i:i + BATCH]:
            pipe.incr(key)
        pipe.execute()
    return time.perf_counter() - started


def run(*, size: int):
    from django.conf import settings

    from bench.harness import BenchResult, BenchUnavailable
    from campaigns.contact.services import gate

    if not settings.REDIS_URL:
        raise BenchUnavailable("capcheck needs Redis: set REDIS_URL=redis://host:6379/N")
    prefix = f"bench:capcheck:{uuid.uuid4().hex[:8]}:"
    settings.CONTACT_GATE_PREFIX = prefix
    client = gate.client()
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    per_round = max(size // ROUNDS, BATCH)
    try:
        _seed(start)
        _gate_round(_requests(BATCH * 5, start - dt.timedelta(days=30), 99))  # warm up
        _incr_round(client, prefix, BATCH * 5, 99)
        gate_seconds = incr_seconds = 0.0
        accepted = 0
        for round_index in range(ROUNDS):
            requests = _requests(per_round, start, round_index)
            seconds, ok = _gate_round(requests)
            gate_seconds += seconds
            accepted += ok
            incr_seconds += _incr_round(client, prefix, per_round, round_index)
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*", count=5000))
        for i in range(0, len(keys), 5000):
            client.unlink(*keys[i:i + 5000])
    total = per_round * ROUNDS
    return BenchResult(
        scenario=NAME, size=total, value=total / gate_seconds, unit=UNIT, baseline=total / incr_seconds,
        notes=[
            f"gate: {total} check-and-reserve in {gate_seconds:.2f} s ({accepted} accepted, "
            f"{total - accepted} refused by a cap), {gate.BATCH} a Lua call, {gate.IN_FLIGHT} calls in "
            f"flight, {MEMBERS} members",
            f"baseline: {total} INCR in {incr_seconds:.2f} s, pipelines of {BATCH}",
        ],
    )
