"""deliveries_send: channels, messages per language, failures that free their slot, quiet
hours, and sending once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from campaigns.contact.models import CampaignBudget, Delivery
from campaigns.contact.services import deliveries_send, deliveries_send_due

from .factories import AT, campaign, member, policy
from .test_reserve import reserve

pytestmark = pytest.mark.django_db

AFTER = AT + dt.timedelta(minutes=1)


def test_each_channel_gets_the_message_in_the_members_language(sms_outbox):
    policy()
    vi = member(email="vi@example.test", language="vi")
    zh = member(email="zh@example.test", language="zh-hans")  # no message in Chinese: the first
    c = campaign(send_portal=True, send_email=True, send_sms=True)
    ids = reserve(c, members=[vi, zh])[c.pk].delivery_ids
    report = deliveries_send(delivery_ids=ids, now=AFTER)
    assert (report.sent, report.failed, report.skipped) == (6, 0, 0)
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("vi@example.test", f"{c.name} (vi)"), ("zh@example.test", f"{c.name} (en)"),
    ]
    assert sorted((s.to, s.body) for s in sms_outbox) == [
        (vi.msisdn, f"SMS {c.name} vi"), (zh.msisdn, f"SMS {c.name} en"),
    ]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert set(Delivery.objects.values_list("sent_at", flat=True)) == {AFTER}


def test_the_same_ids_twice_send_once(sms_outbox):
    policy()
    target = member()
    c = campaign(send_portal=False, send_sms=True)
    ids = reserve(c, members=[target])[c.pk].delivery_ids
    deliveries_send(delivery_ids=ids, now=AFTER)
    again = deliveries_send(delivery_ids=ids, now=AFTER)
    assert (again.sent, again.skipped) == (0, 1)
    assert len(sms_outbox) == 1


def test_a_failure_is_recorded_refunds_the_budget_and_frees_the_slot(settings, sms_outbox):
    policy(sms_max=1, sms_cost=Decimal(500))
    target = member()
    first = campaign(send_portal=False, send_sms=True, budget=Decimal(1000))
    ids = reserve(first, members=[target])[first.pk].delivery_ids
    settings.SMS_BACKEND = "tests.integration.contact.backends.FailingSmsBackend"
    report = deliveries_send(delivery_ids=ids, now=AFTER)
    assert (report.sent, report.failed) == (0, 1)
    failed = Delivery.objects.get()
    assert (failed.status, failed.failed_at) == ("failed", AFTER)
    assert "gateway said no" in failed.error
    assert CampaignBudget.objects.get(campaign=first).spent == Decimal(0)
    settings.SMS_BACKEND = "club.members.sms.LocmemSmsBackend"
    second = campaign(send_portal=False, send_sms=True)
    sent = deliveries_send(delivery_ids=reserve(second, members=[target])[second.pk].delivery_ids, now=AFTER)
    assert sent.sent == 1


def test_quiet_hours_wait_for_the_due_sender(sms_outbox):
    policy(quiet_hours_start=dt.time(11), quiet_hours_end=dt.time(13))  # 12:00 in Ho Chi Minh City
    target = member()
    c = campaign(send_portal=True, send_sms=True)
    ids = reserve(c, members=[target])[c.pk].delivery_ids
    report = deliveries_send(delivery_ids=ids, now=AFTER)
    assert (report.sent, report.skipped) == (1, 1)  # the portal offer is in the inbox at once
    assert deliveries_send_due(now=AT + dt.timedelta(minutes=59)).sent == 0
    assert deliveries_send_due(now=AT + dt.timedelta(hours=1)).sent == 1
    assert [s.to for s in sms_outbox] == [target.msisdn]


def test_the_due_sender_goes_on_batch_after_batch(sms_outbox):
    policy()
    c = campaign(send_portal=False, send_sms=True)
    reserve(c, members=[member() for _ in range(5)])
    assert deliveries_send_due(now=AT + dt.timedelta(minutes=11), limit=2).sent == 5
    assert len(sms_outbox) == 5


def test_a_delivery_whose_send_task_was_lost_is_sent_by_the_due_sender(sms_outbox):
    policy()
    c = campaign(send_portal=False, send_sms=True)
    reserve(c, members=[member()])
    assert deliveries_send_due(now=AT + dt.timedelta(minutes=9)).sent == 0
    assert deliveries_send_due(now=AT + dt.timedelta(minutes=11)).sent == 1
    assert len(sms_outbox) == 1


def test_a_claim_left_by_a_dead_worker_is_taken_again(sms_outbox):
    policy()
    c = campaign(send_portal=False, send_sms=True)
    reserve(c, members=[member()])
    Delivery.objects.update(status="sending", claimed_at=AT + dt.timedelta(minutes=10))
    assert deliveries_send_due(now=AT + dt.timedelta(minutes=24)).sent == 0
    assert deliveries_send_due(now=AT + dt.timedelta(minutes=26)).sent == 1
