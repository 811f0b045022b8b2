"""The two offers that hand over to another app: an event invitation books a place (or the
waitlist) through the events' RSVP, a bundle is ordered through the bundles' idempotent order.
Both once per delivery occurrence, and a refusal writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.offers.models import OfferAcceptance
from campaigns.offers.services import offer_accept
from campaigns.offers.texts import offer_summary
from club.events.models import Rsvp
from rewards.bundles.models import BundleOrder, BundleOutbox
from tests.factories import MemberFactory, TierFactory
from tests.integration.bundles.factories import template
from tests.integration.campaigns.factories import CampaignFactory, delivered
from tests.integration.catalogue.concurrency import Crowd
from tests.integration.events.conftest import make_event, make_index, put_in_tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(db):
    return make_index()


@pytest.fixture
def ladder(db):
    return {"silver": TierFactory(code="silver", name="Silver", rank=10),
            "platinum": TierFactory(code="platinum", name="Platinum", rank=30)}


def accept(member, campaign):
    return offer_accept(member_id=member.pk, campaign_id=campaign.pk, occurrence="once")


def test_an_invitation_books_a_place_once(index):
    member = MemberFactory()
    event = make_event(index, title="VIP football night", capacity=2)
    campaign = CampaignFactory(offer_kind="event", event=event)
    delivered(campaign, member)

    first, again = accept(member, campaign), accept(member, campaign)

    assert (first.is_success, again.replayed) == (True, True)
    assert offer_summary(campaign) == "You are invited: VIP football night"
    rsvp = Rsvp.objects.get(event=event, member=member)
    assert (rsvp.status, first.acceptance.rsvp_id) == ("confirmed", rsvp.pk)
    assert OfferAcceptance.objects.filter(member=member).count() == 1


def test_an_invitation_to_a_full_event_puts_the_member_on_the_waitlist(index):
    first_member, second_member = MemberFactory(), MemberFactory()
    event = make_event(index, capacity=1)
    campaign = CampaignFactory(offer_kind="event", event=event)
    for member in (first_member, second_member):
        delivered(campaign, member)

    accept(first_member, campaign)
    later = accept(second_member, campaign)

    assert later.is_success
    assert Rsvp.objects.get(member=second_member).status == "waitlisted"


def test_an_invitation_the_member_is_not_eligible_for_is_refused_and_not_recorded(index, ladder):
    member = MemberFactory()
    put_in_tier(member, ladder["silver"])
    event = make_event(index, min_tier=ladder["platinum"])
    campaign = CampaignFactory(offer_kind="event", event=event)
    delivered(campaign, member)

    result = accept(member, campaign)

    assert (result.is_success, result.error) == (False, "not_eligible")
    assert result.message
    assert not OfferAcceptance.objects.exists() and not Rsvp.objects.exists()


def test_a_bundle_offer_orders_the_bundle_with_the_campaigns_discount_once():
    member = MemberFactory()
    bundle = template(name="Budget pack")  # 160,000 VND list price
    campaign = CampaignFactory(offer_kind="bundle", bundle=bundle, discount_percent=Decimal(10))
    delivered(campaign, member)

    first, again = accept(member, campaign), accept(member, campaign)

    assert (first.is_success, again.replayed) == (True, True)
    assert offer_summary(campaign) == "Budget pack, 10% off your price"
    order = BundleOrder.objects.get(member=member)
    assert (first.acceptance.bundle_order_id, order.source, order.source_ref) == (
        order.pk, "campaign", str(campaign.pk))
    assert (order.list_price, order.total) == (Decimal(160_000), Decimal(144_000))
    assert BundleOutbox.objects.count() == 1


def test_a_bundle_offer_for_a_withdrawn_bundle_is_refused_and_writes_nothing():
    member = MemberFactory()
    bundle = template(name="Budget pack")
    campaign = CampaignFactory(offer_kind="bundle", bundle=bundle)
    delivered(campaign, member)
    bundle.live = False
    bundle.save(update_fields=["live"])

    result = accept(member, campaign)

    assert (result.is_success, bool(result.message)) == (False, True)
    assert not OfferAcceptance.objects.exists() and not BundleOrder.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_clicks_on_an_invitation_book_one_place():
    member = MemberFactory()
    event = make_event(make_index(), capacity=5)
    campaign = CampaignFactory(offer_kind="event", event=event)
    delivered(campaign, member)
    crowd = Crowd(20)
    try:
        outcomes = crowd.run([lambda: accept(member, campaign)] * 20)
    finally:
        crowd.close()

    assert [o.error for o in outcomes if o.error] == []
    assert sum(not o.value.replayed for o in outcomes) == 1
    assert (Rsvp.objects.filter(event=event).count(), OfferAcceptance.objects.count()) == (1, 1)
