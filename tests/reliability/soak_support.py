"""The r19 soak's moving parts: a private Redis server the test may kill, an SMS backend that
appends to a file (so the test sees what worker processes sent), and the seeded stream of
inputs (docs/soak.md)."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from club.members.sms import BaseSmsBackend, SmsMessage

from .test_r6_billing_replay import MALFORMATIONS

# --- earning rules of the soak (checked independently of the earning app) ----------------------
BILL_STEP, TOP_UP_STEP, DATA_STEP = 10_000, 20_000, 1024


class FileSmsBackend(BaseSmsBackend):
    """One JSON line per SMS in ``settings.SOAK_SMS_FILE``, one ``write`` each (O_APPEND), so
    the test process and the workers can append to the same file."""

    def send(self, message: SmsMessage) -> None:
        line = json.dumps({"to": message.to, "body": message.body}) + "\n"
        fd = os.open(settings.SOAK_SMS_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)


def sms_sent(path: str) -> list[dict]:
    if not Path(path).exists():
        return []
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


class PrivateRedis:
    """A ``redis-server`` of the test's own, without persistence: a restart empties it."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("the soak needs redis-server on PATH")
        self.binary = binary
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.wait_up()

    def wait_up(self, timeout: float = 20) -> None:
        import redis

        client = redis.Redis.from_url(self.url, socket_timeout=0.5, socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.RedisError):
                if client.ping():
                    return
            time.sleep(0.05)
        raise RuntimeError(f"the private redis-server on port {self.port} did not come up")

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def restart(self, down_for: float) -> None:
        """SIGKILL (everything in it is lost: queued tasks, the gate, the cache), then start again."""
        self.stop()
        time.sleep(down_for)
        self.start()
        self.restarts += 1


# --- the seeded stream ---------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    number: int
    kind: str  # billing, stripe, redeem, partner, rsvp, campaign, probe, bad
    payload: dict


@dataclass
class Sizes:
    members: int = 240  # the operator's subscribers the stream addresses by index
    spenders: int = 60  # the first members, given points to redeem with
    rewards: tuple[tuple[int, int], ...] = ((60, 4), (120, 8), (200, 12), (90, 6))  # (cost, stock)
    codes: int = 40
    events: tuple[int, ...] = (6, 8, 10)  # capacities
    campaigns: int = 6
    billing_batch: int = 60


