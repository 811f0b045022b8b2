"""Reading the Telco sample (or a file of its shape) into the churn model's inputs and labels,
with every bad row reported (row, column, message) and nothing returned when there is one."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .features import CSV_COLUMNS, ChurnInputs, InputInvalid, churn_label_from_csv_row, inputs_from_csv_row

MAX_REPORTED_ERRORS = 50


@dataclass(frozen=True)
class RowError:
    row: int  # the file's line number (the header is line 1)
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}"


class ChurnDataInvalid(ValueError):
    """The file cannot be used; ``errors`` names each bad row (the first ``MAX_REPORTED_ERRORS``)."""

    def __init__(self, message: str, errors: list[RowError] | None = None):
        self.errors = errors or []
        shown = "; ".join(str(error) for error in self.errors[:MAX_REPORTED_ERRORS])
        super().__init__(f"{message}: {shown}" if shown else message)


@dataclass(frozen=True)
class LabelledRows:
    inputs: list[ChurnInputs]
    labels: list[int]
    account_ids: list[str]


def churn_rows_read(path: Path | str) -> LabelledRows:
    """Every row of a CSV file with the sample's columns (``CSV_COLUMNS``), labelled by ``Churn``."""
    path = Path(path)
    if not path.is_file():
        raise ChurnDataInvalid(f"no file at {path}")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise ChurnDataInvalid(f"{path.name} lacks the columns {', '.join(missing)}")
        inputs, labels, accounts, errors = [], [], [], []
        for line, row in enumerate(reader, start=2):
            try:
                inputs.append(inputs_from_csv_row(row))
                labels.append(churn_label_from_csv_row(row))
                accounts.append((row.get("customerID") or "").strip())
            except InputInvalid as invalid:
                errors.append(RowError(row=line, column=invalid.column, message=invalid.message))
    if errors:
        raise ChurnDataInvalid(f"{len(errors)} bad rows in {path.name}", errors)
    if not inputs:
        raise ChurnDataInvalid(f"{path.name} has no rows")
    return LabelledRows(inputs=inputs, labels=labels, account_ids=accounts)
