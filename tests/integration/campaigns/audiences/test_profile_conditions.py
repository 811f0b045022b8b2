"""Who is in an audience, condition by condition: the member-profile conditions."""

from __future__ import annotations

import datetime as dt

import pytest

from club.members.models import CustomerType, MemberStatus, PaymentPlan, Segment, TariffKind
from tests.factories import MemberFactory, TierFactory
from tests.integration.members.factories_admin import InterestFactory

from .helpers import ON, audience, condition, in_tier, members_of

pytestmark = pytest.mark.django_db
D = dt.date


def ids(*members) -> set[int]:
    return {member.pk for member in members}


def test_segment_and_customer_type():
    vip = MemberFactory(segment=Segment.VIP, customer_type=CustomerType.ENTERPRISE)
    cutter = MemberFactory(segment=Segment.COST_CUTTERS)
    MemberFactory(segment="")

    assert members_of(audience(condition("segment", segments=["vip", "cost_cutters"]))) == ids(vip, cutter)
    assert members_of(audience(condition("customer_type", customer_types=["enterprise"]))) == ids(vip)


def test_plan_by_payment_tariff_and_name():
    prepaid_max = MemberFactory(payment_plan=PaymentPlan.PREPAID, plan_name="Sao MAX 90",
                                tariff_kind=TariffKind.FLAT_RATE)
    prepaid_basic = MemberFactory(payment_plan=PaymentPlan.PREPAID, plan_name="Sao Basic")
    postpaid_max = MemberFactory(payment_plan=PaymentPlan.POSTPAID, plan_name="Sao Max")

    def plan(**fields):
        values = {"payment_plans": [], "tariff_kinds": [], "plan_name": "", "plan_name_match": "contains"}
        return members_of(audience(condition("plan", **{**values, **fields})))

    assert plan(payment_plans=["prepaid"]) == ids(prepaid_max, prepaid_basic)
    assert plan(tariff_kinds=["flat_rate"]) == ids(prepaid_max)
    assert plan(plan_name="max") == ids(prepaid_max, postpaid_max)
    assert plan(plan_name="sao max", plan_name_match="equals") == ids(postpaid_max)
    assert plan(payment_plans=["prepaid"], plan_name="max") == ids(prepaid_max)


def test_region_and_language():
    hanoi_vi = MemberFactory(region="Hà Nội", language="vi")
    danang_en = MemberFactory(region="Đà Nẵng", language="en")
    MemberFactory(region="", language="ru")

    assert members_of(audience(condition("region", regions=["Đà Nẵng", "Cần Thơ"]))) == ids(danang_en)
    assert members_of(audience(condition("language", languages=["vi", "en"]))) == ids(hanoi_vi, danang_en)


def test_consents_all_given_or_all_withheld():
    both = MemberFactory(consent_marketing=True, consent_sms=True)
    marketing_only = MemberFactory(consent_marketing=True, consent_sms=False)
    neither = MemberFactory(consent_marketing=False, consent_sms=False)

    given = condition("consents", consents=["marketing", "sms"], state="given")
    withheld = condition("consents", consents=["marketing", "sms"], state="withheld")
    assert members_of(audience(given)) == ids(both)
    assert members_of(audience(withheld)) == ids(neither)
    assert marketing_only.pk not in members_of(audience(given)) | members_of(audience(withheld))


def test_interests_any_of_the_chosen():
    football, travel = InterestFactory(slug="football"), InterestFactory(slug="travel")
    gaming = InterestFactory(slug="gaming")
    fan = MemberFactory()
    fan.interests.add(football, gaming)
    traveller = MemberFactory()
    traveller.interests.add(travel)
    gamer = MemberFactory()
    gamer.interests.add(gaming)

    chosen = condition("interests", interests=[str(football.pk), str(travel.pk)])
    assert members_of(audience(chosen)) == ids(fan, traveller)
    # a member with two chosen interests is counted once
    assert audience_members_count(audience(chosen)) == 2


def audience_members_count(target) -> int:
    from campaigns.audiences.selectors import audience_count

    return audience_count(audience=target, on=ON)


