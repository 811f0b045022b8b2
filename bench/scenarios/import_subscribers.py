"""``import``: subscribers imported per second, against a raw COPY of the same rows.

value: rows/s of ``subscriber_import_file`` reading a CSV in the canonical format into the
real, empty members table (validation, E.164, billing digest, the comparison SELECT per chunk,
``bulk_create`` of members and of their consent history).
baseline: rows/s of psycopg's ``COPY members FROM STDIN`` of the same rows, already in their
final form, into a temporary table with the members table's structure (columns, defaults,
constraints, indexes: ``LIKE ... INCLUDING ALL``); the best of three runs.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from pathlib import Path

NAME = "import"
DEFAULT_SIZE = 100_000
UNIT = "rows/s"
AS_OF = dt.date(2026, 11, 1)
BASELINE_RUNS = 3

CANONICAL_COLUMNS = [
    "msisdn", "account_number", "customer_type", "activation_date", "payment_plan", "tariff_kind",
    "plan_name", "region", "city", "language", "birth_date", "status", "churn_reason", "segment",
    "consent_marketing", "consent_profiling", "consent_email", "consent_sms", "time_zone",
    "billing_detail",
]
_REGIONS = ["Hà Nội", "TP Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Nghệ An"]
_SEGMENTS = ["", "performance_seekers", "devicers", "vip", "cost_cutters", "curious_novices",
             "control_seekers"]


def canonical_rows(size: int) -> list[dict[str, str]]:
    """``size`` distinct, valid subscribers in the canonical import format (deterministic)."""
    rng = random.Random(size)
    rows = []
    for index in range(size):
        churned = rng.random() < 0.05
        marketing = rng.random() < 0.7
        region = rng.choice(_REGIONS)
        rows.append({
            # 7919 is coprime with 10**8: distinct numbers for any size up to 100 million.
            "msisdn": f"+849{(index * 7919 + 1_000_003) % 100_000_000:08d}",
            "account_number": f"BENCH{index:09d}",
            "customer_type": rng.choice(["individual"] * 7 + ["household", "enterprise"]),
            "activation_date": (AS_OF - dt.timedelta(days=rng.randrange(3650))).isoformat(),
            "payment_plan": rng.choice(["prepaid", "postpaid"]),
            "tariff_kind": rng.choice(["metered", "flat_rate"]),
            "plan_name": rng.choice(["Basic", "Data 30", "Postpaid 399 Unlimited"]),
            "region": region,
            "city": region,
            "language": rng.choice(["vi"] * 9 + ["en"]),
            "birth_date": (AS_OF - dt.timedelta(days=rng.randrange(16 * 365, 80 * 365))).isoformat()
            if rng.random() < 0.8 else "",
            "status": "churned" if churned else "active",
            "churn_reason": "lost_to_competitor" if churned else "",
            "segment": rng.choice(_SEGMENTS),
            "consent_marketing": "true" if marketing else "false",
            "consent_profiling": "true" if rng.random() < 0.6 else "false",
            "consent_email": "true" if marketing and rng.random() < 0.8 else "false",
            "consent_sms": "true" if marketing and rng.random() < 0.6 else "false",
            "time_zone": "Asia/Ho_Chi_Minh",
            "billing_detail": str(rng.randrange(50_000, 2_500_000, 1_000)),
        })
    return rows


def _csv_write(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CANONICAL_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _final_tuples(rows: list[dict[str, str]]) -> tuple[list[str], list[tuple]]:
    """The rows as the members table stores them, for the COPY baseline."""
    from django.utils import timezone

    from club.members.services.billing_detail import billing_detail_digest

    now = timezone.now()
    columns = [column for column in CANONICAL_COLUMNS if column != "billing_detail"]
    columns += ["billing_detail_digest", "consent_portal", "attributes", "created_at", "updated_at"]
    booleans = {"consent_marketing", "consent_profiling", "consent_email", "consent_sms"}
    tuples = []
    for row in rows:
        values: list[object] = []
        for column in CANONICAL_COLUMNS[:-1]:
            text = row[column]
            if column in booleans:
                values.append(text == "true")
            elif column in {"activation_date", "birth_date"}:
                values.append(dt.date.fromisoformat(text) if text else None)
            else:
                values.append(text)
        values += [billing_detail_digest(row["billing_detail"]), True, "{}", now, now]
        tuples.append(tuple(values))
    return columns, tuples


def _copy_rows_per_second(rows: list[dict[str, str]]) -> float:
    from django.db import connection

    from bench.harness import seconds
    from club.members.models import Member

    table = Member._meta.db_table
    columns, tuples = _final_tuples(rows)
    column_list = ", ".join(columns)
    best = None
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE bench_copy (LIKE {table} INCLUDING ALL)")
        for _run in range(BASELINE_RUNS):
            cursor.execute("TRUNCATE bench_copy")

            def copy() -> None:
                with cursor.cursor.copy(f"COPY bench_copy ({column_list}) FROM STDIN") as stream:
                    for values in tuples:
                        stream.write_row(values)

            elapsed = seconds(copy)
            best = elapsed if best is None else min(best, elapsed)
            cursor.execute("SELECT count(*) FROM bench_copy")
            assert cursor.fetchone()[0] == len(rows)
        cursor.execute("DROP TABLE bench_copy")
    return len(rows) / best


def run(*, size: int):
    from bench.harness import BenchResult, seconds
    from club.members.models import ConsentRecord, Member
    from club.members.services.importing import import_mapping_load, subscriber_import_file

    rows = canonical_rows(size)
    baseline = _copy_rows_per_second(rows)
    mapping = import_mapping_load("troika-canonical")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "subscribers.csv"
        _csv_write(rows, path)
        reports = []
        elapsed = seconds(lambda: reports.append(
            subscriber_import_file(file=path, file_format="csv", mapping=mapping)
        ))
    (report,) = reports
    stored = Member.objects.count()
    if report.created != size or report.errors or stored != size:
        raise RuntimeError(f"the import did not create {size} members: created {report.created}, "
                           f"{len(report.errors)} errors, {stored} stored")
    consents = ConsentRecord.objects.count()
    return BenchResult(
        scenario=NAME, size=size, value=size / elapsed, unit=UNIT, baseline=baseline,
        notes=[f"import: {size} rows in {elapsed:.2f} s ({consents} consent records); "
               f"COPY baseline: best of {BASELINE_RUNS}: {size / baseline:.2f} s"],
    )
