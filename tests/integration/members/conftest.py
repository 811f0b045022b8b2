"""Fixtures of the subscriber import tests: small canonical files written per test."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

CANONICAL_COLUMNS = [
    "msisdn", "account_number", "customer_type", "activation_date", "payment_plan", "tariff_kind",
    "plan_name", "region", "city", "language", "birth_date", "status", "churn_reason", "segment",
    "consent_marketing", "consent_profiling", "consent_email", "consent_sms", "time_zone",
    "billing_detail",
]


def canonical_row(index: int, **changes: str) -> dict[str, str]:
    row = {
        "msisdn": f"+8491234{index:04d}", "account_number": f"IMP-{index:04d}",
        "customer_type": "individual", "activation_date": "2022-03-15", "payment_plan": "prepaid",
        "tariff_kind": "metered", "plan_name": "Sao Basic", "region": "Hà Nội", "city": "Hà Nội",
        "language": "vi", "birth_date": "1990-05-01", "status": "active", "churn_reason": "",
        "segment": "", "consent_marketing": "true", "consent_profiling": "false",
        "consent_email": "false", "consent_sms": "false", "time_zone": "Asia/Ho_Chi_Minh",
        "billing_detail": f"{100_000 + index}",
    }
    row.update(changes)
    return row


def csv_write(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns or CANONICAL_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def jsonl_write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                    encoding="utf-8")
    return path


@pytest.fixture
def good_rows() -> list[dict[str, str]]:
    return [canonical_row(index) for index in range(1, 5)]


@pytest.fixture
def good_csv(tmp_path, good_rows) -> Path:
    return csv_write(tmp_path / "subscribers.csv", good_rows)
