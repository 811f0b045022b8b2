"""The bundle's lines and list price: exact Decimal money, cumulative rounding, quantities."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rewards.bundles.pricing import (
    ComponentTerms,
    PricedLine,
    QuantityProblem,
    TemplateLine,
    lines_price,
    list_price,
    quantities_resolve,
    quantity_problem,
)

VND = Decimal(1)
DATA = ComponentTerms("data-gb", "Mobile data", "GB", Decimal(10_000), 1, 100, 1)
VOICE = ComponentTerms("voice-min", "Minutes", "min", Decimal(500), 0, 3000, 30)
SMS = ComponentTerms("sms", "SMS", "SMS", Decimal(300), 0, 1000, 10)
STREAMING = ComponentTerms("streaming", "Streaming", "month", Decimal(59_000), 0, 1, 1)
TEMPLATE = [
    TemplateLine(DATA, 10),
    TemplateLine(VOICE, 90),
    TemplateLine(SMS, 50),
    TemplateLine(STREAMING, 0),
]


def third(code: str) -> ComponentTerms:
    return ComponentTerms(code, code.title(), "unit", Decimal("333.33"), 0, 10, 1)


def test_the_list_price_is_the_sum_of_quantity_times_unit_price():
    # given the template's defaults: 10 GB, 90 min, 50 SMS, no streaming
    chosen, problems = quantities_resolve(lines=TEMPLATE, quantities=None)

    # then 10 × 10,000 + 90 × 500 + 50 × 300 = 160,000 VND
    assert problems == []
    assert list_price(lines=chosen, quantum=VND) == Decimal(160_000)


def test_lines_leave_out_zero_quantities_and_add_up_to_the_list_price():
    chosen, _ = quantities_resolve(lines=TEMPLATE, quantities=None)

    lines = lines_price(lines=chosen, quantum=VND)

    assert lines == (
        PricedLine("data-gb", "Mobile data", "GB", 10, Decimal(10_000), Decimal(100_000)),
        PricedLine("voice-min", "Minutes", "min", 90, Decimal(500), Decimal(45_000)),
        PricedLine("sms", "SMS", "SMS", 50, Decimal(300), Decimal(15_000)),
    )
    assert lines[0].as_json() == {
        "code": "data-gb",
        "name": "Mobile data",
        "unit": "GB",
        "quantity": 10,
        "unit_price": "10000",
        "amount": "100000",
    }


def test_fractional_unit_prices_are_rounded_once_and_the_lines_never_drift():
    # given three lines of 333.33 VND each: 999.99 VND in all
    chosen = [(third("a"), 1), (third("b"), 1), (third("c"), 1)]

    lines = lines_price(lines=chosen, quantum=VND)

    # then the total rounds to 1,000 and the lines (333, 334, 333) add up to it exactly,
    # where rounding each line alone would give 999
    assert list_price(lines=chosen, quantum=VND) == Decimal(1000)
    assert [line.amount for line in lines] == [Decimal(333), Decimal(334), Decimal(333)]
    assert sum(line.amount for line in lines) == Decimal(1000)


def test_an_exact_half_rounds_up_and_two_decimal_currencies_keep_cents():
    half = ComponentTerms("h", "Half", "u", Decimal("0.50"), 0, 10, 1)

    assert list_price(lines=[(half, 5)], quantum=VND) == Decimal(3)  # 2.50 -> 3
    assert list_price(lines=[(half, 5)], quantum=Decimal("0.01")) == Decimal("2.50")


def test_the_members_quantities_replace_the_defaults():
    chosen, problems = quantities_resolve(lines=TEMPLATE, quantities={"data-gb": 25, "streaming": 1})

    assert problems == []
    assert [(c.code, q) for c, q in chosen] == [
        ("data-gb", 25),
        ("voice-min", 90),
        ("sms", 50),
        ("streaming", 1),
    ]
    assert list_price(lines=chosen, quantum=VND) == Decimal(250_000 + 45_000 + 15_000 + 59_000)


@pytest.mark.parametrize(
    ("component", "quantity", "message"),
    [
        pytest.param(DATA, 0, "Mobile data: at least 1 GB (got 0).", id="below-min"),
        pytest.param(DATA, 101, "Mobile data: at most 100 GB (got 101).", id="above-max"),
        pytest.param(
            VOICE,
            45,
            "Minutes: from 0 min in steps of 30 (got 45; the nearest allowed are 30 and 60).",
            id="off-step",
        ),
        pytest.param(DATA, "5", "Mobile data: the quantity must be a whole number (got 5).", id="text"),
        pytest.param(DATA, 2.5, "Mobile data: the quantity must be a whole number (got 2.5).", id="float"),
        pytest.param(DATA, True, "Mobile data: the quantity must be a whole number (got True).", id="bool"),
    ],
)
def test_a_bad_quantity_is_named_with_its_limits(component, quantity, message):
    assert quantity_problem(component, quantity) == message


@pytest.mark.parametrize("quantity", [0, 30, 60, 3000])
def test_quantities_on_the_steps_within_the_limits_are_allowed(quantity):
    assert quantity_problem(VOICE, quantity) is None


def test_every_problem_is_reported_at_once_including_unknown_codes():
    chosen, problems = quantities_resolve(lines=TEMPLATE, quantities={"data-gb": 0, "sms": 15, "roaming": 3})

    assert problems == [
        QuantityProblem("roaming", "“roaming” is not part of this bundle."),
        QuantityProblem("data-gb", "Mobile data: at least 1 GB (got 0)."),
        QuantityProblem("sms", "SMS: from 0 SMS in steps of 10 (got 15; the nearest allowed are 10 and 20)."),
    ]
    assert [(c.code, q) for c, q in chosen] == [("voice-min", 90), ("streaming", 0)]


def test_a_bundle_with_nothing_in_it_is_refused():
    lines = [TemplateLine(VOICE, 30), TemplateLine(SMS, 10)]

    _chosen, problems = quantities_resolve(lines=lines, quantities={"voice-min": 0, "sms": 0})

    assert problems == [QuantityProblem("", "Choose at least one item for the bundle.")]
