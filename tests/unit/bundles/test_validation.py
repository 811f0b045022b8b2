"""The rules of components and templates the admin shows, as pure functions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rewards.bundles.pricing import ComponentTerms, TemplateLine
from rewards.bundles.validation import component_problems, template_lines_problems, template_problems

DATA = ComponentTerms("data-gb", "Mobile data", "GB", Decimal(10_000), 1, 100, 1)
VOICE = ComponentTerms("voice-min", "Minutes", "min", Decimal(500), 0, 3000, 30)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param(
            {"unit_price": Decimal(500), "min_quantity": 0, "max_quantity": 3000, "step": 30}, {}, id="fine"
        ),
        pytest.param(
            {"unit_price": Decimal(-1), "min_quantity": 0, "max_quantity": 10, "step": 1},
            {"unit_price": "The unit price cannot be negative."},
            id="negative-price",
        ),
        pytest.param(
            {"unit_price": Decimal(1), "min_quantity": 10, "max_quantity": 5, "step": 1},
            {"max_quantity": "The largest quantity (5) is below the smallest (10)."},
            id="reversed",
        ),
        pytest.param(
            {"unit_price": Decimal(1), "min_quantity": 1, "max_quantity": 100, "step": 5},
            {
                "max_quantity": "The largest quantity must be the smallest plus whole steps: 96 or "
                "101, not 100."
            },
            id="max-off-step",
        ),
        pytest.param(
            {"unit_price": Decimal(1), "min_quantity": 0, "max_quantity": 10, "step": 0},
            {"step": "The step must be at least 1."},
            id="step-zero",
        ),
    ],
)
def test_component_problems(fields, expected):
    assert component_problems(**fields) == expected


@pytest.mark.parametrize(
    ("plan_fit", "cap", "expected"),
    [
        pytest.param("prepaid", Decimal(150_000), {}, id="prepaid-cap"),
        pytest.param("any", None, {}, id="no-cap"),
        pytest.param(
            "postpaid",
            Decimal(150_000),
            {
                "monthly_spending_cap": "A monthly spending cap is for prepaid packs only: choose "
                "“Prepaid” or leave it empty."
            },
            id="cap-on-postpaid",
        ),
        pytest.param(
            "prepaid",
            Decimal(0),
            {"monthly_spending_cap": "The spending cap must be above zero."},
            id="zero-cap",
        ),
        pytest.param(
            "prepaid",
            Decimal("1000.50"),
            {"monthly_spending_cap": "VND has no smaller unit than 1."},
            id="fraction-of-a-dong",
        ),
    ],
)
def test_template_problems(plan_fit, cap, expected):
    assert (
        template_problems(plan_fit=plan_fit, monthly_spending_cap=cap, quantum=Decimal(1), currency="VND")
        == expected
    )


def test_template_lines_problems_name_the_row():
    lines = [TemplateLine(DATA, 2), TemplateLine(VOICE, 45), TemplateLine(DATA, 3)]

    assert template_lines_problems(lines=lines, active_codes={"data-gb", "voice-min"}) == [
        (1, "Minutes: from 0 min in steps of 30 (got 45; the nearest allowed are 30 and 60)."),
        (2, "Mobile data is already in this bundle."),
    ]


def test_an_inactive_component_cannot_be_put_in_a_template():
    assert template_lines_problems(lines=[TemplateLine(DATA, 2)], active_codes=set()) == [
        (0, "Mobile data is inactive: activate it or remove this line.")
    ]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        pytest.param([], "A bundle needs at least one line.", id="no-lines"),
        pytest.param(
            [TemplateLine(VOICE, 0)], "At least one line needs a quantity above zero.", id="all-zero"
        ),
    ],
)
def test_an_empty_template_is_refused(lines, message):
    assert template_lines_problems(lines=lines, active_codes={"voice-min"}) == [(-1, message)]
