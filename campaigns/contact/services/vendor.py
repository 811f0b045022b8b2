"""What differs between PostgreSQL and SQLite in the contact SQL: timestamps as parameters,
the holdout hash and the quiet-hours arithmetic. PostgreSQL computes them in SQL; SQLite (the
embedded dev database, which has no time zones) calls the pure rules of ``rules.py`` as SQL
functions registered on its connection."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.utils.dateparse import parse_datetime, parse_time

from .. import rules


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def ts(value: dt.datetime) -> object:
    """A timestamp parameter for raw SQL."""
    return value if is_postgres() else connection.ops.adapt_datetimefield_value(value)


def fence() -> str:
    """Ends a subquery PostgreSQL must not flatten into a join (SQLite has no need)."""
    return " OFFSET 0" if is_postgres() else ""


def number(param: str) -> str:
    """A decimal parameter compared in SQL (SQLite would compare the text it is sent as)."""
    return param if is_postgres() else f"CAST({param} AS REAL)"


def holdout_sql(seed_param: str, member_column: str) -> str:
    """SQL for the member's holdout bucket (0..9999), see ``rules.holdout_bucket``."""
    if is_postgres():
        return (
            f"mod(('x' || substr(md5({seed_param} || ':' || {member_column}::text), 1, 8))::bit(32)::bigint,"
            f" {rules.HOLDOUT_BUCKETS})"
        )
    return f"contact_holdout_bucket({seed_param}, {member_column})"


@lru_cache(maxsize=1)
def _postgres_zones() -> frozenset[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_timezone_names")
        return frozenset(name for (name,) in cursor.fetchall())


def unknown_zones(names: set[str]) -> list[str]:
    """The names among ``names`` that are not a time zone both Python and the database know."""
    known = rules.known_time_zones()
    if is_postgres():
        known = known & _postgres_zones()
    return sorted(name for name in names if name not in known)


def zone_sql(p, column: str, unknown: list[str]) -> str:
    """The member's zone name, the operator's for a name nobody knows (SQLite: the rules
    fall back by themselves)."""
    if not unknown or not is_postgres():
        return column
    return f"(CASE WHEN {column} = ANY({p(unknown)}) THEN {p(settings.TIME_ZONE)} ELSE {column} END)"


def quiet_until_sql(p, *, at: dt.datetime, zone: str, default_start: dt.time | None,
                    default_end: dt.time | None) -> tuple[str, str]:
    """``(joins, expression)``: SQL for ``rules.quiet_until`` of the candidate ``c`` (its
    ``quiet_hours_start``/``_end`` columns, else the defaults): NULL outside quiet hours, else
    the end of the quiet period. ``p`` adds a parameter and returns its placeholder; every
    parameter appears once (the joins compute the repeated parts)."""
    if not is_postgres():
        call = (
            f"contact_quiet_until({p(ts(at))}, {zone}, c.quiet_hours_start, c.quiet_hours_end, "
            f"{p(_sqlite_time(default_start))}, {p(_sqlite_time(default_end))})"
        )
        return "", call
    both = "(c.quiet_hours_start IS NOT NULL AND c.quiet_hours_end IS NOT NULL)"
    joins = (
        f" CROSS JOIN LATERAL (SELECT {zone} AS name) z"
        f" CROSS JOIN LATERAL (SELECT ({p(at)}::timestamptz AT TIME ZONE z.name) AS local_at,"
        f" CASE WHEN {both} THEN c.quiet_hours_start ELSE {p(default_start)}::time END AS qs,"
        f" CASE WHEN {both} THEN c.quiet_hours_end ELSE {p(default_end)}::time END AS qe) q"
    )
    lt = "q.local_at::time"
    quiet = (
        f"(q.qs IS NOT NULL AND q.qe IS NOT NULL AND q.qs <> q.qe AND "
        f"CASE WHEN q.qs < q.qe THEN {lt} >= q.qs AND {lt} < q.qe ELSE {lt} >= q.qs OR {lt} < q.qe END)"
    )
    expression = (
        f"(CASE WHEN {quiet} THEN ((q.local_at::date + (CASE WHEN {lt} < q.qe THEN 0 ELSE 1 END)) + q.qe)"
        " AT TIME ZONE z.name END)"
    )
    return joins, expression


def _sqlite_time(value: dt.time | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_quiet_until(at, zone, start, end, default_start, default_end):
    window = rules.quiet_window(
        parse_time(start) if start else None, parse_time(end) if end else None,
        parse_time(default_start) if default_start else None,
        parse_time(default_end) if default_end else None,
    )
    moment = parse_datetime(at).replace(tzinfo=dt.UTC)
    until = rules.quiet_until(moment, rules.member_zone(zone), window)
    return None if until is None else connection.ops.adapt_datetimefield_value(until)


def prepare_connection() -> None:
    """Register the SQL functions SQLite needs on the current connection (cheap)."""
    if is_postgres():
        return
    connection.ensure_connection()
    raw = connection.connection
    raw.create_function("contact_holdout_bucket", 2, rules.holdout_bucket, deterministic=True)
    raw.create_function("contact_quiet_until", 6, _sqlite_quiet_until, deterministic=True)

