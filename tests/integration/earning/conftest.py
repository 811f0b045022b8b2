"""Fixtures of the earning tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from rewards.earning.services import EarningEvent

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
AT = dt.datetime(2026, 6, 15, 10, 0, tzinfo=HCM)


def bill(event_id: str, member_id: int, amount: int, at: dt.datetime = AT) -> EarningEvent:
    return EarningEvent(event_id=event_id, member_id=member_id, kind="bill_paid", occurred_at=at,
                        amount=Decimal(amount))


@pytest.fixture
def at():
    return AT
