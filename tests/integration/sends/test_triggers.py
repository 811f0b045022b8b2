"""The daily conditions of triggered campaigns: each moment is picked on exactly one day."""

from __future__ import annotations

import datetime as dt

import pytest

from campaigns.sends.triggers import trigger_filter
from club.members.models import Member
from rewards.ledger.models import PointLot
from rewards.ledger.services import PointsGrant, points_grant_many
from rewards.tiers.models import TierChange
from tests.factories import TierFactory

from .conftest import member

pytestmark = pytest.mark.django_db
D = dt.date(2026, 11, 24)


def picked(trigger: str, on: dt.date) -> set[int]:
    return set(Member.objects.filter(trigger_filter(trigger=trigger, on=on)).values_list("pk", flat=True))


def test_birthday_and_anniversary_on_their_day_29_february_on_28_february():
    born = member(birth_date=dt.date(1990, 11, 24))
    leap = member(birth_date=dt.date(2000, 2, 29))
    activated = member(activation_date=dt.date(2021, 11, 24))
    new_today = member(activation_date=D)

    assert picked("birthday", D) == {born.pk}
    assert picked("birthday", dt.date(2027, 2, 28)) == {leap.pk}
    assert activated.pk in picked("activation_anniversary", D)
    assert new_today.pk not in picked("activation_anniversary", D)


def test_tier_changes_are_picked_the_day_after_they_happen():
    silver, gold = TierFactory(code="silver", rank=2), TierFactory(code="gold", rank=3)
    up, down = member(), member()
    TierChange.objects.create(member=up, from_tier=silver, to_tier=gold, on=D - dt.timedelta(days=1),
                              reason="upgrade")
    TierChange.objects.create(member=down, from_tier=gold, to_tier=silver, on=D - dt.timedelta(days=1),
                              reason="downgrade")

    assert picked("tier_up", D) == {up.pk} and picked("tier_down", D) == {down.pk}
    assert picked("tier_up", D + dt.timedelta(days=1)) == set()  # picked once


def test_points_expiring_are_picked_thirty_days_before_their_day(settings):
    settings.SENDS_POINTS_EXPIRING_NOTICE_DAYS = 30
    holder = member()
    points_grant_many(grants=[PointsGrant(holder.pk, 100, "earned", "billing_event", "t1", "earn:t1",
                                          dt.datetime(2026, 1, 1, tzinfo=dt.UTC))])
    expiry = dt.datetime.combine(D + dt.timedelta(days=30), dt.time(12), tzinfo=dt.UTC)
    PointLot.objects.filter(member=holder).update(expires_at=expiry, status="active")

    assert picked("points_expiring", D) == {holder.pk}
    assert picked("points_expiring", D - dt.timedelta(days=1)) == set()
    assert picked("points_expiring", D + dt.timedelta(days=1)) == set()
