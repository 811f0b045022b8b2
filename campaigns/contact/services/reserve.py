"""``contacts_reserve``: the cap decision for a chunk of members and the campaigns of a run.

One transaction per call: lock the candidates' ``ContactState`` rows (member order), then for
each campaign (highest priority first, so it takes a member's last free slot) and each of its
channels, one set-based statement decides every member and writes a ``Delivery`` or a
``Suppression`` with the first reason that applies (``decide.py``). Idempotent: a member
already decided for (campaign, occurrence, channel) is skipped, and the unique constraints stop
any duplicate. See docs/caps.md.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from campaigns.audiences.selectors import audience_filter
from campaigns.models import Campaign
from club.members.models import Member
from config.counters import counters_add, labels_of
from rewards.sql import ids_in

from .. import rules
from ..models import ContactPolicy, Delivery, Suppression, SuppressionReason
from . import budget, gate, vendor
from .decide import Decision, decision_sql
from .locks import contact_states_lock

CHANNEL_ORDER = ("portal", "email", "sms")


@dataclass(frozen=True)
class RunSlice:
    """One campaign's part of a chunk."""

    campaign: Campaign
    occurrence: str  # the run's key: "once", "2026-11-24T10:00", "2026-11-24" (triggered: the day)
    extra_filter: Q | None = None  # e.g. a trigger's condition, ANDed with the audience


@dataclass(frozen=True)
class SliceOutcome:
    """Members of the chunk decided by this call, each counted once: ``delivered`` (at least
    one channel), ``held_out``, else ``suppressed`` under the reason of its first channel.
    ``delivery_ids``: the rows written, to hand to ``deliveries_send`` after commit."""

    delivered: int
    held_out: int
    suppressed: dict[str, int]
    delivery_ids: tuple[int, ...] = field(default=(), repr=False)


def slice_audience(run_slice: RunSlice, *, at: dt.datetime) -> Q:
    """The slice's members as a Q over Member: the campaign's audience on the operator's day
    of ``at``, and the extra filter."""
    on = timezone.localdate(at, timezone.get_default_timezone())
    audience = audience_filter(audience=run_slice.campaign.audience, on=on)
    return audience & run_slice.extra_filter if run_slice.extra_filter is not None else audience


def contacts_reserve(
    *, slices: Sequence[RunSlice], id_from: int, id_to: int, at: dt.datetime
) -> dict[int, SliceOutcome]:
    """Members with id in [id_from, id_to) of each slice's audience: in ONE transaction, lock
    their ContactState rows (id order), then for each slice in priority order (highest first,
    so the higher priority takes the last free slot) insert Delivery rows (one per channel)
    for members under every cap and Suppression rows with the first failing reason for the
    rest, set-based (INSERT ... SELECT with the cap predicates in SQL), idempotent (ON CONFLICT
    DO NOTHING), holdout members recorded as held out. Returns outcomes by campaign id."""
    return reserve_chunk(slices=slices, id_from=id_from, id_to=id_to, at=at)


