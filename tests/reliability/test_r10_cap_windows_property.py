"""r10: cap windows and quiet hours at time-zone, DST and midnight edges: the SQL decision of
``contacts_reserve`` (PostgreSQL) against a simple reference written here, for at least 10,000
generated members. Each example is a chunk of members sharing one moment ``at`` chosen next to
a DST change, a local midnight or a quiet-hours boundary of its main zone; every member has its
own zone, quiet hours, weekly limit and past contacts placed on and around the window edges.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.contact.models import ContactPolicy, Delivery, Suppression
from campaigns.contact.services import RunSlice, contacts_reserve
from club.members.models import Member
from tests.integration.contact.factories import campaign

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ZONES = [
    "Asia/Ho_Chi_Minh",
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Africa/Casablanca",
    "UTC",
]
UNKNOWN_ZONE = "Mars/Olympus_Mons"  # falls back to the operator's zone
MEMBERS_PER_EXAMPLE = 50
EXAMPLES = 210
US = dt.timedelta(microseconds=1)
EDGES = [
    -dt.timedelta(hours=1),
    -dt.timedelta(seconds=1),
    -US,
    dt.timedelta(0),
    US,
    dt.timedelta(seconds=1),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=1),
]
WEEK = dt.timedelta(days=7)
SMS_CAP, FATIGUE_CAP = 3, 4


def _transitions(zone: str) -> list[dt.datetime]:
    """The instants a zone changes its offset in 2026-2027 (found hour by hour, then to the minute)."""
    tz = ZoneInfo(zone)
    found = []
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(2028, 1, 1, tzinfo=dt.UTC)
    while moment < end:
        nxt = moment + dt.timedelta(hours=1)
        if moment.astimezone(tz).utcoffset() != nxt.astimezone(tz).utcoffset():
            lo, hi = moment, nxt
            while hi - lo > dt.timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                if lo.astimezone(tz).utcoffset() == mid.astimezone(tz).utcoffset():
                    lo = mid
                else:
                    hi = mid
            found.append(hi.replace(second=0, microsecond=0))
        moment = nxt
    return found


TRANSITIONS = {zone: _transitions(zone) for zone in ZONES}


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name if name in ZONES else django_settings.TIME_ZONE)


# --- the reference ------------------------------------------------------------------------


def ref_to_instant(wall: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The instant the local wall-clock time ``wall`` names: tried with every offset the zone
    has within a day of it; twice (clocks back): the later; never (clocks forward): read with
    the offset of the day before."""
    offsets = {
        (wall + dt.timedelta(hours=h)).replace(tzinfo=dt.UTC).astimezone(tz).utcoffset()
        for h in range(-30, 31)
    }
    matches = [
        wall.replace(tzinfo=dt.UTC) - o
        for o in offsets
        if (wall.replace(tzinfo=dt.UTC) - o).astimezone(tz).replace(tzinfo=None) == wall
    ]
    if matches:
        return max(matches)
    before = (wall - dt.timedelta(days=1)).replace(tzinfo=dt.UTC)
    before_offset = (before - before.astimezone(tz).utcoffset()).astimezone(tz).utcoffset()
    return wall.replace(tzinfo=dt.UTC) - before_offset


def ref_send_after(
    at: dt.datetime, tz: ZoneInfo, quiet: tuple[dt.time, dt.time] | None
) -> dt.datetime | None:
    if quiet is None or quiet[0] == quiet[1]:
        return None
    start, end = quiet
    local = at.astimezone(tz).replace(tzinfo=None)
    t = local.time()
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + dt.timedelta(days=1)
    return ref_to_instant(dt.datetime.combine(day, end), tz)


@dataclass(frozen=True)
class Past:
    kind: str  # "this" (the campaign, another run), "sms", "email", "seen" (portal offer seen), "failed"
    at: dt.datetime


@dataclass(frozen=True)
class Case:
    zone: str
    own_quiet: tuple[dt.time, dt.time] | None
    weekly_limit: int | None
    past: tuple[Past, ...]


@dataclass(frozen=True)
class Rules:
    at: dt.datetime
    window_max: int
    window: dt.timedelta
    gap: dt.timedelta | None
    default_quiet: tuple[dt.time, dt.time] | None


