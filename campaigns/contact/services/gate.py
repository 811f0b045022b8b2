"""The Redis gate: a fast, rebuildable copy of each member's recent contacts, with an atomic
check-and-reserve in Lua. PostgreSQL stays the record and re-checks everything the gate lets
through (docs/caps.md: the gate may refuse, it never has the last word on a yes).

One sorted set per member (``<prefix>gate:<member id>``, layout in ``gate_lua.py``). A set
that is not there is "not loaded", never "no contacts": the caller rebuilds it from
PostgreSQL and asks again. A set lives a few hours from its load (``lifetime``), so an update
the gate missed heals by itself.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db.models import Q

from ..models import Delivery, DeliveryStatus
from . import gate_lua

logger = logging.getLogger(__name__)

CHANNEL_LETTER = {"portal": "p", "email": "e", "sms": "s"}


@dataclass(frozen=True)
class Check:
    """One cap the gate checks: ``kind`` "ch" (a channel's contacts that count, ``arg`` its
    letter), "fa" (contacts across channels: fatigue or the member's weekly limit), "cw" (the
    other occurrences of the campaign of the entry being added; the minimum gap is "cw" with
    limit 1); ``reason`` is the suppression reason when it refuses."""

    kind: str
    window: dt.timedelta
    limit: int
    reason: str
    arg: str = ""


@dataclass(frozen=True)
class GateAnswer:
    added: int
    refused_by: Check | None


@dataclass(frozen=True)
class GateRequest:
    member_id: int
    at: dt.datetime
    checks: tuple[Check, ...]
    entries: tuple[str, ...]


@dataclass(frozen=True)
class Contact:
    """A contact as PostgreSQL knows it, to rebuild a set: a delivery (``channel``) or a
    portal offer seen (``channel`` "view", ``delivery_id`` set)."""

    at: dt.datetime
    channel: str
    counts: bool
    campaign_id: int | None = None
    occurrence: str = ""
    delivery_id: int | None = None


def horizon() -> dt.timedelta:
    """How far back the gate loads contacts; checks with a longer window are left to SQL."""
    return dt.timedelta(days=getattr(settings, "CONTACT_GATE_HORIZON_DAYS", 35))


def lifetime() -> int:
    """Seconds a loaded set lives before the next use reloads it from PostgreSQL."""
    return int(getattr(settings, "CONTACT_GATE_LIFETIME_SECONDS", 6 * 3600))


def key_prefix() -> str:
    return getattr(settings, "CONTACT_GATE_PREFIX", "troika:contact:")


def member_key(member_id: int) -> str:
    return f"{key_prefix()}gate:{member_id}"


@lru_cache(maxsize=4)
def _client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def client():
    """The gate's Redis client, or None when no Redis is configured."""
    url = getattr(settings, "CONTACT_GATE_REDIS_URL", None) or settings.REDIS_URL
    return _client(url) if url else None


@lru_cache(maxsize=4)
def _scripts(redis_client):
    return tuple(redis_client.register_script(s) for s in (gate_lua.LOAD, gate_lua.RELEASE))


