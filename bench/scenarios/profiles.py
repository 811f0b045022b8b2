"""``profiles``: members re-profiled (and re-segmented...) per second by the nightly run, against
one raw ``INSERT ... SELECT ... GROUP BY`` of the same aggregates in the same run.

data: ``size`` members (60% prepaid, 70% consenting to profiling), built set-based in SQL with
``generate_series``: twelve months of ``MonthlyActivity`` (80% of member-months present),
billing events over the same months (prepaid: 0 to 3 top-ups a month, 1% of them reversed;
postpaid: a paid bill a month; 20% of members with status changes: suspensions, arrears
episodes, some starting before the 90 days), complaints (3%) and contact-log entries (6%).
value: members/s of ``profiles_refresh_all`` (every step of ``club.profiles.pipeline``:
profile upsert per keyset chunk, then the later steps present, e.g. segments and churn), the
nightly run: the profiles exist already (a first run created them; its rate is a note).
baseline: members/s of ONE raw ``INSERT INTO <temp copy of the profile table> SELECT ...``
computing the same profile aggregates for every member from the same rows (grouped
subqueries joined to the members, no chunks, no upsert); the best of two.
notes: the first run (inserting the profiles), the profile step alone (``profiles_refresh``),
the data sizes and the steps measured.
"""

from __future__ import annotations

import datetime as dt

NAME = "profiles"
DEFAULT_SIZE = 1_000_000
UNIT = "members/s"
BASELINE_RUNS = 2
CHUNK_SIZE = 10_000
ON = dt.date(2026, 10, 15)  # the profiles' day; the history covers the 12 months up to it
_FIRST_MONTH = "2025-11-01"  # twelve months back from October 2026
_ZONE = "Asia/Ho_Chi_Minh"

# a pseudo-random 0..999 from two integers, stable across runs
_HASH = "((({a}) * 2654435761 + ({b}) * 40503 + 977) %% 1000)"  # %% : every statement has parameters


def _h(a: str, b: str) -> str:
    return _HASH.format(a=a, b=b)


def _members_create(size: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO members_member (msisdn, account_number, customer_type, activation_date, payment_plan,
                tariff_kind, plan_name, region, city, language, status, churn_reason, segment,
                consent_marketing, consent_profiling, consent_email, consent_sms, consent_portal,
                time_zone, attributes, billing_detail_digest, created_at, updated_at)
            SELECT '+849' || lpad(((i * 7919 + 1000003) %% 100000000)::text, 8, '0'),
                'PRF' || lpad(i::text, 9, '0'), CASE WHEN i %% 50 = 0 THEN 'enterprise' ELSE 'individual' END,
                date '2014-01-01' + (i %% 4300)::int, CASE WHEN i %% 5 < 3 THEN 'prepaid' ELSE 'postpaid' END,
                CASE WHEN i %% 4 = 0 THEN 'flat_rate' ELSE 'metered' END, 'Basic', 'Hà Nội', 'Hà Nội', 'vi',
                'active', '', '', true, i %% 10 < 7, false, true, true, %s, '{}', '', now(), now()
            FROM generate_series(1::bigint, %s) AS i
            """,
            [_ZONE, size],
        )


def _activity_create() -> int:
    from django.db import connection

    present = _h("m.id", "k")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO activity_monthlyactivity (member_id, month, spend, bills_paid, top_up_amount, top_ups,
                data_mb, voice_minutes, sms)
            SELECT m.id, (date '{_FIRST_MONTH}' + make_interval(months => k))::date,
                ({_h("m.id", "k + 11")} + 20) * 500, CASE WHEN m.payment_plan = 'postpaid' THEN 1 ELSE 0 END,
                CASE WHEN m.payment_plan = 'prepaid' THEN ({_h("m.id", "k + 11")} + 20) * 500 ELSE 0 END,
                CASE WHEN m.payment_plan = 'prepaid' THEN {_h("m.id", "k")} %% 4 ELSE 0 END,
                {_h("m.id", "k + 23")} * 20, {_h("m.id", "k + 37")} / 2, {_h("m.id", "k + 41")} / 10
            FROM members_member m CROSS JOIN generate_series(0, 11) AS k
            WHERE {present} < 800
            """,
            [],
        )
        return cursor.rowcount


