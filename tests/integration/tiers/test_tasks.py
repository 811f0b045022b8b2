"""The nightly beat task recomputes every member's tier, chunk after chunk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from rewards.tiers.models import MemberTier
from rewards.tiers.tasks import tier_recompute_nightly
from tests.factories import MemberFactory

from .conftest import spend

pytestmark = pytest.mark.django_db


def test_the_nightly_recompute_is_in_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {"tiers.recompute_nightly", "earning.anniversary_daily"} <= tasks


def test_the_nightly_task_evaluates_every_member(ladder, monkeypatch, django_capture_on_commit_callbacks):
    members = MemberFactory.create_batch(5, activation_date=dt.date(2018, 1, 1))
    spend(members[0], dt.date(2026, 6, 1), 15_000_000)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: dt.date(2026, 6, 15))
    monkeypatch.setattr("rewards.tiers.services.evaluation.RECOMPUTE_CHUNK", 2)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tier_recompute_nightly.delay()

    assert len(callbacks) == 2  # chunks of 2, 2 and 1 members: each queues the next after commit
    assert MemberTier.objects.count() == 5
    assert MemberTier.objects.get(member=members[0]).tier.code == "gold"
