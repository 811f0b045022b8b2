"""Events as the operator sends them, for the billing tests."""

from __future__ import annotations

import itertools

_ids = itertools.count(1)
OCCURRED = "2026-10-15T10:00:00+07:00"


def bill(member, amount="120000", *, event_id=None, period="2026-10", occurred_at=OCCURRED, **extra):
    return {"event_id": event_id or f"bill-{next(_ids)}", "kind": "bill_paid", "msisdn": member.msisdn,
            "amount": amount, "period": period, "occurred_at": occurred_at, **extra}


def top_up(member, amount="50000", *, event_id=None, channel="card", occurred_at=OCCURRED):
    return {"event_id": event_id or f"topup-{next(_ids)}", "kind": "top_up",
            "account_number": member.account_number, "amount": amount, "channel": channel,
            "occurred_at": occurred_at}


def usage(member, *, event_id=None, data_mb=2048, voice_minutes=30, sms=5, period="2026-10",
          occurred_at=OCCURRED):
    return {"event_id": event_id or f"usage-{next(_ids)}", "kind": "usage", "msisdn": member.msisdn,
            "data_mb": data_mb, "voice_minutes": voice_minutes, "sms": sms, "period": period,
            "occurred_at": occurred_at}


def reversal(member, original_id, *, event_id=None, occurred_at="2026-10-20T10:00:00+07:00"):
    return {"event_id": event_id or f"rev-{next(_ids)}", "kind": "reversal", "msisdn": member.msisdn,
            "reverses": original_id, "occurred_at": occurred_at}


def plan_change(member, plan_name, *, event_id=None, occurred_at=OCCURRED, **extra):
    return {"event_id": event_id or f"plan-{next(_ids)}", "kind": "plan_change", "msisdn": member.msisdn,
            "plan_name": plan_name, "occurred_at": occurred_at, **extra}


def status_change(member, status, *, event_id=None, occurred_at=OCCURRED, **extra):
    return {"event_id": event_id or f"status-{next(_ids)}", "kind": "status_change",
            "msisdn": member.msisdn, "status": status, "occurred_at": occurred_at, **extra}
