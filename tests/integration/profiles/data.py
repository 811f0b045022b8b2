"""Hand-made histories for the profile tests: activity rows, billing events, care rows.

The operator's time zone in the tests is Asia/Ho_Chi_Minh (UTC+7), so local midnights are
17:00 UTC the day before: the boundary cases below sit on both sides of them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

from club.care.models import Complaint, ContactLogEntry
from rewards.activity.models import MonthlyActivity
from rewards.billing.models import BillingEvent

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
ON = dt.date(2026, 10, 15)
_ids = itertools.count(1)


def local(text: str) -> dt.datetime:
    """``"2026-10-10 10:00"`` in the operator's time zone."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LOCAL)


def month(member, first_day: str, *, spend=0, bills_paid=0, top_ups=0, top_up_amount=0, data_mb=0,
          voice_minutes=0, sms=0) -> MonthlyActivity:
    return MonthlyActivity.objects.create(
        member=member, month=dt.date.fromisoformat(first_day), spend=Decimal(spend), bills_paid=bills_paid,
        top_ups=top_ups, top_up_amount=Decimal(top_up_amount), data_mb=data_mb,
        voice_minutes=voice_minutes, sms=sms,
    )


def event(member, kind: str, at: str, *, state="applied", **fields) -> BillingEvent:
    occurred = local(at)
    return BillingEvent.objects.create(
        event_id=f"e-{next(_ids)}", kind=kind, member=member, occurred_at=occurred,
        received_at=occurred, state=state, source="api", **fields,
    )


def top_up(member, at: str, amount, *, state="applied") -> BillingEvent:
    return event(member, "top_up", at, state=state, amount=Decimal(amount), channel="card")


def status(member, at: str, value: str, *, state="applied") -> BillingEvent:
    return event(member, "status_change", at, state=state, status=value)


def complaint(member, at: str) -> Complaint:
    filed = local(at)
    return Complaint.objects.create(
        member=member, category="network", subject="No signal", description="-", created_at=filed,
        first_response_due=filed + dt.timedelta(days=1), resolution_due=filed + dt.timedelta(days=5),
    )


def contact(member, at: str, staff_user) -> ContactLogEntry:
    return ContactLogEntry.objects.create(member=member, staff_user=staff_user, kind="call",
                                          happened_at=local(at), summary="Called about the bill")


def alice_history(member, staff_user) -> None:
    """Every source, with the boundaries of each window (figures in ``ALICE``)."""
    month(member, "2026-10-01", spend=100_000, data_mb=1000, voice_minutes=10, sms=5, bills_paid=1)
    month(member, "2026-09-01")  # netted to zero by a reversal: not an active month
    month(member, "2026-08-01", spend=50_000, data_mb=500, voice_minutes=20, sms=1)
    month(member, "2026-07-01", spend=30_000, data_mb=300, voice_minutes=7, sms=100)
    month(member, "2026-05-01", spend=20_000, data_mb=200)
    month(member, "2026-04-01", spend=10_000, top_ups=1, top_up_amount=10_000)
    month(member, "2025-10-01", spend=99_999)  # 13 months back
    month(member, "2026-11-01", spend=77_777)  # after the day of the profile
    top_up(member, "2026-07-21 10:00", 5000)  # before the 3 months: cadence only
    top_up(member, "2026-08-01 00:00", 10_000)  # the first instant of the 3 months
    top_up(member, "2026-09-10 10:00", 20_000)
    top_up(member, "2026-09-20 10:00", 99_000, state="reversed")
    top_up(member, "2026-10-10 10:00", 50_000)
    top_up(member, "2026-10-16 00:00", 1000)  # after the window
    top_up(member, "2025-10-31 23:00", 1000)  # before the 12 months
    status(member, "2025-10-01 00:00", "in_arrears")  # an episode before the 12 months
    status(member, "2025-10-03 00:00", "active")
    status(member, "2025-12-01 00:00", "in_arrears")  # episode 1
    status(member, "2025-12-05 00:00", "active")
    status(member, "2026-07-01 00:00", "suspended")  # in force when the 90 days start (07-18)
    status(member, "2026-07-28 00:00", "active")  # 10 days suspended inside the window
    status(member, "2026-09-01 00:00", "in_arrears")  # episode 2
    status(member, "2026-09-06 00:00", "in_arrears")  # still episode 2
    status(member, "2026-09-11 00:00", "active")  # 10 days in arrears
    status(member, "2026-10-05 00:00", "in_arrears", state="reversed")  # never happened
    status(member, "2026-10-13 00:00", "suspended")  # 3 days to the window's end
    status(member, "2026-10-20 00:00", "in_arrears")  # after the window
    complaint(member, "2026-07-17 23:00")  # one hour before the 90 days
    complaint(member, "2026-07-18 00:00")
    complaint(member, "2026-10-01 09:00")
    contact(member, "2026-09-02 14:00", staff_user)
    contact(member, "2026-10-16 00:00", staff_user)  # after the window


ALICE = {
    "as_of": ON,
    "spend_3m": Decimal("150000"), "spend_prev_3m": Decimal("50000"), "spend_12m": Decimal("210000"),
    "months_active_12m": 5,
    "data_mb_3m": 1500, "data_mb_prev_3m": 500, "voice_minutes_3m": 30, "voice_minutes_prev_3m": 7,
    "sms_3m": 6,
    "top_ups_3m": 3, "top_up_amount_3m": Decimal("80000"),
    # 2026-07-21 10:00 to 2026-10-10 10:00 is 81 days, over 3 intervals
    "mean_days_between_top_ups": Decimal("27.00"), "last_top_up_at": local("2026-10-10 10:00"),
    "days_suspended_90d": 13, "days_in_arrears_90d": 10, "arrears_episodes_12m": 2,
    "complaints_90d": 2, "support_contacts_90d": 1,
}


def bob_history(member) -> None:
    """In arrears since before the window and never out of it; one top-up."""
    status(member, "2026-06-01 00:00", "in_arrears")
    top_up(member, "2026-09-01 08:00", 20_000)


BOB = {
    "as_of": ON,
    "spend_3m": Decimal("0"), "spend_prev_3m": Decimal("0"), "spend_12m": Decimal("0"),
    "months_active_12m": 0, "data_mb_3m": 0, "data_mb_prev_3m": 0, "voice_minutes_3m": 0,
    "voice_minutes_prev_3m": 0, "sms_3m": 0,
    "top_ups_3m": 1, "top_up_amount_3m": Decimal("20000"), "mean_days_between_top_ups": None,
    "last_top_up_at": local("2026-09-01 08:00"),
    "days_suspended_90d": 0, "days_in_arrears_90d": 90, "arrears_episodes_12m": 1,
    "complaints_90d": 0, "support_contacts_90d": 0,
}

NOBODY = {
    **{name: value for name, value in BOB.items()},
    "top_ups_3m": 0, "top_up_amount_3m": Decimal("0"), "last_top_up_at": None, "days_in_arrears_90d": 0,
    "arrears_episodes_12m": 0,
}

FIELDS = tuple(ALICE)


def figures(profile) -> dict:
    return {name: getattr(profile, name) for name in FIELDS}