def reserve_chunk(
    *, slices: Sequence[RunSlice], id_from: int, id_to: int, at: dt.datetime, refresh_gate: bool = True
) -> dict[int, SliceOutcome]:
    """``contacts_reserve``; ``refresh_gate=False`` leaves the Redis gate alone (the caller
    settles it itself)."""
    if len({s.campaign.pk for s in slices}) != len(slices):
        raise ValueError("contacts_reserve: one slice per campaign")
    ordered = sorted(slices, key=lambda s: (-s.campaign.priority, s.campaign.pk))
    in_range = Q(id__gte=id_from, id__lt=id_to)
    audiences = {s.campaign.pk: slice_audience(s, at=at) & in_range for s in ordered}
    outcomes: dict[int, SliceOutcome] = {}
    if not ordered:
        return outcomes
    policy = ContactPolicy.load()
    vendor.prepare_connection()
    with transaction.atomic():
        any_audience = Q(pk__in=[])
        for q in audiences.values():
            any_audience |= q
        locked = contact_states_lock(Member.objects.filter(any_audience), id_from=id_from, id_to=id_to)
        if locked is not None:
            # Decide only members locked here: one who joins the audience in between waits
            # for a later run rather than be decided without its lock.
            audiences = {pk: q & Q(ids_in(Member, "id", locked)) for pk, q in audiences.items()}
        unknown = vendor.unknown_zones(_zones_in_range(id_from, id_to))
        contacted: set[int] = set()
        written: Counter = Counter()  # rows written, for /ops/metrics (docs/observability.md)
        for run_slice in ordered:
            outcome, members = _reserve_slice(
                run_slice, audiences[run_slice.campaign.pk], at=at, policy=policy, unknown_zones=unknown,
                written=written,
            )
            outcomes[run_slice.campaign.pk] = outcome
            contacted |= members
        transaction.on_commit(lambda: counters_add(written))
        if refresh_gate and contacted:
            # The gate has not seen these deliveries: its sets reload from PostgreSQL.
            transaction.on_commit(lambda: gate.gate_invalidate(member_ids=contacted))
    return outcomes


def _zones_in_range(id_from: int, id_to: int) -> set[str]:
    return set(
        Member.objects.filter(id__gte=id_from, id__lt=id_to).order_by()
        .values_list("time_zone", flat=True).distinct()
    )


def _candidates(audience: Q, channel: str) -> tuple[str, list]:
    columns = ["id", "status", "consent_marketing", f"consent_{channel}", "max_messages_per_week",
               "quiet_hours_start", "quiet_hours_end", "time_zone"]
    queryset = Member.objects.filter(audience).order_by()
    if channel == "email":
        queryset = queryset.annotate(email=F("user__email"))
        columns.append("email")
    sql, params = queryset.values(*columns).query.sql_with_params()
    return sql, list(params)


def _decision(run_slice: RunSlice, channel: str, *, at, policy: ContactPolicy, budget_left) -> Decision:
    campaign = run_slice.campaign
    channel_max, channel_window = policy.channel_cap(channel)
    return Decision(
        campaign_id=campaign.pk, occurrence=run_slice.occurrence, channel=channel, at=at,
        marketing=not campaign.transactional,
        counts_toward_caps=(not campaign.transactional) or campaign.counts_toward_caps,
        holdout_seed=campaign.holdout_seed,
        holdout_threshold=rules.holdout_threshold(campaign.holdout_percent),
        lifetime_max=campaign.lifetime_max, window_max=campaign.max_per_window,
        window_days=campaign.window_days, min_gap_hours=campaign.min_gap_hours,
        channel_max=channel_max, channel_window_days=channel_window,
        fatigue_max=policy.fatigue_max, fatigue_window_days=policy.fatigue_window_days,
        default_quiet_start=policy.quiet_hours_start, default_quiet_end=policy.quiet_hours_end,
        channel_cost=policy.channel_cost(channel), offer_cost=campaign.cost_per_delivery,
        budget_left=budget_left,
    )


def _reserve_slice(
    run_slice: RunSlice, audience: Q, *, at, policy, unknown_zones, written: Counter
) -> tuple[SliceOutcome, set[int]]:
    campaign = run_slice.campaign
    channels = [c for c in CHANNEL_ORDER if c in campaign.channels]
    # member -> (delivered?, reasons in channel order)
    delivered: set[int] = set()
    reasons: dict[int, list[str]] = defaultdict(list)
    delivery_ids: list[int] = []
    for channel in channels:
        left = budget.budget_lock(campaign_id=campaign.pk) if campaign.budget is not None else None
        decision = _decision(run_slice, channel, at=at, policy=policy, budget_left=left)
        cand_sql, cand_params = _candidates(audience, channel)
        sql, params = decision_sql(decision, candidates_sql=cand_sql, candidates_params=cand_params,
                                   unknown_zones=unknown_zones)
        rows = _write(decision, sql, params)
        spent = 0
        refused: Counter = Counter()
        for member_id, delivery_id, cost, reason in rows:
            if delivery_id is not None:
                delivered.add(member_id)
                delivery_ids.append(delivery_id)
                spent += cost
            else:
                reasons[member_id].append(reason)
                refused[reason] += 1
        written["deliveries", labels_of(channel=channel, status="queued")] += len(rows) - refused.total()
        for reason, n in refused.items():
            written["cap_suppressions", labels_of(channel=channel, reason=reason)] += n
        if left is not None and spent:
            budget.budget_charge(campaign_id=campaign.pk, amount=spent)
    held_out = 0
    suppressed: dict[str, int] = defaultdict(int)
    for member_id, member_reasons in reasons.items():
        if member_id in delivered:
            continue
        if member_reasons[0] == SuppressionReason.HOLDOUT:
            held_out += 1
        else:
            suppressed[member_reasons[0]] += 1
    outcome = SliceOutcome(
        delivered=len(delivered), held_out=held_out, suppressed=dict(suppressed),
        delivery_ids=tuple(delivery_ids),
    )
    return outcome, delivered