@dataclass
class BillingLedgerOfStream:
    """What the billing part of the stream must come to."""

    originals: dict[str, dict] = field(default_factory=dict)
    reversed_ids: set[str] = field(default_factory=set)
    malformed: dict[str, str] = field(default_factory=dict)  # event id -> reason
    duplicates: int = 0

    def points(self, event: dict) -> int:
        if event["kind"] == "bill_paid":
            return int(Decimal(event["amount"]) // BILL_STEP)
        if event["kind"] == "top_up":
            return int(Decimal(event["amount"]) // TOP_UP_STEP)
        return event["data_mb"] // DATA_STEP

    def spend(self) -> Decimal:
        return sum(
            (
                Decimal(e["amount"])
                for i, e in self.originals.items()
                if e["kind"] != "usage" and i not in self.reversed_ids
            ),
            Decimal(0),
        )


def msisdn(index: int) -> str:
    return f"+8493{index:07d}"


class Stream:
    """The inputs, from the seed alone: the same seed gives the same steps in the same order.
    Member, reward, code and event references are indexes, resolved to ids by the test."""

    def __init__(
        self, seed: int, sizes: Sizes, stripe_deliveries: list[int], stripe_more: Callable[[], list[int]]
    ):
        self.rng = random.Random(seed)
        self.sizes = sizes
        self.billing = BillingLedgerOfStream()
        self.stripe_deliveries = stripe_deliveries  # indexes of the world's Stripe deliveries
        self.stripe_more = stripe_more  # the next round of the stories (renewals): their indexes
        self.stripe_at = 0  # the deliveries before it are in steps already
        self._events = itertools.count()
        self._held: list[dict] = []
        self._sent: list[dict] = []
        self.redeem_keys: list[tuple[int, int, str]] = []
        self.partner_keys: list[tuple[int, str]] = []

    def _billing_original(self, name: str) -> dict:
        rng = self.rng
        month = rng.randrange(1, 11)
        event = {
            "event_id": name,
            "msisdn": msisdn(rng.randrange(self.sizes.members)),
            "occurred_at": f"2026-{month:02d}-{rng.randrange(1, 28):02d}T{rng.randrange(24):02d}:15:00+07:00",
        }
        roll = rng.random()
        if roll < 0.45:
            event.update(
                kind="bill_paid", amount=str(rng.randrange(30, 900) * 1000), period=f"2026-{month:02d}"
            )
        elif roll < 0.75:
            event.update(kind="top_up", amount=str(rng.choice([20, 50, 100, 300]) * 1000), channel="card")
        else:
            event.update(
                kind="usage",
                period=f"2026-{month:02d}",
                data_mb=rng.randrange(0, 12_000),
                voice_minutes=rng.randrange(300),
                sms=rng.randrange(40),
            )
        return event

    def billing_batch(self) -> list[dict]:
        """New events, some held back to a later batch (reordered), reversals (some before their
        original), copies of earlier events, and malformed ones, shuffled."""
        rng, batch = self.rng, []
        for _ in range(self.sizes.billing_batch):
            number = next(self._events)
            event = self._billing_original(f"e{number}")
            self.billing.originals[event["event_id"]] = event
            (self._held if rng.random() < 0.1 else batch).append(event)
            if rng.random() < 0.05:
                self.billing.reversed_ids.add(event["event_id"])
                batch.append(
                    {
                        "event_id": f"e{number}-rev",
                        "kind": "reversal",
                        "msisdn": event["msisdn"],
                        "reverses": event["event_id"],
                        "occurred_at": "2026-10-30T12:00:00+07:00",
                    }
                )
        if self._held and rng.random() < 0.5:
            batch.extend(self._held)
            self._held = []
        if rng.random() < 0.3:
            mutate, reason, kind = MALFORMATIONS[rng.randrange(len(MALFORMATIONS))]
            event = self._billing_original(f"bad{next(self._events)}")
            while kind and event["kind"] != kind:
                event = self._billing_original(event["event_id"])
            mutate(event)
            self.billing.malformed[event["event_id"]] = reason
            batch.append(event)
        for _ in range(len(batch) // 10):
            if self._sent:
                batch.append(dict(self._sent[rng.randrange(len(self._sent))]))
                self.billing.duplicates += 1
        rng.shuffle(batch)
        self._sent.extend(batch)
        return batch

    def held_back(self) -> list[dict]:
        """The events still held back when the stream stops: the drain sends them."""
        held, self._held = self._held, []
        return held

    def stripe_rest(self) -> list[int]:
        """The Stripe deliveries not yet in a step when the stream stops: the drain sends them,
        so every member's story reaches Stripe's final state."""
        rest = self.stripe_deliveries[self.stripe_at :]
        self.stripe_at = len(self.stripe_deliveries)
        return rest

    def steps(self) -> Iterator[Step]:
        rng, sizes = self.rng, self.sizes
        campaigns = 0
        for number in itertools.count():
            roll = rng.random()
            if number % 45 == 5 and campaigns < sizes.campaigns:
                campaigns += 1
                yield Step(number, "campaign", {"index": campaigns})
            elif number == 30:
                yield Step(number, "rolled_back", {})
            elif roll < 0.25:
                yield Step(number, "billing", {"events": self.billing_batch()})
            elif roll < 0.40:
                if self.stripe_at >= len(self.stripe_deliveries):  # the stories go on: renewals
                    self.stripe_deliveries.extend(self.stripe_more())
                chunk = self.stripe_deliveries[self.stripe_at : self.stripe_at + 4]
                self.stripe_at += len(chunk)
                yield Step(number, "stripe", {"deliveries": chunk})
            elif roll < 0.58:
                if self.redeem_keys and rng.random() < 0.2:
                    member, reward, key = self.redeem_keys[rng.randrange(len(self.redeem_keys))]
                else:
                    member, reward = rng.randrange(sizes.spenders), rng.randrange(len(sizes.rewards))
                    key = f"soak-redeem-{number}"
                    self.redeem_keys.append((member, reward, key))
                yield Step(number, "redeem", {"member": member, "reward": reward, "key": key})
            elif roll < 0.72:
                if self.partner_keys and rng.random() < 0.2:
                    code, key = self.partner_keys[rng.randrange(len(self.partner_keys))]
                else:
                    code, key = rng.randrange(sizes.codes), f"till-{number}"
                    self.partner_keys.append((code, key))
                yield Step(number, "partner", {"code": code, "key": key})
            elif roll < 0.86:
                yield Step(
                    number,
                    "rsvp",
                    {
                        "member": rng.randrange(sizes.members),
                        "event": rng.randrange(len(sizes.events)),
                        "cancel": rng.random() < 0.2,
                    },
                )
            elif roll < 0.94:
                yield Step(
                    number,
                    "probe",
                    {
                        "which": rng.randrange(4),
                        "a": rng.randrange(sizes.spenders),
                        "b": rng.randrange(sizes.spenders),
                        "code": rng.randrange(sizes.codes),
                        "event": rng.randrange(len(sizes.events)),
                    },
                )
            else:
                yield Step(number, "bad", {"which": rng.randrange(3)})


def chaos_schedule(seed: int, seconds: float) -> list[tuple[float, str]]:
    """When to kill the workers, restart Redis and replay earlier inputs: from the seed."""
    rng = random.Random(seed * 7919 + 1)
    kills, restarts, replays = (
        max(2, round(seconds / 40)),
        max(1, round(seconds / 55)),
        max(3, round(seconds / 15)),
    )
    plan = [(rng.uniform(0.08, 0.8) * seconds, "kill") for _ in range(kills)]
    plan += [(rng.uniform(0.15, 0.75) * seconds, "redis") for _ in range(restarts)]
    plan += [(rng.uniform(0.05, 0.9) * seconds, "replay") for _ in range(replays)]
    return sorted(plan)
