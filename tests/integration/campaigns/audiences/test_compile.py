"""How conditions combine (exclude, all, any), the single query, the live figures and the
stored count."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from campaigns.audiences.models import Audience, Match
from campaigns.audiences.selectors import audience_count, audience_figures, audience_members
from campaigns.audiences.services import audience_count_refresh, audience_counts_refresh
from club.members.models import Member, MemberStatus, Segment
from rewards.ledger.models import LotStatus
from rewards.tiers.models import MemberTier
from tests.factories import MemberFactory, TierFactory
from tests.integration.catalogue.factories import RewardFactory
from tests.integration.members.factories_admin import InterestFactory

from .helpers import (
    ON,
    audience,
    balance,
    condition,
    in_tier,
    local,
    lot,
    members_of,
    redemption,
    spend,
    tier_change,
    usage,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def world():
    """Members that differ in every attribute a condition reads, and one churned line."""
    gold = TierFactory(code="gold", name="Gold", rank=20)
    silver = TierFactory(code="silver", name="Silver", rank=10)
    football = InterestFactory(slug="football")
    reward = RewardFactory()
    people = []
    for index in range(8):
        member = MemberFactory(
            segment=[Segment.VIP, Segment.COST_CUTTERS, ""][index % 3],
            birth_date=None if index % 4 == 0 else D(1980 + index, 11, 20 + index),
            activation_date=D(2015 + index, 11, 22 + index % 3),
            language=["vi", "en"][index % 2], region=["Hà Nội", "Huế"][index % 2],
            consent_sms=index % 2 == 0, plan_name=f"Sao {index}",
            customer_type=["individual", "household"][index % 2],
        )
        if index % 2:
            in_tier(member, gold if index % 3 else silver)
            member.interests.add(football)
        if index % 3 == 0:
            spend(member, D(2026, 10, 1), 1_000_000 * index)
            balance(member, available=100 * index)
            redemption(member, reward, at=local(ON - dt.timedelta(days=index)))
            tier_change(member, to=gold, on=ON - dt.timedelta(days=index), reason="upgrade")
        if index % 4 == 1:
            usage(member, at=local(ON - dt.timedelta(days=index)))
            lot(member, points=100 * index, expires_at=local(ON + dt.timedelta(days=index)),
                status=LotStatus.ACTIVE)
        people.append(member)
    MemberFactory(status=MemberStatus.CHURNED, churn_reason="voluntary", segment=Segment.VIP)
    return {"gold": gold, "football": football, "members": people}


def every_kind(world):
    """One condition of every kind, with values that split the world."""
    return [
        ("tier", {"tiers": [str(world["gold"].pk)]}),
        ("segment", {"segments": ["vip"]}),
        ("customer_type", {"customer_types": ["individual"]}),
        ("plan", {"payment_plans": [], "tariff_kinds": [], "plan_name": "sao 1",
                  "plan_name_match": "contains"}),
        ("region", {"regions": ["Huế"]}),
        ("language", {"languages": ["en"]}),
        ("age", {"min_years": 40, "max_years": 43}),
        ("tenure", {"min_years": 3, "max_years": 7}),
        ("interests", {"interests": [str(world["football"].pk)]}),
        ("consents", {"consents": ["sms"], "state": "given"}),
        ("spend", {"min_spend": 2_000_000, "max_spend": None}),
        ("spend", {"min_spend": None, "max_spend": 3_000_000}),
        ("points_balance", {"min_points": None, "max_points": 300}),
        ("redeemed_recently", {"days": 4}),
        ("no_usage", {"days": 3}),
        ("birthday", {"days": 3}),
        ("anniversary", {"days": 1}),
        ("tier_change", {"direction": "upgrade", "days": 4, "to_tiers": []}),
        ("points_expiring", {"days": 4, "min_points": 1}),
        ("points_expiring", {"days": 10, "min_points": 200}),
    ]


def test_exclude_is_the_exact_complement_for_every_kind(world):
    active = {member.pk for member in world["members"]}
    for kind, fields in every_kind(world):
        matched = members_of(audience(condition(kind, **fields)))
        excluded = members_of(audience(condition(kind, exclude=True, **fields)))
        assert matched & excluded == set(), kind
        assert matched | excluded == active, kind
        assert matched and excluded, f"{kind}: the test values should split the world"


def test_all_and_any(world):
    vip = condition("segment", segments=["vip"])
    english = condition("language", languages=["en"])
    vips, english_speakers = members_of(audience(vip)), members_of(audience(english))

    assert members_of(audience(vip, english, match=Match.ALL)) == vips & english_speakers
    assert members_of(audience(vip, english, match=Match.ANY)) == vips | english_speakers
    not_english = condition("language", languages=["en"], exclude=True)
    assert members_of(audience(vip, not_english, match=Match.ALL)) == vips - english_speakers


def test_counting_is_one_query_and_a_chunk_embeds_as_a_subquery(world, django_assert_num_queries):
    conditions = [condition(kind, **fields) for kind, fields in every_kind(world)]
    saved = Audience.objects.create(name="Everything", match=Match.ANY, conditions=conditions)
    loaded = Audience.objects.get(pk=saved.pk)
    expected = members_of(audience(*conditions, match=Match.ANY))

    with django_assert_num_queries(1):
        assert audience_count(audience=loaded, on=ON) == len(expected)

    ids = sorted(member.pk for member in world["members"])
    low, high = ids[2], ids[6]
    chunk = audience_members(audience=loaded, on=ON).filter(id__gte=low, id__lt=high).values("id")
    with django_assert_num_queries(1):
        assert set(Member.objects.filter(pk__in=chunk).values_list("pk", flat=True)) == {
            pk for pk in expected if low <= pk < high
        }


def test_the_live_figures_agree_with_the_members(world):
    conditions = [condition("segment", segments=["vip"]), condition("language", languages=["en"])]
    vip_or_english = audience(*conditions, match=Match.ANY)
    expected = members_of(vip_or_english)

    figures = audience_figures(audience=vip_or_english, on=ON)

    assert (figures.members, figures.active_members, figures.is_estimate) == (len(expected), 8, False)
    assert [c.members for c in figures.conditions] == [len(members_of(audience(c))) for c in conditions]
    assert [c.text for c in figures.conditions] == ["Segment is VIP", "Language is English"]
    tiers = Counter(MemberTier.objects.filter(member__in=expected).values_list("tier__name", flat=True))
    tiers["Silver"] += len(expected) - tiers.total()  # never evaluated: the lowest live tier
    assert {g.label: g.members for g in figures.by_tier} == dict(tiers)
    labels = dict(Segment.choices)
    segments = Counter(labels[m.segment] for m in Member.objects.filter(pk__in=expected))
    assert {g.label: g.members for g in figures.by_segment} == dict(segments)


def test_members_never_evaluated_are_counted_in_the_default_tier(world):
    TierFactory(code="member", name="Member", rank=0)
    figures = audience_figures(audience=audience(), on=ON)

    assert [(g.label, g.members) for g in figures.by_tier] == [("Gold", 3), ("Silver", 1), ("Member", 4)]


def test_a_large_member_file_is_estimated_from_a_stable_sample(world):
    MemberFactory.create_batch(52, segment=Segment.VIP)
    vips = audience(condition("segment", segments=["vip"]))

    figures = audience_figures(audience=vips, on=ON, sample_size=20)
    again = audience_figures(audience=vips, on=ON, sample_size=20)

    assert figures.is_estimate and figures.active_members == 60 and figures.sampled < 60
    assert figures == again
    assert 40 <= figures.members <= 70  # 55 really
    assert audience_figures(audience=vips, on=ON, sample_size=30).is_estimate is False


def test_the_stored_count(world):
    vips = Audience.objects.create(name="VIPs", conditions=[condition("segment", segments=["vip"])])
    everyone = Audience.objects.create(name="Everyone")
    before = timezone.now()

    assert audience_count_refresh(audience_id=vips.pk, on=ON) == 3
    vips.refresh_from_db()
    assert vips.member_count == 3 and vips.counted_at >= before
    assert audience_count_refresh(audience_id=vips.pk + everyone.pk + 1, on=ON) is None
    assert audience_counts_refresh(on=ON) == 2
    everyone.refresh_from_db()
    assert everyone.member_count == 8