_EVENT_COLUMNS = (
    "event_id, kind, member_id, occurred_at, received_at, state, source, batch_ref, amount, period, "
    "channel, data_mb, voice_minutes, sms, plan_name, payment_plan, tariff_kind, status, churn_reason, "
    "reverses, reversed_by"
)


def _events_create() -> int:
    """Top-ups (prepaid), paid bills (postpaid) and status changes, in the operator's zone."""
    from django.db import connection

    month = f"(timestamp '{_FIRST_MONTH}' + make_interval(months => k))"
    rows = 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO billing_billingevent ({_EVENT_COLUMNS})
            SELECT 'tu-' || m.id || '-' || k || '-' || j, 'top_up', m.id,
                ({month} + make_interval(days => ({_h("m.id", "k * 3 + j")} %% 28)::int,
                                          hours => ({_h("m.id", "k * 5 + j")} %% 24)::int)) AT TIME ZONE %s,
                now(), CASE WHEN {_h("m.id", "k * 7 + j")} < 10 THEN 'reversed' ELSE 'applied' END,
                'file', 'bench',
                (1 + {_h("m.id", "k + j")} %% 10) * 10000, NULL, 'card', 0, 0, 0, '', '', '', '', '', '', ''
            FROM members_member m CROSS JOIN generate_series(0, 11) AS k CROSS JOIN generate_series(0, 2) AS j
            WHERE m.payment_plan = 'prepaid' AND j < {_h("m.id", "k")} %% 4
              AND ({month} + make_interval(days => ({_h("m.id", "k * 3 + j")} %% 28)::int)) < CAST(%s AS date)
            """,
            [_ZONE, ON],
        )
        rows += cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO billing_billingevent ({_EVENT_COLUMNS})
            SELECT 'bill-' || m.id || '-' || k, 'bill_paid', m.id,
                ({month} + interval '4 days 10 hours') AT TIME ZONE %s, now(), 'applied', 'file', 'bench',
                ({_h("m.id", "k + 11")} + 20) * 500, {month}::date, '', 0, 0, 0, '', '', '', '', '', '', ''
            FROM members_member m CROSS JOIN generate_series(0, 11) AS k
            WHERE m.payment_plan = 'postpaid' AND {month}::date <= CAST(%s AS date)
            """,
            [_ZONE, ON],
        )
        rows += cursor.rowcount
        # 20% of members: pairs (suspended|in_arrears, then active a few days later), 1 or 2
        # episodes, anywhere from 14 months back; some still open on the profiles' day
        cursor.execute(
            f"""
            INSERT INTO billing_billingevent ({_EVENT_COLUMNS})
            SELECT 'st-' || m.id || '-' || e || '-' || p, 'status_change', m.id,
                (CAST(%s AS timestamp) - make_interval(days => ({_h("m.id", "e + 5")} %% 420)::int)
                   + make_interval(days => (p * (2 + {_h("m.id", "e + 9")} %% 30))::int)) AT TIME ZONE %s,
                now(), 'applied', 'file', 'bench', NULL, NULL, '', 0, 0, 0, '', '', '',
                CASE WHEN p = 1 THEN 'active' WHEN {_h("m.id", "e + 2")} < 500 THEN 'suspended'
                     ELSE 'in_arrears' END, '', '', ''
            FROM members_member m CROSS JOIN generate_series(0, 1) AS e CROSS JOIN generate_series(0, 1) AS p
            WHERE {_h("m.id", "101")} < 200 AND (e = 0 OR {_h("m.id", "103")} < 400)
              AND NOT (p = 1 AND {_h("m.id", "e + 13")} < 100)
              AND CAST(%s AS timestamp) - make_interval(days => ({_h("m.id", "e + 5")} %% 420)::int)
                  + make_interval(days => (p * (2 + {_h("m.id", "e + 9")} %% 30))::int)
                  < CAST(%s AS timestamp)
            """,
            [ON, _ZONE, ON, ON],
        )
        rows += cursor.rowcount
    return rows


