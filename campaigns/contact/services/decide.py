"""The cap decision for one campaign, one channel and a chunk of members, as one SQL query.

For every candidate member it yields the first reason that stops the delivery (NULL: deliver),
the end of the member's quiet hours (``send_after``) and the delivery's cost. Every count is a
correlated subquery over the member's own rows of ``contact_delivery`` through an index range
(member, channel, reserved_at): flat in the number of older deliveries. Rolling windows count
every live row after ``at - window``, later rows too, so a chunk that runs late can never
squeeze a delivery in front of newer ones.

The caller holds the members' ``ContactState`` locks and runs the channels of one campaign,
and the campaigns of a chunk, one after the other: each statement sees what the previous ones
inserted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..models import Delivery, SuppressionReason
from . import vendor

R = SuppressionReason
DELIVERY = Delivery._meta.db_table
LIVE = "d.status <> 'failed'"
COUNTED = f"{LIVE} AND d.counts_toward_caps"
# Channels whose messages reach the member by themselves; a portal offer counts as a contact
# only once the member has seen it (an impression).
PUSHED = ("email", "sms")


@dataclass(frozen=True)
class Decision:
    """Everything one decision query needs (no model instances: plain values)."""

    campaign_id: int
    occurrence: str
    channel: str
    at: dt.datetime
    marketing: bool
    counts_toward_caps: bool
    holdout_seed: str
    holdout_threshold: int
    lifetime_max: int | None
    window_max: int | None
    window_days: int | None
    min_gap_hours: int | None
    channel_max: int | None
    channel_window_days: int
    fatigue_max: int | None
    fatigue_window_days: int
    default_quiet_start: dt.time | None
    default_quiet_end: dt.time | None
    channel_cost: Decimal
    offer_cost: Decimal
    budget_left: Decimal | None  # None: no budget


class _Params:
    def __init__(self) -> None:
        self.values: list = []

    def __call__(self, value) -> str:
        self.values.append(value)
        return "%s"


def _since(decision: Decision, *, days: float = 0, hours: float = 0) -> dt.datetime:
    return decision.at - dt.timedelta(days=days, hours=hours)


def contacts_since_sql(p: _Params, since: dt.datetime, member: str = "c.id") -> str:
    """Emails and SMS that count, plus portal offers seen, after ``since``."""
    param = p(vendor.ts(since))
    pushed = ", ".join(f"'{c}'" for c in PUSHED)
    again = p(vendor.ts(since))
    return (
        f"((SELECT count(*) FROM {DELIVERY} d WHERE d.member_id = {member} AND d.channel IN ({pushed})"
        f" AND d.reserved_at > {param} AND {COUNTED})"
        f" + (SELECT count(*) FROM {DELIVERY} d WHERE d.member_id = {member} AND d.viewed_at > {again}"
        f" AND {COUNTED}))"
    )


def _campaign_rows(p: _Params, decision: Decision) -> str:
    return (
        f"FROM {DELIVERY} d WHERE d.campaign_id = {p(decision.campaign_id)} AND d.member_id = c.id"
        f" AND d.occurrence <> {p(decision.occurrence)} AND {LIVE}"
    )


def _reason_cases(p: _Params, d: Decision) -> list[tuple[str, str]]:
    cases = [("c.status = 'churned'", R.CHURNED)]
    if d.holdout_threshold > 0:
        bucket = vendor.holdout_sql(p(d.holdout_seed), "c.id")
        cases.append((f"{bucket} < {p(d.holdout_threshold)}", R.HOLDOUT))
    if d.marketing:
        cases.append(("NOT c.consent_marketing", R.NO_MARKETING_CONSENT))
    if d.lifetime_max:
        cases.append(
            (f"(SELECT count(DISTINCT d.occurrence) {_campaign_rows(p, d)}) >= {p(d.lifetime_max)}",
             R.LIFETIME_CAP)
        )
    if d.window_max and d.window_days:
        cases.append(
            (f"(SELECT count(DISTINCT d.occurrence) {_campaign_rows(p, d)}"
             f" AND d.reserved_at > {p(vendor.ts(_since(d, days=d.window_days)))}) >= {p(d.window_max)}",
             R.CAMPAIGN_CAP)
        )
    if d.min_gap_hours:
        cases.append(
            (f"EXISTS (SELECT 1 {_campaign_rows(p, d)}"
             f" AND d.reserved_at > {p(vendor.ts(_since(d, hours=d.min_gap_hours)))}{vendor.fence()})",
             R.MIN_GAP)
        )
    cases.append((f"NOT c.consent_{d.channel}", R.NO_CHANNEL_CONSENT))
    if d.channel == "email":
        cases.append(("coalesce(c.email, '') = ''", R.NO_ADDRESS))
    if d.marketing:
        if d.channel_max:
            cases.append(
                (f"(SELECT count(*) FROM {DELIVERY} d WHERE d.member_id = c.id AND d.channel = {p(d.channel)}"
                 f" AND d.reserved_at > {p(vendor.ts(_since(d, days=d.channel_window_days)))} AND {COUNTED})"
                 f" >= {p(d.channel_max)}",
                 R.CHANNEL_CAP)
            )
        if d.channel in PUSHED and d.fatigue_max:
            since = _since(d, days=d.fatigue_window_days)
            cases.append((f"{contacts_since_sql(p, since)} >= {p(d.fatigue_max)}", R.FATIGUE_CAP))
        if d.channel in PUSHED:
            week = contacts_since_sql(p, _since(d, days=7))
            cases.append(
                (f"c.max_messages_per_week IS NOT NULL AND {week} >= c.max_messages_per_week", R.MEMBER_LIMIT)
            )
    return cases


def decision_sql(
    d: Decision, *, candidates_sql: str, candidates_params: list, unknown_zones: list[str]
) -> tuple[str, list]:
    """``SELECT member_id, reason, send_after, cost`` for the candidates not yet decided for
    (campaign, occurrence, channel), budget included. Each fragment collects its own
    parameters, joined in the order the fragments appear in the text."""
    reason_p, quiet_p, joins_p, cost_p, where_p, budget_p = (_Params() for _ in range(6))
    cases = _reason_cases(reason_p, d)
    reason = "CASE " + " ".join(f"WHEN {cond} THEN '{value}'" for cond, value in cases) + " END"
    joins, send_after = "", "NULL::timestamptz" if vendor.is_postgres() else "NULL"
    if d.channel in PUSHED:
        zone = vendor.zone_sql(joins_p, "c.time_zone", unknown_zones)
        joins, send_after = vendor.quiet_until_sql(
            joins_p if vendor.is_postgres() else quiet_p, at=d.at, zone=zone,
            default_start=d.default_quiet_start, default_end=d.default_quiet_end,
        )
    # The offer's cost comes with the member's first channel of the occurrence.
    cost = (
        f"({cost_p(d.channel_cost)} + CASE WHEN EXISTS (SELECT 1 FROM {DELIVERY} d"
        f" WHERE d.campaign_id = {cost_p(d.campaign_id)} AND d.member_id = c.id"
        f" AND d.occurrence = {cost_p(d.occurrence)} AND {LIVE}{vendor.fence()})"
        f" THEN 0 ELSE {cost_p(d.offer_cost)} END)"
    )
    # An OFFSET 0 fence keeps each EXISTS a per-member index lookup. As an anti-join, a stale
    # row estimate (a table just filled) once made it rescan the campaign's rows for every
    # member; as a hashed subplan (which PostgreSQL may pick for an EXISTS without OFFSET) it
    # reads all of the campaign's rows once per chunk, a cost that grows with the send.
    undecided = " AND ".join(
        f"NOT EXISTS (SELECT 1 FROM {table} x WHERE x.campaign_id = {where_p(d.campaign_id)}"
        f" AND x.member_id = c.id AND x.occurrence = {where_p(d.occurrence)}"
        f" AND x.channel = {where_p(d.channel)}{vendor.fence()})"
        for table in (DELIVERY, "contact_suppression")
    )
    decided = (
        f"SELECT c.id AS member_id, {reason} AS reason, {send_after} AS send_after, {cost} AS cost"
        f" FROM cand c{joins} WHERE {undecided}"
    )
    params = [*candidates_params, *reason_p.values, *quiet_p.values, *cost_p.values, *joins_p.values,
              *where_p.values]
    cand = f"WITH cand AS ({candidates_sql})"
    if d.budget_left is None:
        return f"{cand} {decided}", params
    running = "sum(cost) FILTER (WHERE reason IS NULL) OVER (ORDER BY member_id ROWS UNBOUNDED PRECEDING)"
    sql = (
        f"{cand}, decided AS ({decided}) SELECT member_id, CASE WHEN reason IS NULL AND {running} > "
        f"{vendor.number(budget_p(d.budget_left))} THEN '{R.BUDGET}' ELSE reason END AS reason,"
        " send_after, cost FROM decided"
    )
    return sql, [*params, *budget_p.values]
