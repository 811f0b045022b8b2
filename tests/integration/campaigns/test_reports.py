"""Campaign reports: figures, uplift against the holdout, the admin pages and the CSV export."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.contact.models import Delivery, Suppression
from campaigns.offers.models import OfferAcceptance
from campaigns.reports.selectors import campaign_results, campaign_uplift
from rewards.billing.models import BillingEvent
from tests.factories import MemberFactory
from tests.integration.campaigns.factories import CampaignFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
_events = itertools.count(1)


def deliver(campaign, member, status, *, channel="portal", cost="0", at=NOW):
    return Delivery.objects.create(campaign=campaign, member=member, channel=channel, occurrence="once",
                                   status=status, reserved_at=at, sent_at=at if status != "failed" else None,
                                   cost=Decimal(cost))


def suppress(campaign, member, reason, *, channel="portal", at=NOW):
    return Suppression.objects.create(campaign=campaign, member=member, channel=channel, occurrence="once",
                                      reason=reason, at=at)


def spend(member, amount, *, at, kind="top_up", state="applied"):
    BillingEvent.objects.create(event_id=f"rep-{next(_events)}", kind=kind, member=member, occurred_at=at,
                                received_at=at, state=state, source="api", amount=Decimal(amount))


@pytest.fixture
def campaign_with_history():
    campaign = CampaignFactory(name="Weekend data", holdout_percent=Decimal(20))
    sms_and_portal, portal_viewed, failed, pending = (MemberFactory() for _ in range(4))
    capped, no_consent, held_1, held_2 = (MemberFactory() for _ in range(4))
    deliver(campaign, sms_and_portal, "sent", channel="sms", cost="250")
    deliver(campaign, sms_and_portal, "sent", channel="portal")
    deliver(campaign, portal_viewed, "viewed")
    deliver(campaign, failed, "failed", channel="sms", cost="250")
    deliver(campaign, pending, "reserved", channel="email", cost="10")
    suppress(campaign, capped, "channel_cap")
    suppress(campaign, no_consent, "no_marketing_consent")
    suppress(campaign, capped, "fatigue_cap", channel="sms")
    suppress(campaign, held_1, "holdout")
    suppress(campaign, held_2, "holdout")
    OfferAcceptance.objects.create(campaign=campaign, member=portal_viewed, occurrence="once",
                                   accepted_at=NOW, offer_kind="message")
    # spend after contact: counted inside the window, not before it or after it, nor reversed
    spend(sms_and_portal, 300_000, at=NOW + dt.timedelta(days=2))
    spend(sms_and_portal, 999_000, at=NOW - dt.timedelta(days=1))
    spend(portal_viewed, 100_000, at=NOW + dt.timedelta(days=29), kind="bill_paid")
    spend(portal_viewed, 500_000, at=NOW + dt.timedelta(days=31))
    spend(portal_viewed, 700_000, at=NOW + dt.timedelta(days=3), state="reversed")
    spend(held_1, 50_000, at=NOW + dt.timedelta(days=5))
    return campaign


def test_figures_count_every_contact_once(campaign_with_history):
    results = campaign_results(campaign=campaign_with_history)

    assert results.delivered == {"sms": 1, "portal": 2}
    assert (results.pending, results.failed, results.viewed) == (1, 1, 1)
    assert results.suppressed == {"channel_cap": 1, "no_marketing_consent": 1, "fatigue_cap": 1}
    assert (results.held_out, results.members_reached, results.accepted) == (2, 2, 1)
    assert results.targeted == 3 + 1 + 1 + 3 + 2
    assert results.cost == Decimal(260)  # the failed SMS costs nothing


def test_uplift_compares_spend_after_contact_with_the_holdout(campaign_with_history):
    uplift = campaign_uplift(campaign=campaign_with_history, days=30)

    assert (uplift.treated.members, uplift.treated.spend, uplift.treated.spenders) == (2, Decimal(400_000), 2)
    assert (uplift.holdout.members, uplift.holdout.spend, uplift.holdout.spenders) == (2, Decimal(50_000), 1)
    assert uplift.spend_per_member.estimate == pytest.approx(175_000)
    assert uplift.spender_rate.estimate == pytest.approx(0.5)


def test_a_longer_window_counts_later_spend(campaign_with_history):
    assert campaign_uplift(campaign=campaign_with_history, days=90).treated.spend == Decimal(900_000)


@pytest.fixture
def analyst(client):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", "campaigns.view_campaign"))
    return client


def test_the_results_listing_and_its_csv_export(analyst, campaign_with_history):
    listing = analyst.get(reverse("campaign_reports:index"))
    exported = analyst.get(reverse("campaign_reports:index"), {"export": "csv"})

    assert listing.status_code == 200
    assert "Weekend data" in listing.content.decode()
    rows = b"".join(exported.streaming_content).decode().splitlines()
    assert rows[0].startswith("Name,Objective,Audience,Live,Delivered,Viewed,Failed,Suppressed,Held out")
    assert rows[1].startswith("Weekend data,Reward,") and rows[1].endswith(",3,1,1,3,2,1,260.00")


def test_the_campaign_report_page_shows_figures_uplift_and_charts(analyst, campaign_with_history):
    url = reverse("campaign_reports:detail", args=(campaign_with_history.pk,))
    response = analyst.get(url, {"days": "30"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Uplift against the holdout (30 days after contact)" in page
    assert "Channel cap across campaigns reached" in page
    assert "chart-4.6.1.umd.min.js" in page and 'id="campaign-report-data"' in page


def test_reports_need_the_view_campaign_permission(client, campaign_with_history):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin"))

    for url in (reverse("campaign_reports:index"),
                reverse("campaign_reports:detail", args=(campaign_with_history.pk,))):
        assert client.get(url).status_code in (302, 403)
