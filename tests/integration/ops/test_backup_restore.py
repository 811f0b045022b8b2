"""db_backup and db_restore on the real PostgreSQL: a database with members, billing events
and points is dumped, restored into a new database, and found whole."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum

from config.backup import MANIFEST_SUFFIX, _params
from rewards.billing.services import billing_events_ingest
from rewards.ledger.models import LedgerEntry
from tests.factories import EarningRuleFactory, MemberFactory
from tests.integration.billing.helpers import bill

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scratch_database():
    """A database name of the test's own, dropped afterwards."""
    name = f"h6_restore_{uuid.uuid4().hex[:10]}"
    yield name
    with psycopg.connect(**_params("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def filled():
    EarningRuleFactory(name="Bills", event_kind="bill_paid", amount_points=1, amount_step=10_000)
    members = [MemberFactory() for _ in range(25)]
    events = [bill(m, str(10_000 * (i + 1)), event_id=f"BK-{i}") for i, m in enumerate(members)]
    report = billing_events_ingest(events=events, source="file")
    assert report.counts["applied"] == 25
    return members


def _restored(name: str, query: str):
    with psycopg.connect(**_params(name)) as restored:
        return restored.execute(query).fetchone()[0]


def test_backup_restored_into_a_new_database_has_every_row_and_point(tmp_path, filled, scratch_database):
    dump = tmp_path / "troika.dump"
    ledger_total = LedgerEntry.objects.aggregate(total=Sum("points"))["total"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM members_member")
        members = cursor.fetchone()[0]

    call_command("db_backup", str(dump))
    call_command("db_restore", str(dump), "--target", scratch_database)  # raises on any difference

    manifest = json.loads(Path(f"{dump}{MANIFEST_SUFFIX}").read_text())
    assert ledger_total == sum(range(1, 26)) and manifest["totals"]["ledger_points"] == str(ledger_total)
    restored_total = _restored(scratch_database, "SELECT COALESCE(SUM(points), 0) FROM ledger_ledgerentry")
    assert restored_total == ledger_total
    assert _restored(scratch_database, "SELECT count(*) FROM members_member") == members == 25
    assert _restored(scratch_database, "SELECT count(*) FROM django_migrations") == manifest["tables"][
        "django_migrations"]
    print(f"r-backup: {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows, "
          f"ledger {ledger_total} points, dump {dump.stat().st_size} bytes: restored equal")


def test_a_restore_that_differs_from_the_manifest_fails(tmp_path, filled, scratch_database):
    dump = tmp_path / "troika.dump"
    call_command("db_backup", str(dump))
    manifest_path = Path(f"{dump}{MANIFEST_SUFFIX}")
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"]["members_member"] += 1
    manifest["totals"]["ledger_points"] = "1"
    manifest_path.write_text(json.dumps(manifest))

    with pytest.raises(CommandError) as failure:
        call_command("db_restore", str(dump), "--target", scratch_database)

    assert "table members_member: 26 rows in the backup, 25 restored" in str(failure.value)
    assert "total ledger_points: 1 in the backup, 325 restored" in str(failure.value)


def test_a_restore_never_overwrites_a_database_nor_a_backup_a_file(tmp_path, filled):
    dump = tmp_path / "troika.dump"
    call_command("db_backup", str(dump))

    with pytest.raises(CommandError, match="exists: a backup never overwrites"):
        call_command("db_backup", str(dump))
    with pytest.raises(CommandError, match="exists: restore into a new database"):
        call_command("db_restore", str(dump), "--target", connection.settings_dict["NAME"])
