"""The ``import`` benchmark's rows are valid canonical rows, and its result line has the
harness's shape (no database: the benchmark itself runs on PostgreSQL, see docs/PERFORMANCE.md)."""

from __future__ import annotations

import json

from bench.harness import BenchResult
from bench.scenarios import SCENARIOS
from bench.scenarios.import_subscribers import canonical_rows
from club.members.services.importing import import_mapping_load
from club.members.services.importing_rows import RowParser


def test_benchmark_rows_are_valid_distinct_and_deterministic():
    rows = canonical_rows(2000)
    parser = RowParser(import_mapping_load("troika-canonical"))

    errors = [error for index, row in enumerate(rows, start=2)
              for error in parser.parse(row=index, record=row)[1]]

    assert errors == []
    assert len({row["msisdn"] for row in rows}) == 2000
    assert len({row["account_number"] for row in rows}) == 2000
    assert canonical_rows(2000) == rows


def test_result_line_is_one_json_object_with_the_ratio():
    result = BenchResult(scenario="import", size=100, value=250.0, unit="rows/s", baseline=5000.0)

    line = json.dumps(result.as_json())

    assert json.loads(line) == {"scenario": "import", "size": 100, "value": 250.0,
                                "unit": "rows/s", "baseline": 5000.0, "ratio": 0.05}
    assert SCENARIOS["import"].NAME == "import"
