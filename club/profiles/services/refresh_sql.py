"""The set-based statement that refreshes the profiles of one chunk of members.

One ``INSERT ... SELECT ... ON CONFLICT (member_id) DO UPDATE`` per chunk: the members of the
chunk left-joined to one grouped subquery per source (monthly activity, top-up events, the
status timeline, each registered care counter), every subquery filtered by the chunk. The
same SQL runs on PostgreSQL and SQLite except for three small pieces: how the chunk's ids
are written, the length of a time interval in days, and the JSON literal.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from club.members.counters import COMPLAINTS, SUPPORT_CONTACTS, member_counter
from club.members.models import Member, MemberStatus
from rewards.activity.models import MonthlyActivity
from rewards.billing.models import BillingEvent, EventKind, EventState
from rewards.sql import int_array

from ..models import MemberProfile
from ..windows import ProfileWindows

# The columns this refresh owns; the segment and churn columns belong to later pipeline steps.
_ACTIVITY_COLUMNS = (
    "spend_3m", "spend_prev_3m", "spend_12m", "months_active_12m",
    "data_mb_3m", "data_mb_prev_3m", "voice_minutes_3m", "voice_minutes_prev_3m", "sms_3m",
)
_TOP_UP_COLUMNS = ("top_ups_3m", "top_up_amount_3m", "mean_days_between_top_ups", "last_top_up_at")
_STATUS_COLUMNS = ("days_suspended_90d", "days_in_arrears_90d", "arrears_episodes_12m")
_COUNTER_COLUMNS = {COMPLAINTS: "complaints_90d", SUPPORT_CONTACTS: "support_contacts_90d"}
AGGREGATES = (*_ACTIVITY_COLUMNS, *_TOP_UP_COLUMNS, *_STATUS_COLUMNS, *_COUNTER_COLUMNS.values())
_OWNED = ("as_of", "refreshed_at", *AGGREGATES)
# Columns only a new row needs (their model defaults; the refresh never changes them).
_NEW_ROW_DEFAULTS = ("is_large_customer", "is_often_in_arrears", "is_lost_to_competitor",
                     "segment_computed", "churn_factors")


def _member_filter(column: str, ids: Sequence[int] | range) -> str:
    """``column`` is one of the chunk's ids. A ``range`` (every member from its first to its
    last id, as a keyset chunk usually is) is written as ``BETWEEN`` alone, which the planner
    estimates right and walks in an index; other ids are integers written into the SQL as
    well (on PostgreSQL as one array literal)."""
    low, high = int(ids[0]), int(ids[-1])
    if isinstance(ids, range):
        return f"{column} BETWEEN {low} AND {high}"
    if connection.vendor == "postgresql":
        return f"{column} BETWEEN {low} AND {high} AND {column} = ANY('{int_array(ids)}'::bigint[])"
    return f"{column} BETWEEN {low} AND {high} AND {column} IN ({','.join(map(str, map(int, ids)))})"


def _days(start: str, end: str) -> str:
    """The length of ``[start, end)`` in days (fractional)."""
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM ({end}) - ({start})) / 86400.0)"
    return f"(julianday({end}) - julianday({start}))"


def _activity(ids: Sequence[int]) -> str:
    table = MonthlyActivity._meta.db_table

    # FILTER (PostgreSQL, SQLite >= 3.30) skips the rows instead of adding zeros; an empty
    # filter sums to NULL, which the outer COALESCE makes 0
    def last_3(column: str) -> str:
        return f"SUM({column}) FILTER (WHERE month >= %(month_3m)s)"

    def prev_3(column: str) -> str:
        return f"SUM({column}) FILTER (WHERE month >= %(month_prev_3m)s AND month < %(month_3m)s)"

    active = "spend > 0 OR bills_paid > 0 OR top_ups > 0 OR data_mb > 0 OR voice_minutes > 0 OR sms > 0"
    return f"""
        SELECT member_id, {last_3("spend")} AS spend_3m, {prev_3("spend")} AS spend_prev_3m,
               SUM(spend) AS spend_12m, COUNT(*) FILTER (WHERE {active}) AS months_active_12m,
               {last_3("data_mb")} AS data_mb_3m, {prev_3("data_mb")} AS data_mb_prev_3m,
               {last_3("voice_minutes")} AS voice_minutes_3m,
               {prev_3("voice_minutes")} AS voice_minutes_prev_3m, {last_3("sms")} AS sms_3m
        FROM {table}
        WHERE {_member_filter("member_id", ids)} AND month >= %(month_12m)s AND month <= %(on)s
        GROUP BY member_id"""


def _top_ups(ids: Sequence[int]) -> str:
    table = BillingEvent._meta.db_table
    span = _days("MIN(occurred_at)", "MAX(occurred_at)")
    return f"""
        SELECT member_id,
               COUNT(*) FILTER (WHERE occurred_at >= %(starts_3m)s) AS top_ups_3m,
               SUM(amount) FILTER (WHERE occurred_at >= %(starts_3m)s) AS top_up_amount_3m,
               CASE WHEN COUNT(*) > 1 THEN ROUND({span} / (COUNT(*) - 1), 2) END AS mean_days_between_top_ups,
               MAX(occurred_at) AS last_top_up_at
        FROM {table}
        WHERE {_member_filter("member_id", ids)} AND kind = '{EventKind.TOP_UP}'
          AND state = '{EventState.APPLIED}' AND occurred_at >= %(starts_12m)s AND occurred_at < %(ends)s
        GROUP BY member_id"""


def _statuses(ids: Sequence[int]) -> str:
    """Per member: the days suspended and in arrears inside the 90 days (the state in force at
    the window's start counts from the start), and the times the line entered ``in_arrears``
    in the 12 months. Every applied status change up to the window's end builds the
    timeline: a state lasts until the next change."""
    table = BillingEvent._meta.db_table
    clipped_start = "CASE WHEN starts > %(starts_90d)s THEN starts ELSE %(starts_90d)s END"
    clipped_end = "CASE WHEN ends IS NULL OR ends > %(ends)s THEN %(ends)s ELSE ends END"
    overlap = f"CASE WHEN {clipped_end} > {clipped_start} THEN {_days(clipped_start, clipped_end)} ELSE 0 END"

    def days_in(status: str) -> str:
        return f"CAST(ROUND(SUM(CASE WHEN status = '{status}' THEN {overlap} ELSE 0 END)) AS INTEGER)"

    return f"""
        SELECT member_id, {days_in(MemberStatus.SUSPENDED)} AS days_suspended_90d,
               {days_in(MemberStatus.IN_ARREARS)} AS days_in_arrears_90d,
               SUM(CASE WHEN status = '{MemberStatus.IN_ARREARS}' AND starts >= %(starts_12m)s
                         AND COALESCE(previous, '') <> '{MemberStatus.IN_ARREARS}' THEN 1 ELSE 0 END)
                   AS arrears_episodes_12m
        FROM (
            SELECT member_id, status, occurred_at AS starts,
                   LEAD(occurred_at) OVER timeline AS ends, LAG(status) OVER timeline AS previous
            FROM {table}
            WHERE {_member_filter("member_id", ids)} AND kind = '{EventKind.STATUS_CHANGE}'
              AND state = '{EventState.APPLIED}' AND occurred_at < %(ends)s
            WINDOW timeline AS (PARTITION BY member_id ORDER BY occurred_at, id)
        ) changes
        GROUP BY member_id"""


def _counter(name: str, ids: Sequence[int]) -> str | None:
    counted = member_counter(name)
    if counted is None:
        return None
    member, time = counted.member_column, counted.time_column
    return f"""
        SELECT {member} AS member_id, COUNT(*) AS counted FROM {counted.table}
        WHERE {_member_filter(member, ids)} AND {time} >= %(starts_90d)s AND {time} < %(ends)s
        GROUP BY {member}"""


def refresh_statement(ids: Sequence[int] | range) -> str:
    """The upsert of the profiles of ``ids`` (sorted, unique; or a ``range`` when every member
    id in it exists), with named parameters (``refresh_parameters``)."""
    joins = [
        f"LEFT JOIN ({_activity(ids)}) activity ON activity.member_id = m.id",
        f"LEFT JOIN ({_top_ups(ids)}) top_ups ON top_ups.member_id = m.id",
        f"LEFT JOIN ({_statuses(ids)}) statuses ON statuses.member_id = m.id",
    ]
    values = {
        "as_of": "%(on)s", "refreshed_at": "%(now)s",
        **{column: f"COALESCE(activity.{column}, 0)" for column in _ACTIVITY_COLUMNS},
        "top_ups_3m": "COALESCE(top_ups.top_ups_3m, 0)",
        "top_up_amount_3m": "COALESCE(top_ups.top_up_amount_3m, 0)",
        "mean_days_between_top_ups": "top_ups.mean_days_between_top_ups",  # null: fewer than 2
        "last_top_up_at": "top_ups.last_top_up_at",
        **{column: f"COALESCE(statuses.{column}, 0)" for column in _STATUS_COLUMNS},
    }
    for name, column in _COUNTER_COLUMNS.items():
        counted = _counter(name, ids)
        if counted is None:
            values[column] = "0"
        else:
            joins.append(f"LEFT JOIN ({counted}) {name} ON {name}.member_id = m.id")
            values[column] = f"COALESCE({name}.counted, 0)"
    empty_list = "'[]'::jsonb" if connection.vendor == "postgresql" else "'[]'"
    defaults = ["FALSE", "FALSE", "FALSE", "''", empty_list]
    columns = ["member_id", *_OWNED, *_NEW_ROW_DEFAULTS]
    selected = ["m.id", *(values[column] for column in _OWNED), *defaults]
    updates = ", ".join(f"{column} = excluded.{column}" for column in _OWNED)
    # Two refreshes of one member may overlap (two drains, a drain and the nightly run). The
    # one that started later read the later events; if it wins the row lock first, the other
    # must not overwrite it with what it read before: the row keeps the latest ``now``.
    table = MemberProfile._meta.db_table
    nl = "\n"
    return f"""
        INSERT INTO {table} ({", ".join(columns)})
        SELECT {", ".join(selected)}
        FROM {Member._meta.db_table} m
        {nl.join(joins)}
        WHERE {_member_filter("m.id", ids)}
        ORDER BY m.id
        ON CONFLICT (member_id) DO UPDATE SET {updates}
        WHERE {table}.refreshed_at <= excluded.refreshed_at"""


def refresh_parameters(windows: ProfileWindows, now) -> dict:
    ops = connection.ops
    return {
        "on": ops.adapt_datefield_value(windows.on),
        "now": ops.adapt_datetimefield_value(now),
        "month_3m": ops.adapt_datefield_value(windows.month_3m),
        "month_prev_3m": ops.adapt_datefield_value(windows.month_prev_3m),
        "month_12m": ops.adapt_datefield_value(windows.month_12m),
        "starts_3m": ops.adapt_datetimefield_value(windows.starts_3m),
        "starts_12m": ops.adapt_datetimefield_value(windows.starts_12m),
        "starts_90d": ops.adapt_datetimefield_value(windows.starts_90d),
        "ends": ops.adapt_datetimefield_value(windows.ends),
    }
