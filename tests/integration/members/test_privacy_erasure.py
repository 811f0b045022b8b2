"""Erasing a member at their request (``member_erase``): what identifies the person goes,
the ledger's totals and the campaign reports stay exactly as they were, a second request
changes nothing, and another member is untouched."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.db.models import Sum
from django.utils import timezone

from campaigns.contact.models import Delivery, Suppression
from campaigns.offers.models import OfferAcceptance
from campaigns.reports.selectors import campaign_results
from club.members.models import ConsentRecord, Interest, LineLinkChallenge, Member, MemberErasure
from club.members.services.privacy import erased_msisdn, member_erase
from rewards.ledger.models import EntryKind, LedgerEntry, PointsAccount, SourceType
from rewards.ledger.services.debits import points_spend
from rewards.ledger.services.grants import points_grant
from tests.factories import MemberFactory, UserFactory
from tests.integration.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)
PORTAL = MemberErasure.Source.PORTAL


@pytest.fixture
def user():
    return UserFactory(email="lan@example.test", first_name="Lan", phone="+84912000111")


@pytest.fixture
def member(user):
    member = MemberFactory(
        msisdn="+84912000111", account_number="ACC-LAN-1", user=user, city="Huế",
        birth_date=dt.date(1990, 5, 1), attributes={"handset": "X1"}, billing_detail_digest="ab" * 32,
        consent_marketing=True, consent_email=True, consent_sms=True, consent_profiling=True,
        max_messages_per_week=3,
    )
    member.interests.set([Interest.objects.create(slug="football", name="Football")])
    EmailAddress.objects.create(user=user, email="lan.other@example.test", verified=False)
    LineLinkChallenge.objects.create(user=user, member=member, code_digest="c" * 64, expires_at=NOW)
    return member


@pytest.fixture
def history(member):
    """Points earned and spent, and one campaign that reached the member and another member."""
    points_grant(member_id=member.pk, points=500, reason="Top-up", source_type=SourceType.BILLING_EVENT,
                 idempotency_key="erase-1", earned_at=NOW - dt.timedelta(days=60))
    points_spend(member_id=member.pk, points=120, reason="Reward", source_type=SourceType.REDEMPTION,
                 idempotency_key="erase-2")
    campaign = CampaignFactory(name="Weekend data")
    other = MemberFactory()
    for someone, status in ((member, "viewed"), (other, "sent")):
        Delivery.objects.create(campaign=campaign, member=someone, channel="portal", occurrence="once",
                                status=status, reserved_at=NOW, sent_at=NOW, cost=Decimal(10))
    Suppression.objects.create(campaign=campaign, member=member, channel="sms", occurrence="once",
                               reason="fatigue_cap", at=NOW)
    OfferAcceptance.objects.create(campaign=campaign, member=member, occurrence="once", accepted_at=NOW,
                                   offer_kind="message")
    return campaign


def ledger_totals(member_id: int) -> tuple:
    entries = LedgerEntry.objects.filter(member_id=member_id)
    return (
        entries.aggregate(total=Sum("points"))["total"],
        entries.count(),
        PointsAccount.objects.get(member_id=member_id).available,
        LedgerEntry.objects.aggregate(total=Sum("points"))["total"],
    )


def report_figures(campaign) -> tuple:
    r = campaign_results(campaign=campaign)
    return (r.delivered, r.members_reached, r.suppressed, r.accepted, r.viewed, r.cost, r.targeted)


def test_erasure_keeps_the_ledger_totals_and_the_campaign_report(member, user, history):
    ledger_before, report_before = ledger_totals(member.pk), report_figures(history)
    assert ledger_before == (380, 2, 380, 380)
    assert report_before[:4] == ({"portal": 2}, 2, {"fatigue_cap": 1}, 1)

    result = member_erase(member_id=member.pk, source=PORTAL, erased_by=user)

    assert result.is_erased_now is True
    assert ledger_totals(member.pk) == ledger_before
    assert report_figures(history) == report_before
    assert LedgerEntry.objects.filter(member_id=member.pk, kind=EntryKind.EARN).count() == 1


def test_erasure_removes_what_identifies_the_member(member, user):
    member_erase(member_id=member.pk, source=PORTAL, erased_by=user)

    row = Member.objects.get(pk=member.pk)
    assert (row.msisdn, row.account_number) == (erased_msisdn(member.pk), f"erased-{member.pk}")
    assert row.msisdn == f"+999{member.pk:011d}"
    assert (row.city, row.birth_date, row.attributes, row.billing_detail_digest) == ("", None, {}, "")
    assert (row.user_id, row.max_messages_per_week) == (None, None)
    assert list(row.interests.all()) == []
    assert (row.consent_marketing, row.consent_profiling, row.consent_email, row.consent_sms,
            row.consent_portal) == (False, False, False, False, False)
    assert (row.region, row.activation_date) == ("Hà Nội", member.activation_date)  # aggregates stay
    assert not LineLinkChallenge.objects.filter(member_id=member.pk).exists()


def test_each_withdrawn_consent_is_recorded_and_the_erasure_audited(member, user):
    member_erase(member_id=member.pk, source=PORTAL, erased_by=user)

    withdrawn = set(ConsentRecord.objects.filter(member=member).values_list("purpose", "granted", "source"))
    assert withdrawn == {(p, False, "portal") for p in
                         ("marketing", "profiling", "channel_email", "channel_sms", "channel_portal")}
    erasure = MemberErasure.objects.get(member=member)
    assert (erasure.source, erasure.erased_by_id) == ("portal", user.pk)
    assert erasure.erased_at is not None


def test_the_login_is_deactivated_and_its_email_addresses_removed(member, user):
    member_erase(member_id=member.pk, source=PORTAL, erased_by=user)

    user.refresh_from_db()
    assert (user.is_active, user.email, user.phone, user.first_name) == (
        False, f"erased-{user.pk}@erased.invalid", None, "")
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(email__icontains="lan").exists()


def test_a_second_erasure_changes_nothing(member, user):
    member_erase(member_id=member.pk, source=PORTAL, erased_by=user)
    records = ConsentRecord.objects.count()
    row_before = Member.objects.values().get(pk=member.pk)

    again = member_erase(member_id=member.pk, source=PORTAL, erased_by=user)

    assert again.is_erased_now is False
    assert ConsentRecord.objects.count() == records
    assert MemberErasure.objects.filter(member=member).count() == 1
    assert Member.objects.values().get(pk=member.pk) == row_before


def test_another_member_is_untouched(member, user):
    other_user = UserFactory(email="minh@example.test")
    other = MemberFactory(msisdn="+84912000222", user=other_user, consent_marketing=True)
    before = Member.objects.values().get(pk=other.pk)

    member_erase(member_id=member.pk, source=PORTAL, erased_by=user)

    assert Member.objects.values().get(pk=other.pk) == before
    other_user.refresh_from_db()
    assert other_user.is_active and EmailAddress.objects.filter(user=other_user).count() == 1


def test_a_member_without_a_login_is_erased_too(db):
    lone = MemberFactory(msisdn="+84912000333", consent_sms=True)

    assert member_erase(member_id=lone.pk, source=MemberErasure.Source.STAFF).is_erased_now

    row = Member.objects.get(pk=lone.pk)
    assert (row.msisdn, row.consent_sms) == (erased_msisdn(lone.pk), False)
    withdrawn = ConsentRecord.objects.filter(member=lone, source="staff", granted=False)
    assert sorted(withdrawn.values_list("purpose", flat=True)) == ["channel_portal", "channel_sms"]