def _care_create() -> int:
    from django.contrib.auth import get_user_model
    from django.db import connection

    staff = get_user_model().objects.create(email="bench-care@example.test", is_staff=True)
    rows = 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO care_complaint (member_id, category, subject, description, status, created_at,
                first_response_due, resolution_due, resolution, goodwill_points)
            SELECT m.id, 'network', 'No signal', '-', 'resolved', at, at + interval '1 day',
                at + interval '5 days', '', 0
            FROM (SELECT id, (CAST(%s AS timestamp) - make_interval(days => ({_h("id", "201")} %% 120)::int))
                             AT TIME ZONE %s AS at
                  FROM members_member WHERE {_h("id", "203")} < 30) m
            """,
            [ON, _ZONE],
        )
        rows += cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO care_contactlogentry (member_id, staff_user_id, kind, happened_at, summary,
                created_at)
            SELECT id, %s, 'call',
                (CAST(%s AS timestamp) - make_interval(days => ({_h("id", "207")} %% 150)::int))
                    AT TIME ZONE %s,
                'Called', now()
            FROM members_member WHERE {_h("id", "209")} < 60
            """,
            [staff.pk, ON, _ZONE],
        )
        rows += cursor.rowcount
        cursor.execute("VACUUM ANALYZE members_member, activity_monthlyactivity, billing_billingevent, "
                       "care_complaint, care_contactlogentry")
    return rows


_BASELINE_AGGREGATES = (
    "spend_3m, spend_prev_3m, spend_12m, months_active_12m, data_mb_3m, data_mb_prev_3m, voice_minutes_3m, "
    "voice_minutes_prev_3m, sms_3m, top_ups_3m, top_up_amount_3m, mean_days_between_top_ups, last_top_up_at, "
    "days_suspended_90d, days_in_arrears_90d, arrears_episodes_12m, complaints_90d, support_contacts_90d"
)
_OVERLAP_DAYS = ("EXTRACT(EPOCH FROM GREATEST(LEAST(COALESCE(next_at, %(ends)s), %(ends)s) "
                 "- GREATEST(at, %(s90)s), interval '0')) / 86400.0")