def ref_decision(case: Case, rules: Rules) -> tuple[str | None, dt.datetime | None]:
    live = [p for p in case.past if p.kind != "failed"]

    def after(kinds, since):
        return sum(1 for p in live if p.kind in kinds and p.at > since)

    if after({"this"}, rules.at - rules.window) >= rules.window_max:  # each past run is its own occurrence
        return "campaign_cap", None
    if rules.gap and after({"this"}, rules.at - rules.gap):
        return "min_gap", None
    if after({"this", "sms"}, rules.at - WEEK) >= SMS_CAP:
        return "channel_cap", None
    contacts = after({"this", "sms", "email", "seen"}, rules.at - WEEK)
    if contacts >= FATIGUE_CAP:
        return "fatigue_cap", None
    if case.weekly_limit is not None and contacts >= case.weekly_limit:
        return "member_limit", None
    quiet = case.own_quiet if case.own_quiet else rules.default_quiet
    return None, ref_send_after(rules.at, _zone(case.zone), quiet)


# --- generation ---------------------------------------------------------------------------

times_of_day = (
    st.sampled_from(
        [
            dt.time(0, 0),
            dt.time(23, 59, 59, 999999),
            dt.time(2, 30),
            dt.time(1, 30),
            dt.time(22, 0),
            dt.time(7, 0),
            dt.time(3, 0),
        ]
    )
    | st.times()
)


@st.composite
def rules_and_cases(draw):
    main = draw(st.sampled_from(ZONES))
    tz = ZoneInfo(main)
    transition = draw(st.sampled_from(TRANSITIONS[main])) if TRANSITIONS[main] else None
    anchor_kind = draw(
        st.sampled_from(["transition", "midnight", "random"] if transition else ["midnight", "random"])
    )
    if anchor_kind == "transition":
        anchor = transition
    else:
        day = dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 700)))
        wall = dt.datetime.combine(day, dt.time(0) if anchor_kind == "midnight" else draw(st.times()))
        anchor = ref_to_instant(wall, tz)
    at = anchor + draw(st.sampled_from(EDGES)) + dt.timedelta(days=draw(st.sampled_from([0, 0, 7, -7])))
    local_at = at.astimezone(tz).time().replace(tzinfo=None)
    near_now = st.sampled_from(
        [
            local_at,
            (dt.datetime.combine(dt.date(2000, 1, 1), local_at) + US).time(),
            (dt.datetime.combine(dt.date(2000, 1, 2), local_at) - US).time(),
        ]
    )
    quiet_bound = near_now | times_of_day
    rules = Rules(
        at=at,
        window_max=draw(st.integers(1, 3)),
        window=dt.timedelta(days=draw(st.sampled_from([1, 2, 7]))),
        gap=draw(st.sampled_from([None, dt.timedelta(hours=1), dt.timedelta(hours=24)])),
        default_quiet=draw(st.none() | st.tuples(quiet_bound, quiet_bound)),
    )
    edges = [-rules.window, -WEEK] + ([-rules.gap] if rules.gap else [])
    offset = st.one_of(
        st.builds(lambda edge, nudge: edge + nudge, st.sampled_from(edges), st.sampled_from(EDGES)),
        st.timedeltas(min_value=-dt.timedelta(days=10), max_value=dt.timedelta(hours=2)),
    )
    past = st.builds(
        Past,
        st.sampled_from(["this", "sms", "email", "seen", "failed"]),
        offset.map(lambda delta: at + delta),
    )
    case = st.builds(
        Case,
        zone=st.sampled_from([main] * 6 + ZONES + [UNKNOWN_ZONE]),
        own_quiet=st.none() | st.tuples(quiet_bound, quiet_bound),
        weekly_limit=st.none() | st.integers(1, 4),
        past=st.lists(past, max_size=6).map(tuple),
    )
    return rules, draw(st.lists(case, min_size=MEMBERS_PER_EXAMPLE, max_size=MEMBERS_PER_EXAMPLE))


# --- the test -----------------------------------------------------------------------------

_numbers = itertools.count()


class Rollback(Exception):
    pass


