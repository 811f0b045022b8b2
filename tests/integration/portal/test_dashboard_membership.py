"""The dashboard's club membership card, read with the member (no extra query)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from club.membership.models import ClubMembership, MembershipSource, MembershipStatus
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("portal:dashboard")


@pytest.fixture
def member(client):
    user = UserFactory()
    member = MemberFactory(user=user, language="en")
    client.force_login(user)
    return member


def card(client) -> str:
    page = client.get(DASHBOARD).content.decode()
    start = page.index('data-testid="dash-membership"')
    return page[start:page.index("</section>", start)]


def test_not_a_club_member_yet_sees_how_to_get_in(client, member):
    html = card(client)
    assert "About club membership" in html and reverse("portal:membership") in html
    assert 'data-testid="membership-status"' not in html


def test_a_paid_member_sees_the_status_and_the_period(client, member):
    end = timezone.now() + dt.timedelta(days=20)
    ClubMembership.objects.create(member=member, source=MembershipSource.PAID, status=MembershipStatus.ACTIVE,
                                  period_end=end, stripe_customer_id="cus_1", stripe_subscription_id="sub_1")
    html = card(client)
    assert "Paid membership · Active" in html and "Current period until" in html


def test_a_past_due_member_is_asked_to_update_the_card(client, member):
    ClubMembership.objects.create(member=member, source=MembershipSource.PAID,
                                  status=MembershipStatus.PAST_DUE, stripe_customer_id="cus_2",
                                  stripe_subscription_id="sub_2")
    assert "update your card" in card(client)


def test_a_cancelled_member_is_shown_the_way_back(client, member):
    ClubMembership.objects.create(member=member, source=MembershipSource.EARNED,
                                  status=MembershipStatus.LAPSED)
    html = card(client)
    assert "Lapsed." in html and "About club membership" in html
    assert 'data-testid="membership-status"' not in html


def test_the_dashboard_links_to_complaints_surveys_and_membership(client, member):
    page = client.get(DASHBOARD).content.decode()
    start = page.index('data-testid="dash-help"')
    help_card = page[start:page.index("</section>", start)]
    for name in ("portal:complaints", "portal:surveys", "portal:membership"):
        assert f'href="{reverse(name)}"' in help_card