# The reference: the same aggregates for every member in one statement (PostgreSQL's own
# idioms: FILTER, GREATEST/LEAST), written independently of club/profiles/services/refresh_sql.py.
_BASELINE = f"""
INSERT INTO bench_profiles (member_id, as_of, refreshed_at, {_BASELINE_AGGREGATES},
    is_large_customer, is_often_in_arrears, is_lost_to_competitor, segment_computed, churn_factors)
SELECT m.id, %(on)s, now(),
    COALESCE(a.s3, 0), COALESCE(a.sp3, 0), COALESCE(a.s12, 0), COALESCE(a.active, 0), COALESCE(a.d3, 0),
    COALESCE(a.dp3, 0), COALESCE(a.v3, 0), COALESCE(a.vp3, 0), COALESCE(a.sms3, 0),
    COALESCE(t.n3, 0), COALESCE(t.amount3, 0), t.mean_days, t.last_at,
    COALESCE(s.suspended, 0), COALESCE(s.arrears, 0), COALESCE(s.episodes, 0),
    COALESCE(c.n, 0), COALESCE(l.n, 0),
    false, false, false, '', '[]'::jsonb
FROM members_member m
LEFT JOIN (
    SELECT member_id,
        SUM(spend) FILTER (WHERE month >= %(m3)s) AS s3,
        SUM(spend) FILTER (WHERE month >= %(mp3)s AND month < %(m3)s) AS sp3,
        SUM(spend) AS s12,
        COUNT(*) FILTER (WHERE spend > 0 OR bills_paid > 0 OR top_ups > 0 OR data_mb > 0 OR voice_minutes > 0
                         OR sms > 0) AS active,
        SUM(data_mb) FILTER (WHERE month >= %(m3)s) AS d3,
        SUM(data_mb) FILTER (WHERE month >= %(mp3)s AND month < %(m3)s) AS dp3,
        SUM(voice_minutes) FILTER (WHERE month >= %(m3)s) AS v3,
        SUM(voice_minutes) FILTER (WHERE month >= %(mp3)s AND month < %(m3)s) AS vp3,
        SUM(sms) FILTER (WHERE month >= %(m3)s) AS sms3
    FROM activity_monthlyactivity WHERE month >= %(m12)s AND month <= %(on)s GROUP BY member_id
) a ON a.member_id = m.id
LEFT JOIN (
    SELECT member_id, COUNT(*) FILTER (WHERE occurred_at >= %(s3)s) AS n3,
        SUM(amount) FILTER (WHERE occurred_at >= %(s3)s) AS amount3,
        CASE WHEN COUNT(*) > 1
             THEN ROUND(EXTRACT(EPOCH FROM MAX(occurred_at) - MIN(occurred_at)) / 86400.0 / (COUNT(*) - 1), 2)
        END AS mean_days,
        MAX(occurred_at) AS last_at
    FROM billing_billingevent
    WHERE kind = 'top_up' AND state = 'applied' AND occurred_at >= %(s12)s AND occurred_at < %(ends)s
    GROUP BY member_id
) t ON t.member_id = m.id
LEFT JOIN (
    SELECT member_id,
        ROUND(SUM({_OVERLAP_DAYS}) FILTER (WHERE status = 'suspended'))::int AS suspended,
        ROUND(SUM({_OVERLAP_DAYS}) FILTER (WHERE status = 'in_arrears'))::int AS arrears,
        COUNT(*) FILTER (WHERE status = 'in_arrears' AND previous IS DISTINCT FROM 'in_arrears'
                         AND at >= %(s12)s) AS episodes
    FROM (
        SELECT member_id, status, occurred_at AS at,
            LEAD(occurred_at) OVER (PARTITION BY member_id ORDER BY occurred_at, id) AS next_at,
            LAG(status) OVER (PARTITION BY member_id ORDER BY occurred_at, id) AS previous
        FROM billing_billingevent
        WHERE kind = 'status_change' AND state = 'applied' AND occurred_at < %(ends)s
    ) timeline
    GROUP BY member_id
) s ON s.member_id = m.id
LEFT JOIN (
    SELECT member_id, COUNT(*) AS n FROM care_complaint
    WHERE created_at >= %(s90)s AND created_at < %(ends)s GROUP BY member_id
) c ON c.member_id = m.id
LEFT JOIN (
    SELECT member_id, COUNT(*) AS n FROM care_contactlogentry
    WHERE happened_at >= %(s90)s AND happened_at < %(ends)s GROUP BY member_id
) l ON l.member_id = m.id
"""


def _baseline_members_per_second(size: int) -> float:
    from django.conf import settings
    from django.db import connection

    from bench.harness import seconds
    from club.profiles.windows import ProfileWindows

    windows = ProfileWindows.as_of(ON, settings.TIME_ZONE)
    parameters = {"on": ON, "m3": windows.month_3m, "mp3": windows.month_prev_3m, "m12": windows.month_12m,
                  "s3": windows.starts_3m, "s12": windows.starts_12m, "s90": windows.starts_90d,
                  "ends": windows.ends}
    best = None
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_profiles (LIKE profiles_memberprofile INCLUDING ALL)")
        for _run in range(BASELINE_RUNS):
            cursor.execute("TRUNCATE bench_profiles")
            elapsed = seconds(lambda: cursor.execute(_BASELINE, parameters))
            best = elapsed if best is None else min(best, elapsed)
    return size / best


