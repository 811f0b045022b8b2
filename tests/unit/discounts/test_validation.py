"""The rules of a discount schedule, as the admin shows them (pure: no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rewards.discounts.choices import Stacking
from rewards.discounts.validation import TENURE, VOLUME, Row, ScheduleProblem, schedule_problems

D = Decimal
M = 1_000_000


def problems(**changes) -> list[ScheduleProblem]:
    fields = {
        "customer_types": ["individual"], "stacking": Stacking.BEST_OF, "cap_percent": None,
        "valid_from": dt.date(2026, 1, 1), "valid_until": None,
        "volume_brackets": [Row(D(10 * M), D(2)), Row(D(20 * M), D(3))],
        "tenure_bands": [Row(1, D(1)), Row(3, D(5))],
    }
    return schedule_problems(**{**fields, **changes})


def test_a_sound_schedule_has_no_problems():
    assert problems() == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({"customer_types": []},
                     ScheduleProblem("Choose the customer types this schedule applies to.", "customer_types"),
                     id="no-customer-type"),
        pytest.param({"customer_types": ["all", "enterprise"]},
                     ScheduleProblem("Choose either “All customer types” or some customer types, not both.",
                                     "customer_types"), id="all-and-some"),
        pytest.param({"stacking": Stacking.SUM_CAPPED},
                     ScheduleProblem("A sum of volume and tenure discounts needs a cap: the most the two may "
                                     "add up to (%).", "cap_percent"), id="sum-without-cap"),
        pytest.param({"stacking": Stacking.SUM_CAPPED, "cap_percent": D(-1)},
                     ScheduleProblem("The cap must be between 0% and 100% (got -1%).", "cap_percent"),
                     id="negative-cap"),
        pytest.param({"valid_until": dt.date(2025, 12, 31)},
                     ScheduleProblem("“Valid until” (2025-12-31) is before “valid from” (2026-01-01).",
                                     "valid_until"), id="dates-reversed"),
        pytest.param({"volume_brackets": [], "tenure_bands": []},
                     ScheduleProblem("Add at least one volume bracket or tenure band."), id="empty"),
        pytest.param({"volume_brackets": [Row(D(20 * M), D(3)), Row(D(10 * M), D(4))]},
                     ScheduleProblem("Brackets must be in ascending order: 10,000,000 VND comes after "
                                     "20,000,000 VND; move this row up.", "spend_from", VOLUME, 1),
                     id="brackets-descending"),
        pytest.param({"volume_brackets": [Row(D(10 * M), D(2)), Row(D(10 * M), D(3))]},
                     ScheduleProblem("Duplicate: another bracket already starts at 10,000,000 VND.",
                                     "spend_from", VOLUME, 1), id="bracket-duplicate"),
        pytest.param({"volume_brackets": [Row(D(10 * M), D(3)), Row(D(20 * M), D(2))]},
                     ScheduleProblem("A higher bracket must not give a smaller discount: 2% from 20,000,000 "
                                     "VND, but 3% from 10,000,000 VND.", "percent", VOLUME, 1),
                     id="bracket-percent-falls"),
        pytest.param({"volume_brackets": [Row(D(10 * M), D("100.5"))]},
                     ScheduleProblem("A discount must be between 0% and 100% (got 100.5%).", "percent",
                                     VOLUME, 0), id="bracket-percent-over-100"),
        pytest.param({"volume_brackets": [Row(D(-1), D(1))]},
                     ScheduleProblem("Must not be negative.", "spend_from", VOLUME, 0), id="negative-spend"),
        pytest.param({"tenure_bands": [Row(3, D(5)), Row(3, D(6))]},
                     ScheduleProblem("Duplicate: another band already starts at 3 years.", "years_from",
                                     TENURE, 1), id="band-duplicate"),
        pytest.param({"tenure_bands": [Row(5, D(7)), Row(1, D(1))]},
                     ScheduleProblem("Bands must be in ascending order: 1 year comes after 5 years; "
                                     "move this row up.", "years_from", TENURE, 1), id="bands-descending"),
        pytest.param({"tenure_bands": [Row(1, D(-2))]},
                     ScheduleProblem("A discount must be between 0% and 100% (got -2%).", "percent",
                                     TENURE, 0),
                     id="band-percent-negative"),
    ],
)
def test_each_problem_is_named_where_it_is(changes, expected):
    assert problems(**changes) == [expected]


def test_a_cap_is_fine_for_sum():
    assert problems(stacking=Stacking.SUM_CAPPED, cap_percent=D(0)) == []
