"""Taking an offer: what each kind gives, once, and only to whom it reached in time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.offers.models import OfferAcceptance
from campaigns.offers.services import offer_accept
from rewards.catalogue.models import Redemption
from rewards.discounts.selectors import discount_quote_for_member
from rewards.ledger.models import LedgerEntry, PointsAccount
from tests.factories import MemberFactory
from tests.integration.campaigns.factories import CampaignFactory, delivered
from tests.integration.catalogue.concurrency import Crowd
from tests.integration.catalogue.factories import RewardFactory, give_points

pytestmark = pytest.mark.django_db


def balance(member) -> int:
    account = PointsAccount.objects.filter(member=member).first()
    return account.available + account.pending if account else 0


def test_bonus_points_are_credited_once_however_often_the_member_clicks():
    member = MemberFactory()
    campaign = CampaignFactory(offer_kind="bonus_points", bonus_points=500, name="Weekend data")
    delivered(campaign, member)

    first = offer_accept(member_id=member.pk, campaign_id=campaign.pk, occurrence="once")
    again = offer_accept(member_id=member.pk, campaign_id=campaign.pk, occurrence="once")

    assert (first.is_success, first.replayed, again.replayed) == (True, False, True)
    assert again.acceptance.pk == first.acceptance.pk
    entries = LedgerEntry.objects.filter(member=member)
    assert [(e.kind, e.points, e.reason, e.source_type) for e in entries] == [
        ("earn", 500, "Bonus: Weekend data", "campaign")]
    assert balance(member) == 500


def test_each_occurrence_of_a_recurring_campaign_is_its_own_offer():
    member = MemberFactory()
    campaign = CampaignFactory(offer_kind="bonus_points", bonus_points=100)
    delivered(campaign, member, occurrence="2026-11-02")
    delivered(campaign, member, occurrence="2026-11-09")

    for occurrence in ("2026-11-02", "2026-11-09", "2026-11-09"):
        offer_accept(member_id=member.pk, campaign_id=campaign.pk, occurrence=occurrence)

    assert balance(member) == 200
    assert OfferAcceptance.objects.filter(member=member).count() == 2


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        ("none", "not_offered"),
        ("other-member", "not_offered"),
        ("failed", "not_offered"),
        ("expired", "expired"),
    ],
)
def test_an_offer_that_did_not_reach_the_member_in_time_is_refused(setup, error):
    member, other = MemberFactory(), MemberFactory()
    campaign = CampaignFactory(offer_kind="bonus_points", bonus_points=100, offer_valid_days=7)
    if setup == "other-member":
        delivered(campaign, other)
    elif setup == "failed":
        delivered(campaign, member).__class__.objects.filter(member=member).update(status="failed")
    elif setup == "expired":
        delivered(campaign, member, at=timezone.now() - dt.timedelta(days=7, minutes=1))

    result = offer_accept(member_id=member.pk, campaign_id=campaign.pk, occurrence="once")

    assert (result.is_success, result.error) == (False, error)
    assert not OfferAcceptance.objects.exists()
    assert balance(member) == 0


def test_a_discount_offer_is_quoted_on_bills_while_it_is_valid():
    member = MemberFactory()
    campaign = CampaignFactory(offer_kind="discount", discount_percent=Decimal(10), offer_valid_days=14,
                               name="Win back")
    delivered(campaign, member)
    today = timezone.localdate()

    result = offer_accept(member_id=member.pk, campaign_id=campaign.pk, occurrence="once")

    assert result.acceptance.valid_until == today + dt.timedelta(days=14)
    quote = discount_quote_for_member(member_id=member.pk, bill_amount=Decimal(300_000), on=today)
    assert [(line.kind, line.percent, line.amount) for line in quote.lines] == [
        ("offer", Decimal(10), Decimal(30_000))]
    assert "Win back" in quote.lines[0].reason
    later = discount_quote_for_member(member_id=member.pk, bill_amount=Decimal(300_000),
                                      on=today + dt.timedelta(days=15))
    assert later.lines == ()


def test_a_reward_offer_redeems_the_reward_at_its_price():
    member = MemberFactory()
    give_points(member, 100)
    campaign = CampaignFactory(offer_kind="reward", reward=RewardFactory(points_cost=60))
    delivered(campaign, member)

    result = offer_accept(member_id=member.pk, campaign_id=campaign.pk, occurrence="once")
    again = offer_accept(member_id=member.pk, campaign_id=campaign.pk, occurrence="once")

    assert result.acceptance.redemption_id == again.acceptance.redemption_id
    assert Redemption.objects.filter(member=member).count() == 1
    assert balance(member) == 40


def test_a_reward_offer_the_member_cannot_afford_is_refused_and_not_recorded():
    member = MemberFactory()
    give_points(member, 10)
    campaign = CampaignFactory(offer_kind="reward", reward=RewardFactory(points_cost=60))
    delivered(campaign, member)

    result = offer_accept(member_id=member.pk, campaign_id=campaign.pk, occurrence="once")

    assert (result.is_success, result.error) == (False, "insufficient_points")
    assert not OfferAcceptance.objects.exists()
    assert (balance(member), Redemption.objects.count()) == (10, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_clicks_credit_the_bonus_once():
    member = MemberFactory()
    campaign = CampaignFactory(offer_kind="bonus_points", bonus_points=250)
    delivered(campaign, member)
    crowd = Crowd(20)
    try:
        outcomes = crowd.run([lambda: offer_accept(member_id=member.pk, campaign_id=campaign.pk,
                                                   occurrence="once")] * 20)
    finally:
        crowd.close()

    assert [o.error for o in outcomes if o.error] == []
    assert sum(not o.value.replayed for o in outcomes) == 1
    assert len({o.value.acceptance.pk for o in outcomes}) == 1
    assert (balance(member), LedgerEntry.objects.filter(member=member).count()) == (250, 1)
