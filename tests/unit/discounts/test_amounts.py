"""Reading the bill amount the billing system sends: exact, positive, within the minor unit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from rewards.discounts.amounts import InvalidAmount, bill_amount_parse

EUR = {"OPERATOR_CURRENCY": "EUR", "OPERATOR_CURRENCY_QUANTUM": Decimal("0.01")}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("150000", "150000", id="string"),
        pytest.param(150000, "150000", id="integer"),
        pytest.param(150000.0, "150000", id="whole-float"),
        pytest.param(" 150000 ", "150000", id="surrounding-spaces"),
        pytest.param("150000.00", "150000", id="trailing-zeros"),
        pytest.param("1.5E+5", "150000", id="exponent"),
    ],
)
def test_vnd_amounts_read_exactly(raw, expected):
    value = bill_amount_parse(raw)

    assert value == Decimal(expected)
    assert value.as_tuple().exponent == 0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("150000.5", "bill_amount must be a whole number of VND, which has no minor unit "
                                 "(got 150000.5)", id="fraction"),
        pytest.param(0.5, "bill_amount must be a whole number of VND, which has no minor unit (got 0.5)",
                     id="float-fraction"),
        pytest.param("0", "bill_amount must be positive (got 0)", id="zero"),
        pytest.param(-5, "bill_amount must be positive (got -5)", id="negative"),
        pytest.param("1,000", "bill_amount '1,000' is not a number (digits and one '.', no separators)",
                     id="thousands-separator"),
        pytest.param("abc", "bill_amount 'abc' is not a number (digits and one '.', no separators)",
                     id="letters"),
        pytest.param("", "bill_amount is empty", id="empty"),
        pytest.param("NaN", "bill_amount 'NaN' is not a finite number", id="nan"),
        pytest.param("Infinity", "bill_amount 'Infinity' is not a finite number", id="infinity"),
        pytest.param(True, 'bill_amount must be a number or a string such as "150000"', id="boolean"),
        pytest.param(None, 'bill_amount must be a number or a string such as "150000"', id="null"),
        pytest.param("1000000000000001", "bill_amount 1000000000000001 is too large "
                                         "(at most 1,000,000,000,000,000 VND)", id="too-large"),
    ],
)
def test_bad_vnd_amounts_are_refused_with_a_message(raw, message):
    with pytest.raises(InvalidAmount) as error:
        bill_amount_parse(raw)

    assert str(error.value) == message


@override_settings(**EUR)
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("12.5", "12.50", id="one-decimal"),
        pytest.param("12.50", "12.50", id="two-decimals"),
        pytest.param(12.34, "12.34", id="float"),
        pytest.param("12.500", "12.50", id="three-decimals-trailing-zero"),
    ],
)
def test_two_decimal_amounts_read_exactly(raw, expected):
    value = bill_amount_parse(raw)

    assert value == Decimal(expected)
    assert value.as_tuple().exponent == -2


@override_settings(**EUR)
def test_two_decimal_currency_refuses_a_third_decimal():
    with pytest.raises(InvalidAmount) as error:
        bill_amount_parse("12.505")

    assert str(error.value) == "bill_amount has more than 2 decimal places, the most EUR has (got 12.505)"
