"""The pure checks behind every condition block's form errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.audiences.validation import (
    any_given_errors,
    at_least_errors,
    choice_errors,
    days_errors,
    range_errors,
)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        pytest.param(18, 25, {}, id="both-bounds"),
        pytest.param(18, None, {}, id="minimum-only"),
        pytest.param(None, 25, {}, id="maximum-only"),
        pytest.param(25, 25, {}, id="a-single-value"),
        pytest.param(0, 0, {}, id="zero-to-zero"),
        pytest.param(None, None, {"low": "Give a minimum, a maximum or both."}, id="no-bound"),
        pytest.param(30, 25, {"high": "Must not be below the minimum (30)."}, id="minimum-above-maximum"),
        pytest.param(-1, 5, {"low": "Must be 0 or more."}, id="negative-minimum"),
        pytest.param(None, -2, {"high": "Must be 0 or more."}, id="negative-maximum"),
        pytest.param(Decimal("1000000.50"), Decimal("1000000"),
                     {"high": "Must not be below the minimum (1000000.50)."}, id="money"),
    ],
)
def test_a_range(low, high, expected):
    assert range_errors(low, high, low_field="low", high_field="high") == expected


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        pytest.param(1, {}, id="the-least"),
        pytest.param(180, {}, id="the-most"),
        pytest.param(0, {"days": "Must be between 1 and 180 days."}, id="zero"),
        pytest.param(181, {"days": "Must be between 1 and 180 days."}, id="one-too-many"),
        pytest.param(None, {"days": "Give a number of days."}, id="missing"),
    ],
)
def test_a_number_of_days(days, expected):
    assert days_errors(days, field="days", minimum=1, maximum=180) == expected


def test_at_least():
    assert at_least_errors(1, field="points", minimum=1) == {}
    assert at_least_errors(0, field="points", minimum=1) == {"points": "Must be 1 or more."}
    assert at_least_errors(None, field="points", minimum=1) == {"points": "Give a number."}


def test_a_multiple_choice_needs_one_option():
    assert choice_errors(["vip"], field="segments") == {}
    assert choice_errors([], field="segments") == {"segments": "Choose at least one."}


def test_optional_parts_need_one_filled_in():
    assert any_given_errors({"plans": [], "name": "plus"}, field="") == {}
    assert any_given_errors({"plans": [], "name": ""}, field="") == {"": "Fill in at least one of these."}
