"""``reward_catalogue_for``: every reward on offer, each with its stock and tier gate for one member."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rewards.catalogue.selectors import reward_catalogue_for
from rewards.tiers.models import MemberTier
from tests.factories import MemberFactory, TierFactory

from .factories import RewardFactory, give_points

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    member = MemberFactory()
    give_points(member, 100)
    return member


def seen(items):
    return [
        (i.reward.name, i.remaining, i.minimum_tier_name, i.is_affordable, i.has_tier, i.is_redeemable)
        for i in items
    ]


def test_the_catalogue_keeps_what_the_member_cannot_have_and_says_why(member):
    TierFactory(name="Silver", rank=1)
    gold = TierFactory(name="Gold", rank=2)
    RewardFactory(name="data", points_cost=60)
    RewardFactory(name="dear", points_cost=101)
    RewardFactory(name="sold out", points_cost=10, stock=0)
    RewardFactory(name="gold only", points_cost=20, minimum_tier=gold)
    RewardFactory(name="draft", points_cost=10, live=False)
    RewardFactory(
        name="over",
        points_cost=10,
        valid_from=timezone.now() - dt.timedelta(days=2),
        valid_until=timezone.now() - dt.timedelta(days=1),
    )

    assert seen(reward_catalogue_for(member_id=member.pk)) == [
        ("sold out", 0, "", True, True, False),
        ("gold only", None, "Gold", True, False, False),
        ("data", None, "", True, True, True),
        ("dear", None, "", False, True, False),
    ]
    assert [i.reward.name for i in reward_catalogue_for(member_id=member.pk, affordable_only=True)] == [
        "sold out",
        "gold only",
        "data",
    ]
    assert [i.reward.name for i in reward_catalogue_for(member_id=member.pk, kind="data_pack")] == [
        "sold out",
        "gold only",
        "data",
        "dear",
    ]
    assert reward_catalogue_for(member_id=member.pk, kind="merchandise") == []


def test_the_tier_gate_opens_for_the_tier_and_above(member):
    TierFactory(name="Silver", rank=1)
    gold = TierFactory(name="Gold", rank=2)
    RewardFactory(name="gold only", points_cost=20, minimum_tier=gold)
    MemberTier.objects.create(
        member=member, tier=gold, since=dt.date(2026, 1, 1), qualified_until=dt.date(2027, 1, 1)
    )

    assert seen(reward_catalogue_for(member_id=member.pk)) == [("gold only", None, "Gold", True, True, True)]
