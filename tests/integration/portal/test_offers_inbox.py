"""The dashboard's offers inbox: shown offers are impressions within the caps; one-click accept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.contact.models import ContactPolicy, Delivery
from rewards.ledger.models import LedgerEntry
from tests.factories import MemberFactory, UserFactory
from tests.integration.campaigns.factories import CampaignFactory, delivered
from tests.integration.contact.conftest import _gate_prefix  # noqa: F401 (a fixture, used below)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_gate_prefix")]
DASHBOARD = reverse("portal:dashboard")


@pytest.fixture
def member(client):
    user = UserFactory()
    client.force_login(user)
    return MemberFactory(user=user)


def accept_url(delivery) -> str:
    return reverse("portal:offer_accept", args=(delivery.pk,))


def test_the_dashboard_shows_offers_and_records_them_as_seen(client, member):
    points = delivered(CampaignFactory(name="Weekend data", offer_kind="bonus_points", bonus_points=200,
                                       priority=80), member)
    message = delivered(CampaignFactory(name="News"), member)

    page = client.get(DASHBOARD).content.decode()

    assert page.index("Weekend data title") < page.index("News title")  # higher priority first
    assert "200 bonus points" in page
    assert set(Delivery.objects.filter(pk__in=[points.pk, message.pk]).values_list("status", flat=True)) == {
        "viewed"}


def test_the_fatigue_cap_holds_back_offers_over_it(client, member):
    policy = ContactPolicy.load()
    policy.fatigue_max, policy.fatigue_window_days = 1, 7
    policy.save()
    first = delivered(CampaignFactory(name="First", priority=90), member)
    second = delivered(CampaignFactory(name="Second", priority=10), member)

    page = client.get(DASHBOARD).content.decode()

    assert "First title" in page and "Second title" not in page
    assert (Delivery.objects.get(pk=first.pk).viewed_at is not None,
            Delivery.objects.get(pk=second.pk).viewed_at) == (True, None)


def test_expired_offers_are_not_shown(client, member):
    delivered(CampaignFactory(name="Old", offer_valid_days=3), member,
              at=timezone.now() - dt.timedelta(days=3, minutes=1))

    assert "Old title" not in client.get(DASHBOARD).content.decode()


def test_one_click_takes_the_offer_once(client, member):
    delivery = delivered(CampaignFactory(offer_kind="bonus_points", bonus_points=150), member)

    first = client.post(accept_url(delivery), headers={"HX-Request": "true"})
    again = client.post(accept_url(delivery), headers={"HX-Request": "true"})

    assert first.status_code == again.status_code == 200
    assert "Taken" in first.content.decode() and 'id="offer-' in first.content.decode()
    assert list(LedgerEntry.objects.filter(member=member).values_list("points", flat=True)) == [150]


def test_without_htmx_the_member_goes_back_to_the_dashboard(client, member):
    delivery = delivered(CampaignFactory(offer_kind="bonus_points", bonus_points=150), member)

    response = client.post(accept_url(delivery))

    assert response.status_code == 302 and response.url == DASHBOARD


def test_another_members_offer_cannot_be_taken(client, member):
    other = MemberFactory()
    theirs = delivered(CampaignFactory(offer_kind="bonus_points", bonus_points=150), other)

    response = client.post(accept_url(theirs))

    assert response.status_code == 404
    assert not LedgerEntry.objects.exists()
    assert Delivery.objects.get(pk=theirs.pk).status == "sent"


def test_accepting_needs_a_post(client, member):
    delivery = delivered(CampaignFactory(offer_kind="bonus_points", bonus_points=150), member)

    assert client.get(accept_url(delivery)).status_code == 405
    assert not LedgerEntry.objects.exists()


def test_an_edited_offer_text_shows_on_the_next_visit(client, member):
    """The inbox's campaign texts are cached; saving a message drops its campaign's entry."""
    campaign = CampaignFactory(name="Weekend data", offer_kind="bonus_points", bonus_points=200)
    delivered(campaign, member)
    assert "Weekend data title" in client.get(DASHBOARD).content.decode()

    message = campaign.messages.get()
    message.title = "Weekend data, now doubled"
    message.save()

    page = client.get(DASHBOARD).content.decode()
    assert "Weekend data, now doubled" in page and "Weekend data title" not in page
