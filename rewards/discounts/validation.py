"""The rules a discount schedule must follow, as a pure function (the admin form shows them).

Rows are checked in the order the admin shows them: thresholds strictly ascending (a repeated
threshold is named as a duplicate), and a higher bracket or band never gives a smaller discount.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .choices import ALL_CUSTOMER_TYPES, Stacking
from .quote import money_text, percent_text

HUNDRED = Decimal(100)
VOLUME = "volume_brackets"
TENURE = "tenure_bands"


@dataclass(frozen=True)
class ScheduleProblem:
    """``section`` is ``None`` for the schedule's own fields, else the inline (``VOLUME`` or
    ``TENURE``) with the row ``index`` in display order; ``field`` ``None`` = the whole form."""

    message: str
    field: str | None = None
    section: str | None = None
    index: int | None = None


@dataclass(frozen=True)
class Row:
    threshold: Decimal | int | None
    percent: Decimal | None


def schedule_problems(
    *,
    customer_types: Sequence[str],
    stacking: str | None,
    cap_percent: Decimal | None,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    volume_brackets: Sequence[Row],
    tenure_bands: Sequence[Row],
) -> list[ScheduleProblem]:
    problems: list[ScheduleProblem] = []
    if not customer_types:
        problems.append(ScheduleProblem("Choose the customer types this schedule applies to.",
                                        "customer_types"))
    elif ALL_CUSTOMER_TYPES in customer_types and len(customer_types) > 1:
        problems.append(ScheduleProblem(
            "Choose either “All customer types” or some customer types, not both.", "customer_types"))
    if stacking == Stacking.SUM_CAPPED and cap_percent is None:
        problems.append(ScheduleProblem(
            "A sum of volume and tenure discounts needs a cap: the most the two may add up to (%).",
            "cap_percent"))
    if cap_percent is not None and not (0 <= cap_percent <= HUNDRED):
        problems.append(ScheduleProblem(
            f"The cap must be between 0% and 100% (got {percent_text(cap_percent)}%).", "cap_percent"))
    if valid_from and valid_until and valid_until < valid_from:
        problems.append(ScheduleProblem(
            f"“Valid until” ({valid_until:%Y-%m-%d}) is before “valid from” ({valid_from:%Y-%m-%d}).",
            "valid_until"))
    if not volume_brackets and not tenure_bands:
        problems.append(ScheduleProblem("Add at least one volume bracket or tenure band."))
    problems += _rows_problems(VOLUME, volume_brackets, "spend_from", _spend_text, "bracket")
    problems += _rows_problems(TENURE, tenure_bands, "years_from", _years_text, "band")
    return problems


def _spend_text(value) -> str:
    return money_text(Decimal(value))


def _years_text(value) -> str:
    return "1 year" if value == 1 else f"{value} years"


def _rows_problems(section, rows, threshold_field, threshold_text, noun) -> list[ScheduleProblem]:
    problems: list[ScheduleProblem] = []
    previous: Row | None = None
    for index, row in enumerate(rows):
        if row.percent is not None and not (0 <= row.percent <= HUNDRED):
            problems.append(ScheduleProblem(
                f"A discount must be between 0% and 100% (got {percent_text(row.percent)}%).",
                "percent", section, index))
        if row.threshold is not None and row.threshold < 0:
            problems.append(ScheduleProblem("Must not be negative.", threshold_field, section, index))
        if previous is not None and previous.threshold is not None and row.threshold is not None:
            here, before = threshold_text(row.threshold), threshold_text(previous.threshold)
            if row.threshold == previous.threshold:
                problems.append(ScheduleProblem(
                    f"Duplicate: another {noun} already starts at {here}.", threshold_field, section, index))
            elif row.threshold < previous.threshold:
                problems.append(ScheduleProblem(
                    f"{noun.capitalize()}s must be in ascending order: {here} comes after {before}; "
                    f"move this row up.", threshold_field, section, index))
            elif (row.percent is not None and previous.percent is not None
                  and row.percent < previous.percent):
                problems.append(ScheduleProblem(
                    f"A higher {noun} must not give a smaller discount: {percent_text(row.percent)}% "
                    f"from {here}, but {percent_text(previous.percent)}% from {before}.",
                    "percent", section, index))
        if row.threshold is not None:
            previous = row
    return problems
