"""Erasure scrubs the member's identifiers out of raw payloads that are not the member's rows:
a refused billing event quoting the line, an unmatched Stripe event quoting the email and the
Stripe customer; in one statement per payload column, leaving other people's values alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from club.members.models import MemberErasure
from club.members.privacy_registry import personal_data_registry
from club.members.services.payload_scrub import payloads_scrub
from club.members.services.privacy import erased_msisdn, member_erase
from club.membership.models import ClubMembership, StripeEventInbox
from rewards.billing.models import QuarantinedEvent
from rewards.billing.tasks import quarantine_purge_task
from rewards.catalogue.models import NetworkOutbox
from rewards.catalogue.services.redemption import redemption_create
from rewards.ledger.models import SourceType
from rewards.ledger.services.grants import points_grant
from tests.factories import MemberFactory, UserFactory
from tests.integration.catalogue.factories import RewardFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
NOW = timezone.now()


def quarantined(raw, reasons=(), *, digest: str, received_at=NOW) -> QuarantinedEvent:
    return QuarantinedEvent.objects.create(raw=raw, reasons=list(reasons), reason="unknown_member",
                                           source="api", received_at=received_at, digest=(digest * 64)[:64])


@pytest.fixture
def member():
    user = UserFactory(email="lan@example.test", phone="+84912000555")
    member = MemberFactory(msisdn="+84912000555", account_number="ACC-SCRUB-1", user=user)
    ClubMembership.objects.create(member=member, source="paid", status="cancelled", stripe_status="canceled",
                                  stripe_customer_id="cus_SCRUB1", stripe_subscription_id="sub_SCRUB1")
    return member


def test_erasure_replaces_the_members_identifiers_in_every_payload_and_nothing_else(member):
    pseudonym, line = f"erased-{member.pk}", erased_msisdn(member.pk)
    mine = quarantined({"event_id": "e1", "msisdn": "+84912000555", "account": "ACC-SCRUB-1", "amount": "x"},
                       ["Unknown member +84912000555.", "account ACC-SCRUB-1 unknown"], digest="a")
    digits = quarantined({"event_id": "e2", "msisdn": 84912000555, "note": "call 84912000555"}, digest="b")
    national = quarantined({"event_id": "e4", "msisdn": "0912000555", "note": "agent typed 0912000555."},
                           digest="d")
    others = quarantined({"event_id": "e3", "msisdn": "+849120005551", "account": "ACC-SCRUB-10",
                          "email": "jo.lan@example.test", "other": "+84912000556"}, digest="c")
    stripe_event = StripeEventInbox.objects.create(
        event_id="evt_SCRUB", type="customer.updated", created=NOW, outcome="unmatched",
        payload={"customer": "cus_SCRUB1", "email": "LAN@Example.test", "name": "Lan"})

    member_erase(member_id=member.pk, source=MemberErasure.Source.STAFF)

    mine.refresh_from_db()
    assert mine.raw == {"event_id": "e1", "msisdn": line, "account": pseudonym, "amount": "x"}
    assert mine.reasons == [f"Unknown member {line}.", f"account {pseudonym} unknown"]
    digits.refresh_from_db()
    digits_only = line.lstrip("+")
    assert digits.raw == {"event_id": "e2", "msisdn": int(digits_only), "note": f"call {digits_only}"}
    national.refresh_from_db()
    assert national.raw == {"event_id": "e4", "msisdn": digits_only, "note": f"agent typed {digits_only}."}
    assert QuarantinedEvent.objects.get(pk=others.pk).raw == others.raw
    assert StripeEventInbox.objects.get(pk=stripe_event.pk).payload == {
        "customer": pseudonym, "email": pseudonym, "name": "Lan"}
    # the membership keeps Stripe's key (declared KEEP): only payloads are scrubbed
    assert ClubMembership.objects.get(member=member).stripe_customer_id == "cus_SCRUB1"


def test_one_statement_per_payload_column_however_many_rows(django_assert_num_queries):
    for number in range(40):
        quarantined({"msisdn": "+84912000999", "n": number}, digest=f"{number:02d}x")
    columns = len(personal_data_registry().payloads)
    assert columns >= 6

    with django_assert_num_queries(columns):
        changed = payloads_scrub(replacements={"+84912000999": "+99900000000001",
                                               "84912000999": "99900000000001"})

    assert changed == 40
    assert not QuarantinedEvent.objects.filter(raw__msisdn="+84912000999").exists()


def test_the_nightly_purge_deletes_refused_events_past_their_retention():
    days = settings.QUARANTINE_RETENTION_DAYS
    old = quarantined({"msisdn": "+84912000111"}, digest="d",
                      received_at=NOW - dt.timedelta(days=days, hours=1))
    recent = quarantined({"msisdn": "+84912000112"}, digest="e",
                         received_at=NOW - dt.timedelta(days=days, hours=-1))

    assert quarantine_purge_task() == 1

    assert list(QuarantinedEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not QuarantinedEvent.objects.filter(pk=old.pk).exists()
    assert settings.CELERY_BEAT_SCHEDULE["billing-quarantine-purge"]["task"] == "billing.quarantine_purge"


def test_a_scrubbed_text_column_keeps_within_its_length():
    """A pseudonym longer than the account it replaces cannot overflow the network outbox's
    255-character error (the erasure would fail)."""
    member = MemberFactory(account_number="A7")
    points_grant(member_id=member.pk, points=500, reason="Top-up", source_type=SourceType.BILLING_EVENT,
                 idempotency_key="scrub-grant", earned_at=NOW - dt.timedelta(days=40))
    assert redemption_create(member_id=member.pk, reward_id=RewardFactory().pk,
                             idempotency_key="scrub-data").is_success
    error = "x" * 250 + " A7"
    NetworkOutbox.objects.filter(member=member).update(last_error=error)

    member_erase(member_id=member.pk, source=MemberErasure.Source.STAFF)

    scrubbed = NetworkOutbox.objects.get(member=member).last_error
    assert scrubbed == ("x" * 250 + f" erased-{member.pk}")[:255]
