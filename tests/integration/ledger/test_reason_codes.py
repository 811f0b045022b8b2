"""Every service that moves points for a reason the member should read stores a reason code
and its values next to the English text; the portal's statement and its CSV file show them in
the member's language (tests/unit/ledger/test_reasons.py has every code in every language)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from campaigns.offers.services import offer_accept
from rewards.billing.services import billing_events_ingest
from rewards.catalogue.models import Redemption
from rewards.catalogue.services import redemption_cancel, redemption_create
from rewards.ledger.models import EntryKind, LedgerEntry, SourceType
from rewards.ledger.reasons import CANCELLED_BY_MEMBER
from rewards.ledger.services import points_expire_due, points_grant
from tests.factories import EarningRuleFactory, MemberFactory, UserFactory
from tests.integration.billing.helpers import bill, reversal
from tests.integration.campaigns.factories import CampaignFactory, delivered
from tests.integration.catalogue.factories import RewardFactory
from tests.integration.portal.test_statement import reasons

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def member(client):
    """A logged-in member whose statement holds one entry of each writer, and one free-text
    entry written before reason codes existed."""
    user = UserFactory()
    client.force_login(user)
    member = MemberFactory(user=user)
    points_grant(
        member_id=member.pk, points=300, reason="Welcome gift", source_type=SourceType.SYSTEM,
        idempotency_key=f"welcome:{member.pk}", earned_at=dt.datetime(2024, 3, 1, 10, 0, tzinfo=HCM),
    )
    points_expire_due()  # the welcome points expired on 1 March 2025
    EarningRuleFactory(name="Bills", event_kind="bill_paid", amount_points=1, amount_step=10_000)
    bills = [bill(member, "450000", event_id="B-1"), bill(member, "120000", event_id="B-2")]
    billing_events_ingest(events=bills, source="api")
    billing_events_ingest(events=[reversal(member, "B-2", event_id="R-1")], source="api")
    campaign = CampaignFactory(offer_kind="bonus_points", bonus_points=500, name="Tết 2027")
    delivered(campaign, member)
    assert offer_accept(member_id=member.pk, campaign_id=campaign.pk, occurrence="once").is_success
    reward = RewardFactory(name="1 GB data", points_cost=60, stock=1)
    redeemed = redemption_create(member_id=member.pk, reward_id=reward.pk, idempotency_key="r1")
    assert redeemed.is_success, redeemed
    cancelled = redemption_cancel(redemption_id=redeemed.receipt.redemption_id, member_id=member.pk,
                                  reason=CANCELLED_BY_MEMBER)
    assert cancelled.error is None, cancelled
    return member


def test_each_writer_stores_a_code_and_values_with_its_english_reason(member):
    redemption = Redemption.objects.get(member=member)

    entries = LedgerEntry.objects.filter(member=member).order_by("pk")

    assert [(e.kind, e.points, e.reason, e.reason_code, e.reason_values) for e in entries] == [
        (EntryKind.EARN, 300, "Welcome gift", "", {}),
        (EntryKind.EXPIRE, -300, "300 points reached their expiry date 2025-03-01", "expired",
         {"points": 300, "date": "2025-03-01"}),
        (EntryKind.EARN, 45, "Bill paid 450,000 VND: 45 pts", "earn.bill_paid",
         {"points": 45, "amount": "450000"}),
        (EntryKind.EARN, 12, "Bill paid 120,000 VND: 12 pts", "earn.bill_paid",
         {"points": 12, "amount": "120000"}),
        (EntryKind.REVERSE, -12, "billing event B-2 reversed by R-1", "billing.reversed",
         {"event": "B-2", "reversal": "R-1"}),
        (EntryKind.EARN, 500, "Bonus: Tết 2027", "campaign.bonus", {"campaign": "Tết 2027"}),
        (EntryKind.REDEEM, -60, "Redeemed: 1 GB data", "redeemed", {"reward": "1 GB data"}),
        (EntryKind.REVERSE, 60, "Cancelled redemption: Cancelled by the member", "redemption.cancelled",
         {"note": "Cancelled by the member"}),
    ]
    assert entries.get(kind=EntryKind.REDEEM).source_ref == str(redemption.pk)


# what the member above reads on the statement, newest first, by language
STATEMENT = {
    "vi": [
        "Đã hủy đổi quà: Bạn đã hủy",
        "Đổi quà: 1 GB data",
        "Thưởng: Tết 2027",
        "Sự kiện tính cước B-2 đã bị đảo bởi R-1",
        "300 điểm đã hết hạn vào ngày 1 tháng 3 năm 2025",
        "Thanh toán hóa đơn 120.000 VND: 12 điểm",
        "Thanh toán hóa đơn 450.000 VND: 45 điểm",
        "Welcome gift",
    ],
    "en": [
        "Cancelled redemption: Cancelled by the member",
        "Redeemed: 1 GB data",
        "Bonus: Tết 2027",
        "Billing event B-2 reversed by R-1",
        "300 points reached their expiry date March 1, 2025",
        "Bill paid 120,000 VND: 12 points",
        "Bill paid 450,000 VND: 45 points",
        "Welcome gift",
    ],
}


def in_language(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", list(STATEMENT))
def test_the_statement_shows_the_reasons_in_the_members_language(client, member, language):
    page = in_language(client, language).get(reverse("portal:statement"))

    assert page.status_code == 200
    assert reasons(page.content.decode()) == STATEMENT[language]


@pytest.mark.parametrize("language", list(STATEMENT))
def test_the_csv_download_writes_the_reasons_in_the_members_language(client, member, language):
    response = in_language(client, language).get(reverse("portal:statement_csv"))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[3] for row in rows[1:]] == STATEMENT[language]