def _baseline_disagreements() -> int:
    """Profiles whose aggregates differ from the baseline's: 0, or the comparison is void."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*) FROM bench_profiles b FULL JOIN profiles_memberprofile p USING (member_id)
            WHERE b.member_id IS NULL OR p.member_id IS NULL
               OR ROW({", ".join(f"b.{c}" for c in _BASELINE_AGGREGATES.split(", "))})
                  IS DISTINCT FROM ROW({", ".join(f"p.{c}" for c in _BASELINE_AGGREGATES.split(", "))})
            """,
            [],
        )
        return cursor.fetchone()[0]


def _steps_timed(spent: dict[str, float]):
    """Make the pipeline time each of its steps into ``spent``; returns the undo."""
    import time

    from club.profiles import pipeline

    untimed = pipeline.pipeline_steps

    def timed(step):
        def run_step(**arguments):
            started = time.perf_counter()
            try:
                return step(**arguments)
            finally:
                spent[step.__name__] = spent.get(step.__name__, 0.0) + time.perf_counter() - started
        return run_step

    pipeline.pipeline_steps = lambda: [timed(step) for step in untimed()]
    return lambda: setattr(pipeline, "pipeline_steps", untimed)


def run(*, size: int):
    from django.db import connection

    from bench.harness import BenchResult, seconds
    from club.profiles.pipeline import PIPELINE_STEPS
    from club.profiles.services import profiles_refresh, profiles_refresh_all

    counts: dict[str, int] = {}

    def build_data() -> None:
        _members_create(size)
        counts.update(activity=_activity_create(), events=_events_create(), care=_care_create())

    build = seconds(build_data)
    first = seconds(lambda: profiles_refresh_all(chunk_size=CHUNK_SIZE, on=ON))
    with connection.cursor() as cursor:
        # what autovacuum does between nights: the first run also rewrote most members' segment
        cursor.execute("VACUUM ANALYZE profiles_memberprofile, members_member")
    spent: dict[str, float] = {}
    untime = _steps_timed(spent)
    try:
        nightly = seconds(lambda: profiles_refresh_all(chunk_size=CHUNK_SIZE, on=ON))
    finally:
        untime()
    profile_step = seconds(lambda: profiles_refresh(on=ON, chunk_size=CHUNK_SIZE))
    baseline = _baseline_members_per_second(size)
    disagreements = _baseline_disagreements()
    value = size / nightly
    steps = [path.rsplit(".", 1)[-1] for path in PIPELINE_STEPS]
    return BenchResult(
        scenario=NAME, size=size, value=value, unit=UNIT, baseline=baseline,
        notes=[
            f"profiles: {size:,} members, {counts['activity']:,} monthly activity rows, {counts['events']:,} "
            f"billing events, {counts['care']:,} complaints and contacts, built in {build:.1f} s",
            f"pipeline steps measured: {', '.join(steps)} (chunks of {CHUNK_SIZE:,}, one transaction each)",
            f"nightly run (profiles exist; the value): {nightly:.2f} s, {value:,.0f} members/s; inside it "
            + ", ".join(f"{name} {elapsed:.2f} s" for name, elapsed in spent.items()),
            f"first run (profiles created): {first:.2f} s, {size / first:,.0f} members/s, "
            f"ratio {size / first / baseline:.3f}",
            f"profile step alone (profiles_refresh): {profile_step:.2f} s, "
            f"{size / profile_step:,.0f} members/s, ratio {size / profile_step / baseline:.3f}",
            f"baseline: one INSERT ... SELECT ... GROUP BY of the same aggregates, best of {BASELINE_RUNS}: "
            f"{baseline:,.0f} members/s; profiles that differ from it: {disagreements}",
        ],
    )
