"""Which schedule applies to a customer type (pure: no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from rewards.discounts.choices import Stacking
from rewards.discounts.quote import schedule_for_customer_type
from rewards.discounts.specs import ScheduleSpec


def spec(id, types, valid_from=dt.date(2026, 1, 1)) -> ScheduleSpec:
    return ScheduleSpec(id=id, name=f"s{id}", stacking=Stacking.BEST_OF,
                        customer_types=frozenset(types), valid_from=valid_from)


@pytest.mark.parametrize(
    ("schedules", "customer_type", "expected_id"),
    [
        pytest.param([spec(1, {"all"})], "enterprise", 1, id="all-applies-to-anyone"),
        pytest.param([spec(1, {"household", "individual"})], "individual", 1, id="one-of-several-types"),
        pytest.param([spec(1, {"household"})], "enterprise", None, id="other-type-only"),
        pytest.param([spec(1, {"all"}), spec(2, {"enterprise"})], "enterprise", 2, id="specific-beats-all"),
        pytest.param([spec(2, {"enterprise"}), spec(1, {"all"}, dt.date(2026, 6, 1))], "enterprise", 2,
                     id="specific-beats-newer-all"),
        pytest.param([spec(1, {"all"}, dt.date(2026, 3, 1)), spec(2, {"all"})], "individual", 1,
                     id="latest-valid-from-wins"),
        pytest.param([spec(1, {"all"}), spec(2, {"all"})], "individual", 2, id="then-the-newest"),
        pytest.param([], "individual", None, id="no-schedules"),
    ],
)
def test_schedule_for_customer_type(schedules, customer_type, expected_id):
    chosen = schedule_for_customer_type(schedules=schedules, customer_type=customer_type)

    assert (chosen.id if chosen else None) == expected_id
