"""r18: the expiry job is killed (SIGKILL) halfway through, then run again: every due lot is
expired exactly once, and every balance still equals its ledger sum."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count, Sum

from rewards.ledger.models import EntryKind, LedgerEntry, LotStatus, PointLot, PointsAccount
from rewards.ledger.services import PointsGrant, points_expire_due, points_grant_many
from tests.factories import MemberFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]
MEMBERS, LOTS_EACH, BATCH = 150, 20, 25
EARNED = dt.datetime(2025, 1, 5, tzinfo=dt.UTC)
RUN_AT = "2026-06-01T00:00:00+00:00"

JOB = f"""
import datetime as dt, django
django.setup()
from rewards.ledger.services import points_expire_due
points_expire_due(now=dt.datetime.fromisoformat("{RUN_AT}"), batch_size={BATCH})
"""


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _expired_entries() -> int:
    return LedgerEntry.objects.filter(kind=EntryKind.EXPIRE).count()


def test_r18_expiry_job_killed_halfway_then_rerun_expires_every_lot_once():
    members = MemberFactory.create_batch(MEMBERS)
    grants = [
        PointsGrant(m.pk, 10 + i, "earned", "billing_event", f"{m.pk}:{i}", f"earn:{m.pk}:{i}",
                    EARNED + dt.timedelta(hours=i))
        for m in members for i in range(LOTS_EACH)
    ]
    points_grant_many(grants=grants)
    total_lots = MEMBERS * LOTS_EACH
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    job = subprocess.Popen([sys.executable, "-c", JOB], cwd=REPO, env=env)
    deadline = time.monotonic() + 60
    while _expired_entries() < total_lots // 4 and job.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    job.send_signal(signal.SIGKILL)
    job.wait()
    at_kill = _expired_entries()
    assert 0 < at_kill < total_lots, f"the kill must land mid-run (saw {at_kill} of {total_lots})"

    rerun = points_expire_due(now=dt.datetime.fromisoformat(RUN_AT), batch_size=BATCH)

    per_lot = (
        LedgerEntry.objects.filter(kind=EntryKind.EXPIRE).values("source_ref")
        .annotate(n=Count("id")).values_list("n", flat=True)
    )
    assert len(per_lot) == total_lots and set(per_lot) == {1}
    assert PointLot.objects.exclude(status=LotStatus.EXPIRED).count() == 0
    assert PointsAccount.objects.aggregate(s=Sum("available"))["s"] == 0
    assert LedgerEntry.objects.aggregate(s=Sum("points"))["s"] == 0
    print(
        f"r18: {total_lots} lots of {MEMBERS} members, batches of {BATCH}; killed after {at_kill} expired, "
        f"rerun expired {rerun}; lots expired twice 0, lots left 0, balances = ledger sums"
    )
