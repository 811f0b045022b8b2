"""Reading import files (CSV, JSONL) into numbered records, streaming, in one pass each.

Row numbers are the line a person sees in an editor: the CSV header is row 1, the first
subscriber row 2 (a quoted value spanning lines numbers the record by its first line); in JSONL
every line counts, blank ones included.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from .importing_rows import RowError

FILE_FORMATS = ("csv", "jsonl")
_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

# A record as read: (row, {column: text}) or (row, RowError) for a line that cannot be read.
NumberedRecord = tuple[int, "dict[str, str] | RowError"]


@dataclass
class OpenedFile:
    """A file ready to import: its record count (for the progress bar), the records, and the
    errors that concern the whole file (then there are no records)."""

    total: int
    records: Iterator[NumberedRecord]
    errors: list[RowError] = field(default_factory=list)


class FileFormatUnknown(ValueError):
    pass


def file_format_guess(*, name: str, file_format: str | None = None) -> str:
    if file_format:
        if file_format not in FILE_FORMATS:
            raise FileFormatUnknown(f"Unknown format '{file_format}': use csv or jsonl.")
        return file_format
    guessed = _SUFFIXES.get(Path(name).suffix.lower())
    if guessed is None:
        raise FileFormatUnknown(f"Cannot tell the format of '{Path(name).name}': name it .csv or "
                                ".jsonl, or give the format.")
    return guessed


@contextlib.contextmanager
def binary_open(file: Any) -> Iterator[BinaryIO]:
    """A path, or an open binary file (Django ``File`` too), as a seekable binary stream.
    Files passed in open are left open."""
    if isinstance(file, str | Path):
        with open(file, "rb") as handle:
            yield handle
        return
    raw = file
    while not isinstance(raw, io.IOBase) and hasattr(raw, "file"):
        raw = raw.file
    if not isinstance(raw, io.IOBase) or not raw.seekable():
        raw = io.BytesIO(file.read())
    raw.seek(0)
    yield raw


@contextlib.contextmanager
def _text(binary: BinaryIO) -> Iterator[io.TextIOWrapper]:
    binary.seek(0)
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        yield text
    finally:
        text.detach()  # leave the caller's file open


def _not_utf8(exc: UnicodeDecodeError) -> RowError:
    return RowError(row=0, column="", message=f"The file is not UTF-8 text ({exc.reason} at byte "
                                               f"{exc.start} of a block).")


# --- CSV -------------------------------------------------------------------------------------


def csv_open(*, binary: BinaryIO, columns: list[str]) -> OpenedFile:
    """Check the header against the mapping's columns and count the records."""
    try:
        with _text(binary) as text:
            reader = csv.reader(text)
            header = next(reader, None)
            total = sum(1 for values in reader if values)
    except UnicodeDecodeError as exc:
        return OpenedFile(total=0, records=iter(()), errors=[_not_utf8(exc)])
    except csv.Error as exc:
        return OpenedFile(total=0, records=iter(()),
                          errors=[RowError(row=0, column="", message=f"Not readable as CSV: {exc}")])
    if header is None:
        return OpenedFile(total=0, records=iter(()),
                          errors=[RowError(row=1, column="", message="The file is empty.")])
    names = [name.strip() for name in header]
    errors = [
        RowError(row=1, column=name, message="This column appears more than once in the header.")
        for name in sorted({name for name in names if names.count(name) > 1})
    ]
    errors += [
        RowError(row=1, column=column, message="Missing column: the mapping reads it.")
        for column in columns if column not in names
    ]
    if errors:
        return OpenedFile(total=total, records=iter(()), errors=errors)
    return OpenedFile(total=total, records=_csv_records(binary=binary, names=names))


def _csv_records(*, binary: BinaryIO, names: list[str]) -> Iterator[NumberedRecord]:
    width = len(names)
    with _text(binary) as text:
        reader = csv.reader(text)
        next(reader)
        line = reader.line_num
        for values in reader:
            row, line = line + 1, reader.line_num
            if not values:
                continue
            if len(values) != width:
                yield row, RowError(row=row, column="", message=f"This row has {len(values)} "
                                                                f"values; the header has {width}.")
                continue
            yield row, dict(zip(names, values, strict=True))


# --- JSONL -----------------------------------------------------------------------------------


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


def jsonl_open(*, binary: BinaryIO) -> OpenedFile:
    try:
        with _text(binary) as text:
            total = sum(1 for line in text if line.strip())
    except UnicodeDecodeError as exc:
        return OpenedFile(total=0, records=iter(()), errors=[_not_utf8(exc)])
    return OpenedFile(total=total, records=_jsonl_records(binary=binary))


def _jsonl_records(*, binary: BinaryIO) -> Iterator[NumberedRecord]:
    with _text(binary) as text:
        for row, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield row, RowError(row=row, column="", message=f"Not valid JSON: {exc.msg}.")
                continue
            if not isinstance(data, dict):
                yield row, RowError(row=row, column="", message="Each line must be a JSON object.")
                continue
            yield row, {str(key): _json_text(value) for key, value in data.items()}


def file_open(*, binary: BinaryIO, file_format: str, columns: list[str]) -> OpenedFile:
    if file_format == "csv":
        return csv_open(binary=binary, columns=columns)
    return jsonl_open(binary=binary)
