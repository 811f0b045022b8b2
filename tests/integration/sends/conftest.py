"""The fan-out's tests: live campaigns for everyone, members who consent to everything, and a
contact policy with no caps unless a test sets one (helpers shared with the contact tests)."""

from __future__ import annotations

import datetime as dt

import pytest

from campaigns.sends.models import Run
from club.members.models import Member
from tests.integration.contact.factories import campaign, member, policy

__all__ = ["campaign", "member", "policy"]

NOW = dt.datetime(2026, 11, 24, 5, 0, tzinfo=dt.UTC)  # 12:00 in Ho Chi Minh City


@pytest.fixture(autouse=True)
def _small_chunks(settings):
    settings.SENDS_CHUNK_SIZE = 4
    settings.SENDS_LANES = 2


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    """The delivery ids handed to ``deliveries_send`` (recorded, not sent), one list per task."""
    from campaigns.contact import tasks as contact_tasks

    batches: list[list[int]] = []

    def apply_async(args=(), kwargs=None, **options):
        batches.append(sorted(args[0]))

    monkeypatch.setattr(contact_tasks.deliveries_send_task, "apply_async", apply_async)
    return batches


def members(count: int, **fields) -> list[Member]:
    return [member(**fields) for _ in range(count)]


def run_of(campaign_, occurrence: str = "once") -> Run:
    return Run.objects.get(campaign=campaign_, occurrence=occurrence)


@pytest.fixture
def no_lanes(monkeypatch):
    """Plan waves but queue no lane: the test works the chunks itself, one call at a time.
    ``no_lanes.release()`` lets lanes run again (at once: tasks are eager in tests)."""
    from campaigns.sends import tasks

    real = tasks.wave_work_task.delay_on_commit
    blocked = [True]

    def delay_on_commit(*args, **kwargs):
        if not blocked[0]:
            real(*args, **kwargs)

    monkeypatch.setattr(tasks.wave_work_task, "delay_on_commit", delay_on_commit)

    class Lanes:
        @staticmethod
        def release():
            blocked[0] = False

    return Lanes


def delivery_ids() -> list[int]:
    from campaigns.contact.models import Delivery

    return sorted(Delivery.objects.values_list("pk", flat=True))