def _decide_in_sql(rules: Rules, cases: list[Case], this, other_sms, other_email, portal):
    policy = ContactPolicy.load()
    policy.sms_max, policy.sms_window_days, policy.email_max, policy.portal_max = SMS_CAP, 7, None, None
    policy.fatigue_max, policy.fatigue_window_days = FATIGUE_CAP, 7
    policy.quiet_hours_start, policy.quiet_hours_end = rules.default_quiet or (None, None)
    policy.save()
    this.max_per_window, this.window_days = rules.window_max, rules.window.days
    this.min_gap_hours = int(rules.gap.total_seconds() // 3600) if rules.gap else None
    this.save()
    members = Member.objects.bulk_create(
        [
            Member(
                msisdn=f"+8492{next(_numbers):07d}",
                account_number=f"R10{next(_numbers):09d}",
                activation_date=dt.date(2020, 1, 1),
                time_zone=case.zone,
                consent_marketing=True,
                consent_sms=True,
                consent_email=True,
                consent_portal=True,
                max_messages_per_week=case.weekly_limit,
                quiet_hours_start=case.own_quiet[0] if case.own_quiet else None,
                quiet_hours_end=case.own_quiet[1] if case.own_quiet else None,
            )
            for case in cases
        ]
    )
    rows = []
    for member, case in zip(members, cases, strict=True):
        for n, p in enumerate(case.past):
            campaign_, channel = {
                "this": (this, "sms"),
                "sms": (other_sms, "sms"),
                "failed": (other_sms, "sms"),
                "email": (other_email, "email"),
                "seen": (portal, "portal"),
            }[p.kind]
            rows.append(
                Delivery(
                    campaign=campaign_,
                    member=member,
                    channel=channel,
                    occurrence=f"past-{n}",
                    reserved_at=p.at,
                    status="failed" if p.kind == "failed" else ("viewed" if p.kind == "seen" else "sent"),
                    viewed_at=p.at if p.kind == "seen" else None,
                )
            )
    Delivery.objects.bulk_create(rows)
    ids = [m.pk for m in members]
    contacts_reserve(slices=[RunSlice(this, "now")], id_from=min(ids), id_to=max(ids) + 1, at=rules.at)
    delivered = dict(
        Delivery.objects.filter(campaign=this, occurrence="now").values_list("member_id", "send_after")
    )
    suppressed = dict(
        Suppression.objects.filter(campaign=this, occurrence="now").values_list("member_id", "reason")
    )
    return [
        (suppressed.get(m.pk), delivered.get(m.pk))
        if m.pk in delivered or m.pk in suppressed
        else ("missing", None)
        for m in members
    ]


def test_r10_cap_windows_and_quiet_hours_agree_with_the_reference_at_tz_dst_and_midnight_edges():
    this = campaign(send_portal=False, send_sms=True)
    other_sms = campaign(send_portal=False, send_sms=True)
    other_email = campaign(send_portal=False, send_email=True)
    portal = campaign(send_portal=True)
    tally = {"cases": 0, "disagreements": 0, "delivered": 0, "deferred": 0, "edge_examples": 0}
    shown: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
        ],
    )
    @given(rules_and_cases())
    def check(example):
        rules, cases = example
        try:
            with transaction.atomic():
                got = _decide_in_sql(rules, cases, this, other_sms, other_email, portal)
                raise Rollback
        except Rollback:
            pass
        for case, actual in zip(cases, got, strict=True):
            expected = ref_decision(case, rules)
            tally["cases"] += 1
            tally["delivered"] += expected[0] is None
            tally["deferred"] += expected[1] is not None
            if actual != expected:
                tally["disagreements"] += 1
                if len(shown) < 5:
                    shown.append(
                        f"at={rules.at.isoformat()} {case} {rules}: sql={actual} reference={expected}"
                    )

    check()
    print(
        f"\nr10: {tally['cases']} members in {EXAMPLES} chunks at DST, midnight and quiet-hours edges: "
        f"{tally['delivered']} delivered ({tally['deferred']} deferred by quiet hours), "
        f"{tally['cases'] - tally['delivered']} suppressed, {tally['disagreements']} disagreements"
    )
    assert shown == []
    assert tally["cases"] >= 10_000 and tally["disagreements"] == 0
    assert tally["deferred"] > 500 and tally["cases"] - tally["delivered"] > 1000