def _seconds(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def delivery_entry(*, channel: str, counts: bool, campaign_id: int | None, occurrence: str) -> str:
    return f"d|{CHANNEL_LETTER[channel]}|{int(counts)}|{campaign_id or 0}|{occurrence}"


def impression_entry(*, delivery_id: int, counts: bool) -> str:
    return f"v|{int(counts)}|{delivery_id}"


def set_entries(contacts: Iterable[Contact]) -> list[tuple[int, str]]:
    """(score, name) pairs of a set holding ``contacts`` (the layout of ``gate_lua``)."""
    B = gate_lua.CATEGORY
    pairs: list[tuple[int, str]] = []
    occurrences: dict[str, int] = {}
    for c in contacts:
        t = _seconds(c.at)
        if c.channel == "view":
            if c.counts:
                seen = impression_entry(delivery_id=c.delivery_id, counts=True)
                pairs.append((gate_lua.FATIGUE * B + t, seen))
            continue
        name = delivery_entry(
            channel=c.channel, counts=c.counts, campaign_id=c.campaign_id, occurrence=c.occurrence
        )
        category = gate_lua.CHANNEL_CATEGORY[name[2]] if c.counts else 0
        pairs.append((category * B + t, name))
        if c.counts and c.channel in ("email", "sms"):
            pairs.append((gate_lua.FATIGUE * B + t, "f" + name[1:]))
        occurrence = f"o|{c.campaign_id or 0}|{c.occurrence}"
        score = (gate_lua.OCCURRENCES + (c.campaign_id or 0)) * B + t
        occurrences[occurrence] = min(score, occurrences.get(occurrence, score))
    pairs.extend((score, name) for name, score in occurrences.items())
    return pairs


def member_contacts(member_id: int, at: dt.datetime) -> list[Contact]:
    """The member's live contacts within the horizon, from PostgreSQL."""
    since = at - horizon()
    rows = (
        Delivery.objects.filter(member_id=member_id).exclude(status=DeliveryStatus.FAILED)
        .filter(Q(reserved_at__gt=since) | Q(viewed_at__gt=since))
        .values_list("id", "channel", "counts_toward_caps", "campaign_id", "occurrence", "reserved_at",
                     "viewed_at")
    )
    contacts = []
    for delivery_id, channel, counts, campaign_id, occurrence, reserved_at, viewed_at in rows:
        contacts.append(Contact(reserved_at, channel, counts, campaign_id, occurrence, delivery_id))
        if viewed_at is not None:
            contacts.append(Contact(viewed_at, "view", counts, delivery_id=delivery_id))
    return contacts


Loader = Callable[[int, dt.datetime], list[Contact]]


def gate_load(*, member_id: int, at: dt.datetime, loader: Loader = member_contacts) -> bool:
    """Load a member's set from PostgreSQL unless it is loaded; False if it was."""
    load, _release = _scripts(client())
    args: list = [lifetime()]
    for score, name in set_entries(loader(member_id, at)):
        args.extend([score, name])
    return bool(load(keys=[member_key(member_id)], args=args))


def _check_text(checks: tuple[Check, ...], horizon_s: int) -> tuple[tuple[Check, ...], str]:
    """The checks within the horizon (longer windows are left to SQL), as the Lua reads them."""
    kept = tuple(c for c in checks if c.window.total_seconds() <= horizon_s)
    text = ";".join(
        f"{c.kind},{int(c.window.total_seconds())},{c.limit},{gate_lua.CHANNEL_CATEGORY.get(c.arg, 0)}"
        for c in kept
    )
    return kept, text


BATCH = 200  # requests per Lua call: Redis runs nothing else during one
IN_FLIGHT = 2  # calls sent before the first reply is read: Python prepares one while Redis runs one


@lru_cache(maxsize=4)
def _reserve_sha(redis_client) -> str:
    return redis_client.script_load(gate_lua.RESERVE)


class _Batch:
    def __init__(self, indexes: list[int]):
        self.indexes = indexes
        self.kept: list[tuple[Check, ...]] = []


def _encode(batch: _Batch, requests: Sequence[GateRequest], keep: int, prepared: dict) -> list:
    texts: dict[str, int] = {}
    local: dict[str, int] = {}
    keys: list[str] = []
    ops: list = []
    prefix = f"{key_prefix()}gate:"
    for i in batch.indexes:
        r = requests[i]
        found = prepared.get(id(r.checks))
        if found is None:
            found = prepared[id(r.checks)] = _check_text(r.checks, keep)
        checks, text = found
        number = local.get(text)
        if number is None:
            number = local[text] = texts.setdefault(text, len(texts) + 1)
        batch.kept.append(checks)
        keys.append(prefix + str(r.member_id))
        ops.append(f"{int(r.at.timestamp())},{number},{len(r.entries)}")
        ops.extend(r.entries)
    return ["EVALSHA", None, len(keys), *keys, 0, len(texts), *texts, *ops]


def _decode(batch: _Batch, reply: bytes, answers: list, missing: list[int]) -> None:
    for n, (i, result) in enumerate(zip(batch.indexes, reply.split(b";"), strict=True)):
        added, _comma, failing = result.partition(b",")
        if added == b"-1":
            missing.append(i)
        else:
            failing = int(failing)
            refused_by = batch.kept[n][failing - 1] if failing else None
            answers[i] = GateAnswer(added=int(added), refused_by=refused_by)


def _reserve_pass(
    redis_client, requests: Sequence[GateRequest], indexes: list[int], answers: list
) -> list[int]:
    """One pass over ``indexes``, ``BATCH`` requests a call, ``IN_FLIGHT`` calls on the wire;
    returns the requests whose set is not loaded."""
    keep = int(horizon().total_seconds())
    sha = _reserve_sha(redis_client)
    prepared: dict = {}
    missing: list[int] = []
    waiting: list[_Batch] = []
    pool = redis_client.connection_pool
    connection = pool.get_connection()
    try:
        for start in range(0, len(indexes), BATCH):
            batch = _Batch(indexes[start:start + BATCH])
            command = _encode(batch, requests, keep, prepared)
            command[1] = sha
            connection.send_command(*command)
            waiting.append(batch)
            if len(waiting) >= IN_FLIGHT:
                _decode(waiting.pop(0), connection.read_response(), answers, missing)
        while waiting:
            _decode(waiting.pop(0), connection.read_response(), answers, missing)
    except BaseException:
        connection.disconnect()  # replies may be left on the wire
        raise
    finally:
        pool.release(connection)
    return missing


def gate_reserve_many(requests: Sequence[GateRequest], *, loader: Loader = member_contacts
                      ) -> list[GateAnswer | None]:
    """``gate_reserve`` for many requests: one Lua call per ``BATCH`` (each request atomic on
    its member's set, requests in order), sets Redis lost loaded from PostgreSQL and their
    requests asked again. ``None`` answers: no Redis, or it failed (PostgreSQL decides alone)."""
    redis_client = client()
    if redis_client is None or not requests:
        return [None] * len(requests)
    import redis

    answers: list[GateAnswer | None] = [None] * len(requests)
    pending = list(range(len(requests)))
    try:
        for _attempt in range(3):
            try:
                pending = _reserve_pass(redis_client, requests, pending, answers)
            except redis.ResponseError as exc:
                if "NOSCRIPT" not in str(exc):
                    raise
                _reserve_sha.cache_clear()  # Redis restarted: load the script again, redo the pass
                pending = _reserve_pass(redis_client, requests, pending, answers)
            for i in pending:
                gate_load(member_id=requests[i].member_id, at=requests[i].at, loader=loader)
            if not pending:
                break
    except redis.RedisError as exc:
        logger.warning("contact gate unavailable, PostgreSQL decides alone: %s", exc)
        return [None] * len(requests)
    return answers


def gate_reserve(
    *, member_id: int, at: dt.datetime, checks: Sequence[Check], entries: Sequence[str],
    loader: Loader = member_contacts,
) -> GateAnswer | None:
    """Atomically add ``entries`` (in order, while every check passes) to the member's set,
    loading it from PostgreSQL first if Redis has lost it. ``None``: no Redis (or it failed):
    the caller goes straight to PostgreSQL."""
    request = GateRequest(member_id=member_id, at=at, checks=tuple(checks), entries=tuple(entries))
    return gate_reserve_many([request], loader=loader)[0]


def gate_release(*, member_id: int, entries: Iterable[str]) -> None:
    """Take back entries PostgreSQL did not confirm."""
    gate_release_many({member_id: list(entries)})


def gate_release_many(entries_by_member: dict[int, list[str]]) -> None:
    redis_client = client()
    entries_by_member = {m: e for m, e in entries_by_member.items() if e}
    if redis_client is None or not entries_by_member:
        return
    import redis

    try:
        _load, release = _scripts(redis_client)
        pipe = redis_client.pipeline(transaction=False)
        for member_id, names in entries_by_member.items():
            release(keys=[member_key(member_id)], args=names, client=pipe)
        pipe.execute()
    except redis.RedisError as exc:
        logger.warning("contact gate: could not release entries: %s", exc)


def gate_forget(*, deliveries: Iterable[Delivery]) -> None:
    """Failed deliveries free their slot in the gate too (and their impressions)."""
    by_member: dict[int, list[str]] = {}
    for d in deliveries:
        by_member.setdefault(d.member_id, []).extend([
            delivery_entry(channel=d.channel, counts=d.counts_toward_caps, campaign_id=d.campaign_id,
                           occurrence=d.occurrence),
            impression_entry(delivery_id=d.pk, counts=d.counts_toward_caps),
        ])
    gate_release_many(by_member)


def gate_invalidate(*, member_ids: Iterable[int]) -> None:
    """Drop members' sets (they reload from PostgreSQL on next use): after a chunk wrote
    deliveries the gate has not seen."""
    redis_client = client()
    prefix = f"{key_prefix()}gate:"  # member_key's, read once: a chunk drops thousands of keys
    keys = [f"{prefix}{m}" for m in set(member_ids)]
    if redis_client is None or not keys:
        return
    import redis

    try:
        for start in range(0, len(keys), 1000):
            redis_client.unlink(*keys[start:start + 1000])
    except redis.RedisError as exc:
        logger.warning("contact gate: could not invalidate %s members: %s", len(keys), exc)
