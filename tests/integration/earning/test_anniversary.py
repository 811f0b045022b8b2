"""The daily tenure-anniversary bonus: set-based, once per rule, member and year."""

from __future__ import annotations

import datetime as dt

import pytest

from club.members.models import MemberStatus
from rewards.earning.services import earning_anniversary_grant
from rewards.earning.tasks import earning_anniversary_daily
from rewards.ledger.models import LedgerEntry
from tests.factories import EarningRuleFactory, MemberFactory

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 15)


def test_members_on_their_anniversary_get_each_rules_bonus_once(db):
    flat = EarningRuleFactory(name="Anniversary", event_kind="anniversary", amount_points=0,
                              anniversary_points=500)
    scaled = EarningRuleFactory(name="Loyalty years", event_kind="anniversary", amount_points=0,
                                anniversary_points=100, anniversary_scales_with_years=True)
    EarningRuleFactory(name="Draft", event_kind="anniversary", anniversary_points=9_999, live=False)
    six_years = MemberFactory(activation_date=dt.date(2020, 6, 15))
    one_year = MemberFactory(activation_date=dt.date(2025, 6, 15))
    MemberFactory(activation_date=dt.date(2026, 6, 15))  # activated today: no anniversary yet
    MemberFactory(activation_date=dt.date(2020, 6, 16))  # tomorrow
    MemberFactory(activation_date=dt.date(2019, 6, 15), status=MemberStatus.CHURNED, churn_reason="voluntary")

    written = earning_anniversary_grant(on=ON, chunk_size=1)

    assert written == 4
    entries = LedgerEntry.objects.order_by("member_id", "points").values_list(
        "member_id", "points", "idempotency_key", "reason"
    )
    assert list(entries) == [
        (six_years.pk, 500, f"anniv:{flat.pk}:{six_years.pk}:2026", "Activation anniversary: 500 pts"),
        (six_years.pk, 600, f"anniv:{scaled.pk}:{six_years.pk}:2026", "Activation anniversary: 600 pts"),
        (one_year.pk, 100, f"anniv:{scaled.pk}:{one_year.pk}:2026", "Activation anniversary: 100 pts"),
        (one_year.pk, 500, f"anniv:{flat.pk}:{one_year.pk}:2026", "Activation anniversary: 500 pts"),
    ]
    assert set(LedgerEntry.objects.values_list("reason_code", flat=True)) == {"earn.anniversary"}
    assert sorted(e.reason_values["points"] for e in LedgerEntry.objects.all()) == [100, 500, 500, 600]
    assert earning_anniversary_grant(on=ON) == 0  # a rerun grants nothing twice


def test_a_leap_day_activation_is_celebrated_on_28_february_in_common_years(db):
    EarningRuleFactory(event_kind="anniversary", amount_points=0, anniversary_points=500)
    member = MemberFactory(activation_date=dt.date(2024, 2, 29))

    assert earning_anniversary_grant(on=dt.date(2026, 2, 28)) == 1
    assert LedgerEntry.objects.get().member_id == member.pk


def test_the_daily_task_grants_todays_anniversaries(db, monkeypatch):
    EarningRuleFactory(event_kind="anniversary", amount_points=0, anniversary_points=500)
    MemberFactory(activation_date=dt.date(2020, 6, 15))
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: ON)

    assert earning_anniversary_daily.delay().get() == 1