DELIVERY_COLUMNS = (
    "campaign_id, topic, member_id, channel, occurrence, status, marketing, counts_toward_caps, cost, "
    "reserved_at, send_after, error"
)
SUPPRESSION_COLUMNS = "campaign_id, topic, member_id, channel, occurrence, reason, detail, at"


def _write(d: Decision, sql: str, params: list) -> list[tuple]:
    """Insert the decided rows; return ``(member_id, delivery_id, cost, reason)`` per row."""
    if not vendor.is_postgres():
        return _write_serially(d, sql, params)
    delivery = Delivery._meta.db_table
    suppression = Suppression._meta.db_table
    full = (
        f"WITH decided AS ({sql}), "
        f"ins_d AS (INSERT INTO {delivery} ({DELIVERY_COLUMNS})"
        " SELECT %s, '', member_id, %s, %s, 'reserved', %s, %s, cost, %s, send_after, ''"
        " FROM decided WHERE reason IS NULL ORDER BY member_id"
        " ON CONFLICT DO NOTHING RETURNING member_id, id, cost), "
        f"ins_s AS (INSERT INTO {suppression} ({SUPPRESSION_COLUMNS})"
        " SELECT %s, '', member_id, %s, %s, reason, '', %s FROM decided WHERE reason IS NOT NULL"
        " ON CONFLICT DO NOTHING RETURNING member_id, reason) "
        "SELECT member_id, id, cost, NULL FROM ins_d"
        " UNION ALL SELECT member_id, NULL, NULL, reason FROM ins_s"
    )
    more = [d.campaign_id, d.channel, d.occurrence, d.marketing, d.counts_toward_caps, d.at,
            d.campaign_id, d.channel, d.occurrence, d.at]
    with connection.cursor() as cursor:
        cursor.execute(full, [*params, *more])
        return cursor.fetchall()


def _write_serially(d: Decision, sql: str, params: list) -> list[tuple]:
    """SQLite (the embedded dev database): the same decision, written with the ORM. Writers
    are already serial there (every transaction takes the database's write lock first)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        decided = cursor.fetchall()
    common = {"campaign_id": d.campaign_id, "channel": d.channel, "occurrence": d.occurrence}
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(member_id=m, marketing=d.marketing, counts_toward_caps=d.counts_toward_caps,
                     cost=Decimal(str(cost)),
                     reserved_at=d.at, send_after=_parse(send_after), **common)
            for m, reason, send_after, cost in decided if reason is None
        ]
    )
    Suppression.objects.bulk_create(
        [Suppression(member_id=m, reason=r, at=d.at, **common) for m, r, _s, _c in decided if r]
    )
    return [(x.member_id, x.pk, x.cost, None) for x in deliveries] + [
        (m, None, None, reason) for m, reason, _s, _c in decided if reason
    ]


def _parse(value):
    if value is None or isinstance(value, dt.datetime):
        return value
    from django.utils.dateparse import parse_datetime

    return parse_datetime(value).replace(tzinfo=dt.UTC)
