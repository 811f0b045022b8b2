"""Uplift arithmetic: means, Welch's interval, the spender-rate interval (no database)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from campaigns.reports.uplift import GroupOutcome, Uplift

D = Decimal


def group(spends: list[int]) -> GroupOutcome:
    squares = D(sum(s * s for s in spends))
    return GroupOutcome(len(spends), D(sum(spends)), squares, sum(s > 0 for s in spends))


def test_spend_difference_and_its_interval():
    uplift = Uplift(30, treated=group([100, 200, 300, 0]), holdout=group([0, 100, 0, 100]))

    spend = uplift.spend_per_member
    assert spend.estimate == pytest.approx(100.0)
    # variances: treated 16666.67 (mean 150), holdout 3333.33 (mean 50)
    error = math.sqrt(16666.666666 / 4 + 3333.333333 / 4)
    assert (spend.low, spend.high) == pytest.approx((100 - 1.959964 * error, 100 + 1.959964 * error))
    assert spend.is_significant is False
    assert uplift.relative_spend == pytest.approx(2.0)


def test_spender_rate_difference():
    uplift = Uplift(30, treated=group([1] * 80 + [0] * 20), holdout=group([1] * 50 + [0] * 50))

    rate = uplift.spender_rate
    assert rate.estimate == pytest.approx(0.30)
    error = math.sqrt(0.8 * 0.2 / 100 + 0.5 * 0.5 / 100)
    assert rate.low == pytest.approx(0.30 - 1.959964 * error)
    assert rate.is_significant is True


@pytest.mark.parametrize("holdout", [[], [100]], ids=["no-holdout", "one-held-out"])
def test_too_small_a_holdout_is_not_measurable(holdout):
    uplift = Uplift(30, treated=group([100, 200]), holdout=group(holdout))

    assert uplift.is_measurable is False
    assert (uplift.spend_per_member, uplift.spender_rate, uplift.relative_spend) == (None, None, None)


def test_no_holdout_spend_has_no_relative_uplift():
    assert Uplift(30, treated=group([5, 5]), holdout=group([0, 0])).relative_spend is None
