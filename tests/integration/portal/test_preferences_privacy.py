"""The portal's privacy pages: the data export (a JSON attachment of everything held about
the member and nobody else) and the erasure request (password again, then erased and logged
out; every refusal changes nothing)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from campaigns.contact.models import Delivery
from club.members.models import ConsentPurpose, ConsentRecord, Interest, Member, MemberErasure
from club.members.privacy_registry import personal_data_registry
from club.members.services.consent import member_consent_set
from rewards.ledger.models import SourceType
from rewards.ledger.services.grants import points_grant
from tests.factories import DEFAULT_PASSWORD, MemberFactory, UserFactory
from tests.integration.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db
EXPORT, DELETE = "/portal/privacy/export/", "/portal/privacy/delete/"
NOW = timezone.now().replace(microsecond=0)
# then one list per table that apps declare in their personal_data.py (tests/reliability/test_r15...)
TOP_LEVEL_KEYS = ["format", "version", "exported_at", "member", "preferences", "consents"]


@pytest.fixture
def member(user):
    member = MemberFactory(user=user, msisdn="+84912345001", account_number="ACC-ANA-1",
                           billing_detail_digest="f" * 64, max_messages_per_week=4,
                           quiet_hours_start=dt.time(22), quiet_hours_end=dt.time(7))
    member.interests.set([Interest.objects.create(slug="travel", name="Travel")])
    member_consent_set(member_id=member.pk, purpose=ConsentPurpose.MARKETING, granted=True,
                       source=ConsentRecord.Source.PORTAL)
    points_grant(member_id=member.pk, points=250, reason="Top-up 250,000 VND",
                 source_type=SourceType.BILLING_EVENT, idempotency_key="exp-1", earned_at=NOW)
    Delivery.objects.create(campaign=CampaignFactory(name="Weekend data"), member=member, channel="sms",
                            occurrence="once", status="sent", reserved_at=NOW, sent_at=NOW, cost=Decimal(250))
    return member


@pytest.fixture
def other_member():
    other = MemberFactory(user=UserFactory(email="minh@example.test"), msisdn="+84912345999",
                          account_number="ACC-MINH-9")
    points_grant(member_id=other.pk, points=777, reason="Minh's top-up",
                 source_type=SourceType.BILLING_EVENT, idempotency_key="exp-other", earned_at=NOW)
    return other


@pytest.fixture
def logged_in(client, member, user):
    client.force_login(user)
    return client


def test_the_export_is_a_json_attachment_of_the_members_data(logged_in, member, user):
    response = logged_in.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="troika-my-data-')
    data = json.loads(response.content)
    assert list(data) == TOP_LEVEL_KEYS + [h.key for h in personal_data_registry().holdings
                                           if h.key != "member"]
    assert (data["format"], data["version"]) == ("troika-member-export", 1)
    assert (data["member"]["id"], data["member"]["msisdn"], data["member"]["account_number"]) == (
        member.pk, "+84912345001", "ACC-ANA-1")
    assert "billing_detail_digest" not in data["member"]
    assert data["preferences"]["interests"] == [{"slug": "travel", "name": "Travel"}]
    assert (data["preferences"]["max_messages_per_week"], data["preferences"]["quiet_hours_start"]) == (
        4, "22:00:00")
    assert {"purpose": "marketing", "granted": True}.items() <= data["consents"][0].items()
    assert [(r["purpose"], r["granted"], r["source"]) for r in data["consent_history"]] == [
        ("marketing", True, "portal")]
    assert [(e["points"], e["reason"]) for e in data["ledger_entries"]] == [(250, "Top-up 250,000 VND")]
    assert data["points_account"][0]["available"] == 250
    assert [(d["channel"], d["status"], Decimal(d["cost"])) for d in data["offer_deliveries"]] == [
        ("sms", "sent", Decimal(250))]
    assert [(e["email"], e["verified"], e["primary"], e["user_id"]) for e in data["login_emails"]] == [
        ("ana@example.test", True, True, user.pk)]
    assert data["erasure"] == [] and data["redemptions"] == []


def test_the_export_never_holds_another_members_data(logged_in, other_member):
    body = logged_in.get(EXPORT).content.decode()

    for trace in ("+84912345999", "ACC-MINH-9", "minh@example.test", "Minh's top-up", "777"):
        assert trace not in body
    assert f'"member_id": {other_member.pk},' not in body


def test_the_export_refuses_a_post(logged_in):
    assert logged_in.post(EXPORT).status_code == 405


def test_the_erasure_page_asks_for_the_password(logged_in):
    html = logged_in.get(DELETE).content.decode()
    assert 'autocomplete="current-password"' in html and 'name="understood"' in html


@pytest.mark.parametrize(("data", "message"), [
    ({"password": "wrong", "understood": "on"}, "That is not your password."),
    ({"understood": "on"}, "Enter your password to confirm."),
    ({"password": DEFAULT_PASSWORD}, "Tick the box to confirm that you understand."),
], ids=["wrong-password", "no-password", "not-ticked"])
def test_an_unconfirmed_erasure_is_refused_and_changes_nothing(logged_in, member, user, data, message):
    before = Member.objects.values().get(pk=member.pk)

    response = logged_in.post(DELETE, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Member.objects.values().get(pk=member.pk) == before
    assert not MemberErasure.objects.exists()
    user.refresh_from_db()
    assert user.is_active and EmailAddress.objects.filter(user=user).exists()
    assert logged_in.get(EXPORT).status_code == 200  # still logged in


def test_a_confirmed_erasure_erases_and_logs_out(logged_in, member, user, other_member):
    response = logged_in.post(DELETE, {"password": DEFAULT_PASSWORD, "understood": "on"})

    assert (response.status_code, response["Location"]) == (302, "/")
    row = Member.objects.get(pk=member.pk)
    assert (row.account_number, row.user_id, row.consent_marketing) == (f"erased-{member.pk}", None, False)
    assert MemberErasure.objects.get(member=member).erased_by_id == user.pk
    assert logged_in.get(EXPORT).status_code == 302  # logged out
    assert not logged_in.login(email="ana@example.test", password=DEFAULT_PASSWORD)
    assert Member.objects.get(pk=other_member.pk).account_number == "ACC-MINH-9"


def test_password_guesses_are_limited_and_change_nothing(logged_in, member, user):
    for _ in range(5):
        assert logged_in.post(DELETE, {"password": "guess", "understood": "on"}).status_code == 400

    response = logged_in.post(DELETE, {"password": DEFAULT_PASSWORD, "understood": "on"})

    assert response.status_code == 429
    assert "Too many attempts. Try again in an hour." in response.content.decode()
    assert not MemberErasure.objects.exists()
    assert Member.objects.get(pk=member.pk).account_number == "ACC-ANA-1"
