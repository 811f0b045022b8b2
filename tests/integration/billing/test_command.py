"""manage.py ingest_events on CSV and JSONL files."""

from __future__ import annotations

import csv
import json

import pytest
from django.core.management import CommandError, call_command

from rewards.activity.models import MonthlyActivity
from rewards.billing.models import BillingEvent, QuarantinedEvent
from rewards.billing.services.validation import ALL_FIELDS

from .helpers import bill, reversal, top_up

pytestmark = pytest.mark.django_db


def test_a_jsonl_file_is_applied_and_reported(tmp_path, rules, member, capsys):
    path = tmp_path / "events.jsonl"
    lines = [json.dumps(bill(member, "120000", event_id="B-1")), "", "{broken",
             json.dumps(reversal(member, "B-9", event_id="R-1")), json.dumps(top_up(member, event_id="T-1"))]
    path.write_text("\n".join(lines) + "\n")

    with pytest.raises(CommandError, match="1 events quarantined"):
        call_command("ingest_events", str(path))

    out = capsys.readouterr().out
    assert "4 events read from events.jsonl in 1 batches: applied 2, duplicate 0, waiting reversals 1, " \
           "quarantined 1" in out
    assert "record 2 (no id): not_an_object" in out
    assert QuarantinedEvent.objects.get().raw == "{broken"
    assert set(BillingEvent.objects.values_list("event_id", flat=True)) == {"B-1", "R-1", "T-1"}


def test_a_csv_file_twice_applies_once(tmp_path, rules, member, capsys):
    path = tmp_path / "events.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ALL_FIELDS)
        writer.writeheader()
        writer.writerow(bill(member, "120000", event_id="B-1"))
        writer.writerow(top_up(member, "50000", event_id="T-1"))

    call_command("ingest_events", str(path))
    call_command("ingest_events", str(path))

    out = capsys.readouterr().out
    assert "applied 2, duplicate 0" in out and "applied 0, duplicate 2" in out
    assert MonthlyActivity.objects.get(member=member).spend == 170000


def test_small_batches_stream_the_file(tmp_path, rules, member):
    from rewards.billing.services import billing_events_ingest_file

    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(bill(member, event_id=f"B-{i}")) + "\n" for i in range(7)))
    report = billing_events_ingest_file(file=path, batch_size=3)
    assert (report.batches, report.counts["applied"]) == (3, 7)


@pytest.mark.parametrize(("name", "message"), [("events.txt", "cannot tell the format"),
                                               ("missing.csv", "no such file")])
def test_unreadable_files_are_a_clear_error(tmp_path, name, message):
    path = tmp_path / name
    if name.endswith(".txt"):
        path.write_text("x")
    with pytest.raises(CommandError, match=message):
        call_command("ingest_events", str(path))