class TestTier:
    @pytest.fixture
    def ladder(self):
        return {
            "member": TierFactory(code="member", name="Member", rank=0),
            "silver": TierFactory(code="silver", name="Silver", rank=10),
            "gold": TierFactory(code="gold", name="Gold", rank=20),
        }

    def test_the_current_tier(self, ladder):
        gold, silver = MemberFactory(), MemberFactory()
        in_tier(gold, ladder["gold"])
        in_tier(silver, ladder["silver"])

        assert members_of(audience(condition("tier", tiers=[str(ladder["gold"].pk)]))) == ids(gold)

    def test_a_member_never_evaluated_is_in_the_default_tier(self, ladder):
        new = MemberFactory()
        evaluated = MemberFactory()
        in_tier(evaluated, ladder["member"])
        silver = MemberFactory()
        in_tier(silver, ladder["silver"])

        default = condition("tier", tiers=[str(ladder["member"].pk)])
        assert members_of(audience(default)) == ids(new, evaluated)
        assert members_of(audience(condition("tier", tiers=[str(ladder["silver"].pk)]))) == ids(silver)

    def test_an_unpublished_lowest_tier_is_not_the_default(self, ladder):
        ladder["member"].rank = 5
        ladder["member"].save()
        draft = TierFactory(code="starter", name="Starter", rank=1, live=False)
        new = MemberFactory()

        assert members_of(audience(condition("tier", tiers=[str(draft.pk)]))) == set()
        assert members_of(audience(condition("tier", tiers=[str(ladder["member"].pk)]))) == ids(new)


@pytest.mark.parametrize(
    ("activation", "matched"),
    [
        pytest.param(D(2021, 11, 24), True, id="5th-anniversary-today"),
        pytest.param(D(2021, 11, 25), False, id="5th-anniversary-tomorrow"),
        pytest.param(D(2017, 11, 25), True, id="9th-anniversary-tomorrow"),
        pytest.param(D(2017, 11, 24), False, id="9th-anniversary-today"),
    ],
)
def test_tenure_boundaries(activation, matched):
    member = MemberFactory(activation_date=activation)
    five_to_eight = audience(condition("tenure", min_years=5, max_years=8))

    assert (member.pk in members_of(five_to_eight)) is matched


def test_tenure_of_a_29_february_activation_completes_on_1_march():
    member = MemberFactory(activation_date=D(2024, 2, 29))
    one_year = audience(condition("tenure", min_years=1, max_years=None))

    assert members_of(one_year, on=D(2025, 2, 28)) == set()
    assert members_of(one_year, on=D(2025, 3, 1)) == ids(member)


def test_a_future_activation_has_0_years():
    member = MemberFactory(activation_date=ON + dt.timedelta(days=3))

    assert members_of(audience(condition("tenure", min_years=0, max_years=1))) == ids(member)
    assert members_of(audience(condition("tenure", min_years=1, max_years=None))) == set()


def test_age_band_and_unknown_birth_dates():
    turns_18_today = MemberFactory(birth_date=D(2008, 11, 24))
    turns_18_tomorrow = MemberFactory(birth_date=D(2008, 11, 25))
    turns_26_today = MemberFactory(birth_date=D(2000, 11, 24))
    turns_26_tomorrow = MemberFactory(birth_date=D(2000, 11, 25))
    unknown = MemberFactory(birth_date=None)

    young = condition("age", min_years=18, max_years=25)
    assert members_of(audience(young)) == ids(turns_18_today, turns_26_tomorrow)
    not_young = condition("age", min_years=18, max_years=25, exclude=True)
    assert members_of(audience(not_young)) == ids(turns_18_tomorrow, turns_26_today, unknown)
    assert members_of(audience(condition("age", min_years=0, max_years=None))) == ids(
        turns_18_today, turns_18_tomorrow, turns_26_today, turns_26_tomorrow
    )


def test_only_active_lines_are_ever_in_an_audience():
    active = MemberFactory(segment=Segment.VIP)
    for status in (MemberStatus.SUSPENDED, MemberStatus.IN_ARREARS):
        MemberFactory(segment=Segment.VIP, status=status)
    MemberFactory(segment=Segment.VIP, status=MemberStatus.CHURNED, churn_reason="voluntary")

    assert members_of(audience()) == ids(active)
    assert members_of(audience(condition("segment", segments=["vip"]))) == ids(active)
    assert members_of(audience(condition("segment", segments=["devicers"], exclude=True))) == ids(active)
