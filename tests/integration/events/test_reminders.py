"""Reminders before an event: one email per confirmed member with an address, in the member's
language, only within the window, never twice (a second run, the task re-run), never for a
cancelled or waitlisted RSVP; marketing consent does not matter (transactional)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from club.events.models import Rsvp
from club.events.services import rsvp_cancel, rsvp_create
from club.events.services.reminders import event_reminders_claim, event_reminders_email
from club.events.tasks import event_reminders_send_task
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2031, 3, 14, 12, 30, tzinfo=dt.UTC)  # 19:30 in Hà Nội
WINDOW = dt.timedelta(hours=24)


def going(event, *, email: str | None, language: str = "en", consent: bool = False):
    user = None if email is None else UserFactory(email=email)
    member = MemberFactory(user=user, language=language, consent_email=consent, consent_marketing=consent)
    rsvp_create(event_id=event.pk, member_id=member.pk, at=START - dt.timedelta(days=5))
    return member


def run(now: dt.datetime) -> int:
    sent = 0
    for ids in event_reminders_claim(now=now, window=WINDOW):
        sent += event_reminders_email(rsvp_ids=ids)
    return sent


@pytest.fixture
def event(event_factory):
    return event_factory(starts_at=START, ends_at=START + dt.timedelta(hours=3),
                         time_zone="Asia/Ho_Chi_Minh", capacity=3)


def test_each_confirmed_member_gets_one_reminder_within_the_window(event):
    member = going(event, email="lan@example.test")

    assert run(START - WINDOW - dt.timedelta(minutes=1)) == 0  # not yet
    assert mail.outbox == []

    assert run(START - WINDOW) == 1
    assert run(START - dt.timedelta(hours=2)) == 0  # never twice

    [email] = mail.outbox
    assert email.to == ["lan@example.test"]
    assert email.subject == "Reminder: Football night"
    assert "See you soon at Football night: it starts Friday 14 March 2031, 19:30." in email.body
    assert f"{settings.SITE_URL}/portal/events/{event.pk}/ticket/" in email.body
    assert Rsvp.objects.get(member=member).reminder_sent_at == START - WINDOW


def test_the_task_run_twice_sends_once(event, django_capture_on_commit_callbacks):
    going(event, email="lan@example.test")
    going(event, email="minh@example.test")

    now = START - dt.timedelta(hours=3)
    with mock.patch("club.events.services.reminders.timezone.now", return_value=now):
        with django_capture_on_commit_callbacks(execute=True) as queued:
            assert event_reminders_send_task.apply().get() == 2
        with django_capture_on_commit_callbacks(execute=True) as queued_again:
            assert event_reminders_send_task.apply().get() == 0

    assert (len(queued), len(queued_again)) == (1, 0)  # the emails are queued after the commit
    assert sorted(e.to[0] for e in mail.outbox) == ["lan@example.test", "minh@example.test"]


def test_a_reminder_is_in_the_member_s_language(event):
    going(event, email="lan@example.test", language="vi")

    run(START - dt.timedelta(hours=3))

    [email] = mail.outbox
    with translation.override("vi"):
        expected_subject = gettext("Reminder: %(event)s") % {"event": "Football night"}
    assert email.subject == expected_subject
    assert "14" in email.body and "2031" in email.body and "19:30" in email.body
    assert "Friday" not in email.body  # Vietnamese dates, not the English pattern


def test_no_reminder_for_a_cancelled_or_waitlisted_rsvp_or_a_member_without_email(event):
    cancelled = going(event, email="gone@example.test")
    rsvp_cancel(event_id=event.pk, member_id=cancelled.pk, at=START - dt.timedelta(days=4))
    going(event, email=None)  # no portal login: no address
    going(event, email="in@example.test")
    going(event, email="full@example.test")  # the third place
    waiting = going(event, email="waiting@example.test")
    assert Rsvp.objects.get(member=waiting).status == "waitlisted"

    run(START - dt.timedelta(hours=3))

    assert sorted(e.to[0] for e in mail.outbox) == ["full@example.test", "in@example.test"]


def test_a_member_without_marketing_consent_still_gets_it(event):
    going(event, email="lan@example.test", consent=False)

    assert run(START - dt.timedelta(hours=3)) == 1


def test_an_rsvp_cancelled_after_the_claim_is_not_sent(event):
    member = going(event, email="lan@example.test")
    [ids] = event_reminders_claim(now=START - dt.timedelta(hours=30), window=dt.timedelta(hours=31))
    rsvp_cancel(event_id=event.pk, member_id=member.pk, at=START - dt.timedelta(hours=29))

    assert event_reminders_email(rsvp_ids=ids) == 0
    assert mail.outbox == []


def test_a_started_event_gets_no_reminder(event):
    going(event, email="lan@example.test")

    assert run(START + dt.timedelta(minutes=1)) == 0


def test_the_beat_schedule_runs_the_reminders():
    assert settings.CELERY_BEAT_SCHEDULE["events-reminders"]["task"] == "events.reminders_send"
